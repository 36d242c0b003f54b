import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations/{id}/lineage - the chain a task belongs to: ancestors, children, total length
export const GET = withAccess<{ id: string }>(async ({ params }) =>
  NextResponse.json(await getTaskService().lineage(params.id)),
);
