import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { cancelInvite } from "@/lib/team/invites";

export const dynamic = "force-dynamic";

// DELETE /api/team/invites/{id} - admins: the link stops working
export const DELETE = withAccess<{ id: string }>(
  async ({ params }) => {
    await cancelInvite(params.id);
    return NextResponse.json({ cancelled: true });
  },
  { role: "admin", sameOrigin: true },
);
