import { NextResponse } from "next/server";
import { ApiError, readJson } from "@/lib/api/errors";
import { withAccess } from "@/lib/api/route";
import { getSubmitLimiter, getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations - recorded tasks, newest first, paged (?cursor=&limit=&model=&status=&q=)
export const GET = withAccess(async ({ request }) => {
  const params = new URL(request.url).searchParams;
  const limit = params.get("limit");
  const page = await getTaskService().list({
    limit: limit ? Number(limit) || undefined : undefined,
    cursor: params.get("cursor"),
    model: params.get("model"),
    status: params.get("status"),
    q: params.get("q"),
  });
  return NextResponse.json(page);
});

// POST /api/generations - access → validate → idempotency and spend cap → upstream → record → the task
export const POST = withAccess(
  async ({ request, caller }) => {
    const limit = await getSubmitLimiter().take(caller.sessionId);
    if (!limit.ok)
      throw new ApiError(
        429,
        "rate_limited",
        `Too many tasks started at once. Wait ${String(limit.retryAfterSeconds)} s.`,
        { retryAfterSeconds: limit.retryAfterSeconds },
      );
    const body = await readJson(request);
    // Two fields ride along with the generation itself: the task this one continues, and what the browser
    // measured of the source clip. Neither goes upstream.
    const {
      parent_task_id: parentId,
      source_meta: sourceMeta,
      ...generation
    } = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const result = await getTaskService().submit(generation, {
      parentId: typeof parentId === "string" ? parentId : null,
      sourceMeta,
      sessionId: caller.sessionId,
      idempotencyKey: request.headers.get("idempotency-key"),
    });
    return NextResponse.json(
      { ...result.task, warnings: result.warnings },
      {
        status: result.replayed ? 200 : 201,
        headers: result.replayed ? { "Idempotent-Replayed": "true" } : {},
      },
    );
  },
  { sameOrigin: true, accepts: "json" },
);
