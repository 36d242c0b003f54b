import { NextResponse } from "next/server";
import { errorResponse, readJson } from "@/lib/api/errors";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations - recorded tasks, newest first, paged (?cursor=&limit=&model=&status=&q=)
export function GET(request: Request) {
  try {
    const params = new URL(request.url).searchParams;
    const limit = params.get("limit");
    const page = getTaskService().list({
      limit: limit ? Number(limit) || undefined : undefined,
      cursor: params.get("cursor"),
      model: params.get("model"),
      status: params.get("status"),
      q: params.get("q"),
    });
    return NextResponse.json(page, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}

// POST /api/generations - validate, submit upstream, record, answer the task
export async function POST(request: Request) {
  try {
    const body = await readJson(request);
    // Two fields ride along with the generation itself: the task this one continues, and what the browser
    // measured of the source clip. Neither goes upstream.
    const {
      parent_task_id: parentId,
      source_meta: sourceMeta,
      ...generation
    } = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const task = await getTaskService().submit(generation, {
      parentId: typeof parentId === "string" ? parentId : null,
      sourceMeta,
    });
    return NextResponse.json(task, { status: 201, headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
