import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { getDb } from "@/lib/tasks";
import { listActivity } from "@/lib/team/activity";

export const dynamic = "force-dynamic";

// GET /api/team/activity - admins: sign-ins, invites, role and limit changes and removals, newest first
export const GET = withAccess(async () => NextResponse.json({ activity: await listActivity(getDb()) }), {
  role: "admin",
});
