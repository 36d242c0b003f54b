import { ApiError } from "@/lib/api/errors";
import { withAccess } from "@/lib/api/route";
import { getEnv } from "@/lib/env";
import { serveFile } from "@/lib/http/serve-file";
import { simulatorLinkValid } from "@/lib/simulator";
import { simulatorFilePath } from "@/lib/simulator/files";

export const dynamic = "force-dynamic";

// GET /api/simulator/files/{name} - the simulator's "CDN": result videos whose links expire like FoxAPI's
export const GET = withAccess<{ name: string }>(({ request, params: { name } }) => {
  if (!getEnv().simulator)
    throw new ApiError(404, "not_found", "The simulator is off: this server uses a real FoxAPI key.");
  const file = simulatorFilePath(name);
  if (!file) throw new ApiError(404, "not_found", "No such simulator file.");
  const params = new URL(request.url).searchParams;
  if (!simulatorLinkValid(params.get("expires")))
    throw new ApiError(410, "not_found", "This result link has expired.");
  const download = params.get("download");
  return serveFile(request, file, {
    contentType: "video/mp4",
    downloadName: download && /^[^/\\\x00-\x1f]{1,160}\.mp4$/u.test(download) ? download : undefined,
  });
});
