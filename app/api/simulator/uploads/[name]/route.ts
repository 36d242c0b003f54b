import path from "node:path";
import { NextResponse } from "next/server";
import { getEnv } from "@/lib/env";
import { serveFile } from "@/lib/http/serve-file";
import { findSimulatorUpload } from "@/lib/simulator/uploads";

export const dynamic = "force-dynamic";

// GET /api/simulator/uploads/{name} - the simulator's upload "CDN": files stored by its upload endpoint, served
// with their verified type and nosniff until they expire (72 h, like FoxAPI's)
export async function GET(request: Request, ctx: { params: Promise<{ name: string }> }) {
  const { name: raw } = await ctx.params;
  const answer = (status: number, message: string) =>
    NextResponse.json(
      { error: { code: status === 410 ? "expired" : "not_found", message } },
      { status, headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } },
    );
  if (!getEnv().simulator) return answer(404, "The simulator is off: this server uses a real FoxAPI key.");
  let name = raw;
  try {
    // Stored names never contain `%`, so one decode is all a still-encoded name can need.
    if (name.includes("%")) name = decodeURIComponent(name);
  } catch {
    return answer(404, "No such upload.");
  }
  const found = findSimulatorUpload(path.join(getEnv().dataDir, "uploads"), name);
  if (found === "expired") return answer(410, "This upload has expired: uploads are kept for 72 hours.");
  if (!found) return answer(404, "No such upload.");
  const res = await serveFile(request, found.file, { contentType: found.type.mime });
  // Files people uploaded are media, never a page: nothing in them may run on our origin.
  res.headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
  return res;
}
