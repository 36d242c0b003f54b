import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations/{id} - the task, refreshed from the upstream while unfinished; never cached
export const GET = withAccess<{ id: string }>(async ({ params }) =>
  NextResponse.json(await getTaskService().refresh(params.id)),
);
