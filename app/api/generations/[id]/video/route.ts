import { NextResponse } from "next/server";
import { ApiError, errorResponse } from "@/lib/api/errors";
import { getTaskService } from "@/lib/tasks";
import { downloadName } from "@/lib/tasks/naming";

export const dynamic = "force-dynamic";

// GET /api/generations/{id}/video - the result video (?download=1 for a named download)
export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await ctx.params;
    const task = getTaskService().get(id);
    if (!task.upstreamResultUrl || task.status !== "completed")
      throw new ApiError(404, "no_result", "This task has no result video yet.");
    const target = new URL(task.upstreamResultUrl, request.url);
    if (new URL(request.url).searchParams.has("download") && target.origin === new URL(request.url).origin)
      target.searchParams.set("download", downloadName(task.model, task.input.prompt, task.createdAt));
    return NextResponse.redirect(target, { status: 302, headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
