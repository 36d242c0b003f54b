import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/errors";
import { guardRequest } from "@/lib/api/guards";
import { getEnv } from "@/lib/env";
import { serveFile } from "@/lib/http/serve-file";
import { simulatorLinkValid } from "@/lib/simulator";
import { simulatorFilePath } from "@/lib/simulator/files";

export const dynamic = "force-dynamic";

// GET /api/simulator/files/{name} - the simulator's "CDN": result videos whose links expire like FoxAPI's
export async function GET(request: Request, ctx: { params: Promise<{ name: string }> }) {
  try {
    await guardRequest(request);
  } catch (err) {
    return errorResponse(err);
  }
  const { name } = await ctx.params;
  const notFound = (message: string, status = 404) =>
    NextResponse.json(
      { error: { code: "not_found", message } },
      { status, headers: { "Cache-Control": "no-store" } },
    );
  if (!getEnv().simulator) return notFound("The simulator is off: this server uses a real FoxAPI key.");
  const file = simulatorFilePath(name);
  if (!file) return notFound("No such simulator file.");
  const params = new URL(request.url).searchParams;
  if (!simulatorLinkValid(params.get("expires"))) return notFound("This result link has expired.", 410);
  const download = params.get("download");
  return serveFile(request, file, {
    contentType: "video/mp4",
    downloadName: download && /^[^/\\\x00-\x1f]{1,160}\.mp4$/u.test(download) ? download : undefined,
  });
}
