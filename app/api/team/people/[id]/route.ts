import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { removePerson, updatePerson } from "@/lib/team/people";

export const dynamic = "force-dynamic";

// PATCH /api/team/people/{id} - admins: { role?, dailyLimit? } (dailyLimit null clears it)
export const PATCH = withAccess<{ id: string }>(
  async ({ request, caller, params }) => NextResponse.json(await updatePerson(caller, params.id, request)),
  { role: "admin", sameOrigin: true, accepts: "json" },
);

// DELETE /api/team/people/{id} - admins: remove; their sessions, live streams and tokens end at once
export const DELETE = withAccess<{ id: string }>(
  async ({ request, caller, params }) => {
    await removePerson(caller, params.id, request);
    return NextResponse.json({ removed: true });
  },
  { role: "admin", sameOrigin: true },
);
