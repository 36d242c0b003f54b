import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { recentUploads, uploadFromRequest } from "@/lib/uploads";

export const dynamic = "force-dynamic";
// The body is streamed through to FoxAPI as it arrives: this handler must run on Node, never buffered.
export const runtime = "nodejs";

// GET /api/uploads - files uploaded recently whose public URLs have not expired yet, newest first
export const GET = withAccess(async ({ request }) =>
  NextResponse.json({ uploads: await recentUploads(request) }),
);

// POST /api/uploads - stream one multipart file (`file`, optional `fingerprint`, `meta`) to FoxAPI's upload
// endpoint with the server's key; answers the public URL it got
export const POST = withAccess(
  async ({ request, caller }) => NextResponse.json(await uploadFromRequest(request, caller), { status: 201 }),
  { sameOrigin: true, accepts: "multipart" },
);
