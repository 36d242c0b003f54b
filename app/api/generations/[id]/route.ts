import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/errors";
import { guardRequest } from "@/lib/api/guards";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations/{id} - the task, refreshed from the upstream while unfinished; never cached
export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    await guardRequest(request);
    const { id } = await ctx.params;
    const task = await getTaskService().refresh(id);
    return NextResponse.json(task, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
