import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { createInvite } from "@/lib/team/invites";

export const dynamic = "force-dynamic";

// POST /api/team/invites - admins: { email, role } → a one-time link (its only copy is in this answer)
export const POST = withAccess(
  async ({ request, caller }) => NextResponse.json(await createInvite(caller, request), { status: 201 }),
  { role: "admin", sameOrigin: true, accepts: "json" },
);
