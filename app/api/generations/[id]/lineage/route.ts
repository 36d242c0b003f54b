import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/errors";
import { guardRequest } from "@/lib/api/guards";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations/{id}/lineage - the chain a task belongs to: ancestors, children, total length
export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    await guardRequest(request);
    const { id } = await ctx.params;
    return NextResponse.json(await getTaskService().lineage(id), {
      headers: { "Cache-Control": "no-store" },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
