import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { revokeToken, tokenOwner } from "@/lib/auth/tokens";

export const dynamic = "force-dynamic";

// DELETE /api/tokens/{id} - revoke one of the caller's own tokens: it stops working at once
export const DELETE = withAccess<{ id: string }>(
  async ({ caller, params }) => {
    await revokeToken(tokenOwner(caller), params.id);
    return NextResponse.json({ revoked: true });
  },
  { sameOrigin: true },
);
