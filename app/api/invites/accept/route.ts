import { NextResponse } from "next/server";
import { ApiError } from "@/lib/api/errors";
import { withOpenAccess } from "@/lib/api/route";
import { getEnv } from "@/lib/env";
import { acceptInvite } from "@/lib/team/invites";

export const dynamic = "force-dynamic";

// POST /api/invites/accept - { token, password, name? }: open by nature (it is how an invited person gets in);
// the link's token is the proof. Signs them in.
export const POST = withOpenAccess(
  async ({ request }) => {
    if (getEnv().authMode !== "accounts")
      throw new ApiError(404, "accounts_off", "Team accounts are off on this server (AUTH_MODE=accounts).");
    const cookies = await acceptInvite(request);
    const res = NextResponse.json({ signedIn: true });
    for (const cookie of cookies) res.headers.append("Set-Cookie", cookie);
    return res;
  },
  { sameOrigin: true, accepts: "json" },
);
