import { NextResponse } from "next/server";
import { ApiError, errorResponse } from "@/lib/api/errors";
import { guardRequest } from "@/lib/api/guards";
import { serveFile } from "@/lib/http/serve-file";
import { getTaskService } from "@/lib/tasks";
import { downloadName } from "@/lib/tasks/naming";

export const dynamic = "force-dynamic";

// GET /api/generations/{id}/video - the result video from our storage (?download=1 for a named download);
// until the copy is stored, a redirect to the provider's link
export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    await guardRequest(request);
    const { id } = await ctx.params;
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
      return serveFile(request, record.archivePath, {
        contentType: "video/mp4",
        downloadName: wantsDownload ? name : undefined,
        cacheControl: "private, max-age=86400",
      });
    }
    const target = new URL(providerUrl, request.url);
    if (wantsDownload && target.origin === new URL(request.url).origin)
      target.searchParams.set("download", name);
    return NextResponse.redirect(target, { status: 302, headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
