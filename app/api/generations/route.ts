import { NextResponse } from "next/server";
import { ApiError, readJson } from "@/lib/api/errors";
import { withAccess } from "@/lib/api/route";
import { msg } from "@/lib/i18n/message";
import { localize, localizeWarnings } from "@/lib/i18n/server";
import { getSubmitLimiter, getTaskService } from "@/lib/tasks";
import { isTakeCount } from "@/lib/tasks/takes";

export const dynamic = "force-dynamic";

// GET /api/generations - recorded tasks, newest first, paged (?cursor=&limit=&model=&status=&q=&favourite=1)
export const GET = withAccess(
  async ({ request, caller }) => {
    const params = new URL(request.url).searchParams;
    const limit = params.get("limit");
    const page = await getTaskService().list({
      limit: limit ? Number(limit) || undefined : undefined,
      cursor: params.get("cursor"),
      model: params.get("model"),
      status: params.get("status"),
      q: params.get("q"),
      // ?mine=1: the Tasks list's "Mine" (accounts mode); elsewhere there is no "me", so it changes nothing.
      favourite: params.get("favourite"),
      createdBy: params.get("mine") === "1" ? (caller.userId ?? null) : null,
    });
    return NextResponse.json({ ...page, tasks: page.tasks.map((t) => localizeWarnings(request, t)) });
  },
  { tokens: true },
);

// POST /api/generations - access → validate → idempotency and spend cap → upstream → record → the task.
// With `takes: N` (issue 14) one request starts N tasks from the same form, all-or-nothing against the daily cap,
// and answers `{ groupId, tasks, failures, warnings }`; without it, the single task as before.
export const POST = withAccess(
  async ({ request, caller }) => {
    const body = await readJson(request);
    // Fields that ride along with the generation itself: the task this one continues, what the browser measured
    // of the source clip, and how many takes. None goes upstream.
    const {
      parent_task_id: parentId,
      source_meta: sourceMeta,
      takes,
      ...generation
    } = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const batch = takes !== undefined;
    const points = batch && typeof takes === "number" && isTakeCount(takes) ? takes : 1;
    const limit = await getSubmitLimiter().take(caller.sessionId, points);
    if (!limit.ok)
      throw new ApiError(
        429,
        "rate_limited",
        msg("api.tooManyTasks", { secs: String(limit.retryAfterSeconds) }),
        { retryAfterSeconds: limit.retryAfterSeconds },
      );
    const meta = {
      parentId: typeof parentId === "string" ? parentId : null,
      sourceMeta,
      sessionId: caller.sessionId,
      idempotencyKey: request.headers.get("idempotency-key"),
      createdBy: caller.userId ? { id: caller.userId, name: caller.name || caller.email || "" } : null,
      person: caller.userId ? { userId: caller.userId, limit: caller.dailyLimit ?? null } : null,
    };
    if (batch) {
      const result = await getTaskService().submitBatch(
        generation,
        typeof takes === "number" ? takes : NaN,
        meta,
      );
      return NextResponse.json(
        {
          groupId: result.groupId,
          tasks: result.tasks.map((t) => localizeWarnings(request, t)),
          failures: result.failures.map((f) => ({ ...f, message: localize(request, f.message) })),
          warnings: localizeWarnings(request, { warnings: result.warnings }).warnings,
        },
        {
          status: result.replayed ? 200 : 201,
          headers: result.replayed ? { "Idempotent-Replayed": "true" } : {},
        },
      );
    }
    const result = await getTaskService().submit(generation, meta);
    return NextResponse.json(localizeWarnings(request, { ...result.task, warnings: result.warnings }), {
      status: result.replayed ? 200 : 201,
      headers: result.replayed ? { "Idempotent-Replayed": "true" } : {},
    });
  },
  { sameOrigin: true, accepts: "json", tokens: true },
);
