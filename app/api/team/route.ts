import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { pendingInvites } from "@/lib/team/invites";
import { listPeople } from "@/lib/team/people";

export const dynamic = "force-dynamic";

// GET /api/team - admins: the people on the team (role, daily limit) and the invites not yet accepted
export const GET = withAccess(
  async () => NextResponse.json({ people: await listPeople(), invites: await pendingInvites() }),
  { role: "admin" },
);
