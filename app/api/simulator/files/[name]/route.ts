import path from "node:path";
import { NextResponse } from "next/server";
import { getEnv } from "@/lib/env";
import { serveFile } from "@/lib/http/serve-file";
import { simulatorLinkValid } from "@/lib/simulator";

export const dynamic = "force-dynamic";

const RESULTS = new Set(["result-16x9.mp4", "result-9x16.mp4"]);

// GET /api/simulator/files/{name} - the simulator's "CDN": result videos whose links expire like FoxAPI's
export async function GET(request: Request, ctx: { params: Promise<{ name: string }> }) {
  const { name } = await ctx.params;
  const notFound = (message: string, status = 404) =>
    NextResponse.json(
      { error: { code: "not_found", message } },
      { status, headers: { "Cache-Control": "no-store" } },
    );
  if (!getEnv().simulator) return notFound("The simulator is off: this server uses a real FoxAPI key.");
  if (!RESULTS.has(name)) return notFound("No such simulator file.");
  const params = new URL(request.url).searchParams;
  if (!simulatorLinkValid(params.get("expires"))) return notFound("This result link has expired.", 410);
  const download = params.get("download");
  return serveFile(request, path.join(process.cwd(), "public", "samples", name), {
    contentType: "video/mp4",
    downloadName: download && /^[^/\\\x00-\x1f]{1,160}\.mp4$/u.test(download) ? download : undefined,
  });
}
