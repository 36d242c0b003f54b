import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { createToken, listTokens, tokenOwner } from "@/lib/auth/tokens";

export const dynamic = "force-dynamic";

// GET /api/tokens - the caller's own personal API tokens (never their secrets)
export const GET = withAccess(async ({ caller }) =>
  NextResponse.json({ tokens: await listTokens(tokenOwner(caller)) }),
);

// POST /api/tokens - { name }: a new token; its secret is in this answer and nowhere else, ever
export const POST = withAccess(
  async ({ request, caller }) =>
    NextResponse.json(await createToken(tokenOwner(caller), request), { status: 201 }),
  { sameOrigin: true, accepts: "json" },
);
