import { ApiError } from "@/lib/api/errors";
import { withAccess } from "@/lib/api/route";
import { serveStored } from "@/lib/http/serve-file";
import { getStorage } from "@/lib/storage";
import { storedKeyOf } from "@/lib/tasks/archive";
import { getTaskService } from "@/lib/tasks";
import { downloadName } from "@/lib/tasks/naming";

export const dynamic = "force-dynamic";

// GET /api/generations/{id}/video - the result video from our storage (?download=1 for a named download);
// until the copy is stored, a redirect to the provider's link
export const GET = withAccess<{ id: string }>(async ({ request, params: { id } }) => {
  const service = getTaskService();
  let record = await service.record(id);
  if (record.status !== "completed" || !record.resultUrl)
    throw new ApiError(404, "no_result", "This task has no result video yet.");
  const providerUrl = record.resultUrl;
  const wantsDownload = new URL(request.url).searchParams.has("download");
  const name = downloadName(
    record.model,
    (JSON.parse(record.input) as { prompt: string }).prompt,
    new Date(record.createdAt).toISOString(),
  );
  if (record.archiveStatus !== "stored" && wantsDownload) {
    // A download is worth waiting for: try the copy now so the file gets its proper name.
    await service.archive(id);
    record = await service.record(id);
  }
  if (record.archiveStatus === "stored" && record.archivePath) {
    return serveStored(request, await getStorage(), storedKeyOf(record.archivePath), {
      contentType: "video/mp4",
      downloadName: wantsDownload ? name : undefined,
      cacheControl: "private, max-age=86400",
    });
  }
  const target = new URL(providerUrl, request.url);
  const sameOrigin = target.origin === new URL(request.url).origin;
  if (wantsDownload && sameOrigin) target.searchParams.set("download", name);
  // A link of our own (the simulator's) goes as a path: the host in request.url can differ from the one the
  // browser used (localhost for 127.0.0.1), and the session cookie of one is not sent to the other.
  return new Response(null, {
    status: 302,
    headers: { Location: sameOrigin ? `${target.pathname}${target.search}` : target.href },
  });
});
