import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations/{id}/lineage - the chain a task belongs to: ancestors, children, total length
export const GET = withAccess<{ id: string }>(({ params }) =>
  NextResponse.json(getTaskService().lineage(params.id)),
);
