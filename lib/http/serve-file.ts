import "server-only";
import fs from "node:fs";
import { Readable } from "node:stream";

/**
 * Next (16.4 `sendResponse`) drops `Content-Length` from every route handler's response, so the size rides in this
 * header and the production server (`server.mjs`, which names the same header) turns it back into
 * `Content-Length` as the headers go out, and never lets it reach a client. Only a length travels this way, never
 * a path: a forged or leaked value can't open a file.
 */
export const LENGTH_CARRIER = "x-retake-content-length";

/**
 * Streams a file with the headers a video player needs: `Content-Type`, `Content-Length`, `Accept-Ranges` and
 * single-range requests (so players can seek), plus an optional download file name.
 */
export async function serveFile(
  request: Request,
  file: string,
  options: { contentType: string; downloadName?: string; cacheControl?: string },
): Promise<Response> {
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch {
    return new Response(JSON.stringify({ error: { code: "not_found", message: "That file is gone." } }), {
      status: 404,
      headers: { "Content-Type": "application/json" },
    });
  }
  const headers = new Headers({
    "Content-Type": options.contentType,
    "Accept-Ranges": "bytes",
    "Cache-Control": options.cacheControl ?? "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
  });
  if (options.downloadName) headers.set("Content-Disposition", contentDisposition(options.downloadName));

  const range = parseRange(request.headers.get("range"), size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${String(size)}`);
    return new Response(null, { status: 416, headers });
  }
  const [start, end] = range ?? [0, size - 1];
  const length = String(size === 0 ? 0 : end - start + 1);
  headers.set("Content-Length", length);
  headers.set(LENGTH_CARRIER, length);
  if (range) headers.set("Content-Range", `bytes ${String(start)}-${String(end)}/${String(size)}`);
  if (request.method === "HEAD" || size === 0)
    return new Response(null, { status: range ? 206 : 200, headers });
  const stream = Readable.toWeb(fs.createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(stream, { status: range ? 206 : 200, headers });
}

/** One `bytes=a-b`, `a-` or `-n` range; multi-range requests are answered with the whole file. */
export function parseRange(header: string | null, size: number): [number, number] | "unsatisfiable" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return [start, end];
}

/** RFC 6266 with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
