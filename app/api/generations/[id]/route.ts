import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/errors";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations/{id} - the task, refreshed from the upstream while unfinished; never cached
export async function GET(_request: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await ctx.params;
    const task = await getTaskService().refresh(id);
    return NextResponse.json(task, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
