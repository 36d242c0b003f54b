import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/errors";
import { guardRequest } from "@/lib/api/guards";
import { recentUploads, uploadFromRequest } from "@/lib/uploads";

export const dynamic = "force-dynamic";
// The body is streamed through to FoxAPI as it arrives: this handler must run on Node, never buffered.
export const runtime = "nodejs";

// GET /api/uploads - files uploaded recently whose public URLs have not expired yet, newest first
export async function GET(request: Request) {
  try {
    await guardRequest(request);
    return NextResponse.json(
      { uploads: await recentUploads(request) },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (err) {
    return errorResponse(err);
  }
}

// POST /api/uploads - stream one multipart file (`file`, optional `fingerprint`, `meta`) to FoxAPI's upload
// endpoint with the server's key; answers the public URL it got
export async function POST(request: Request) {
  try {
    const caller = await guardRequest(request, { mutating: true, kind: "multipart" });
    const upload = await uploadFromRequest(request, caller);
    return NextResponse.json(upload, { status: 201, headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
