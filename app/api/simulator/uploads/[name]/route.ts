import { ApiError } from "@/lib/api/errors";
import { withOpenAccess } from "@/lib/api/route";
import { getEnv } from "@/lib/env";
import { serveStored } from "@/lib/http/serve-file";
import { getStorage } from "@/lib/storage";
import { findSimulatorUpload } from "@/lib/simulator/uploads";

export const dynamic = "force-dynamic";

// GET /api/simulator/uploads/{name} - the simulator's upload "CDN": files stored by its upload endpoint, served
// with their verified type and nosniff until they expire (72 h, like FoxAPI's). Open like FoxAPI's upload links:
// the models fetch them without a session.
export const GET = withOpenAccess<{ name: string }>(
  async ({ request, params }) => {
    if (!getEnv().simulator)
      throw new ApiError(404, "not_found", "The simulator is off: this server uses a real FoxAPI key.");
    let name = params.name;
    try {
      // Stored names never contain `%`, so one decode is all a still-encoded name can need.
      if (name.includes("%")) name = decodeURIComponent(name);
    } catch {
      throw new ApiError(404, "not_found", "No such upload.");
    }
    const storage = await getStorage();
    const found = await findSimulatorUpload(storage, name);
    if (found === "expired")
      throw new ApiError(410, "expired", "This upload has expired: uploads are kept for 72 hours.");
    if (!found) throw new ApiError(404, "not_found", "No such upload.");
    const res = await serveStored(request, storage, found.key, { contentType: found.type.mime });
    // Files people uploaded are media, never a page: nothing in them may run on our origin.
    res.headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
    return res;
  },
  { headers: { "X-Content-Type-Options": "nosniff" } },
);
