import "server-only";
import fs from "node:fs";
import { Readable } from "node:stream";
import { byteRangeFromHeader } from "../storage/common";
import { type Storage, StorageError } from "../storage/types";

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
const notFound = () =>
  new Response(JSON.stringify({ error: { code: "not_found", message: "That file is gone." } }), {
    status: 404,
    headers: { "Content-Type": "application/json" },
  });

function baseHeaders(options: { contentType: string; downloadName?: string; cacheControl?: string }) {
  const headers = new Headers({
    "Content-Type": options.contentType,
    "Accept-Ranges": "bytes",
    "Cache-Control": options.cacheControl ?? "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
  });
  if (options.downloadName) headers.set("Content-Disposition", contentDisposition(options.downloadName));
  return headers;
}

/**
 * `serveFile` for an object in our storage (local disk or an S3 bucket): the same headers, ranges, HEAD and 416.
 * The bytes stream through the app rather than a redirect to a signed URL, so every range request passes the
 * caller's access check and the download keeps its name. One storage request per call: the range goes to the
 * store as asked (S3 answers the size with it), and HEAD asks only for the size.
 */
export async function serveStored(
  request: Request,
  storage: Storage,
  key: string,
  options: { contentType: string; downloadName?: string; cacheControl?: string },
): Promise<Response> {
  const headers = baseHeaders(options);
  const range = byteRangeFromHeader(request.headers.get("range"));
  if (request.method === "HEAD") {
    const info = await storage.stat(key);
    if (!info) return notFound();
    const resolved = range ? parseRange(request.headers.get("range"), info.size) : null;
    if (resolved === "unsatisfiable") {
      headers.set("Content-Range", `bytes */${String(info.size)}`);
      return new Response(null, { status: 416, headers });
    }
    const [start, end] = resolved ?? [0, info.size - 1];
    const length = String(info.size === 0 ? 0 : end - start + 1);
    headers.set("Content-Length", length);
    headers.set(LENGTH_CARRIER, length);
    if (resolved) headers.set("Content-Range", `bytes ${String(start)}-${String(end)}/${String(info.size)}`);
    return new Response(null, { status: resolved ? 206 : 200, headers });
  }
  let object;
  try {
    object = await storage.get(key, range ? { range } : {});
  } catch (err) {
    if (err instanceof StorageError && err.code === "range_not_satisfiable") {
      headers.set("Content-Range", `bytes */${String(err.size ?? 0)}`);
      return new Response(null, { status: 416, headers });
    }
    throw err;
  }
  if (!object) return notFound();
  const length = String(object.contentLength);
  headers.set("Content-Length", length);
  headers.set(LENGTH_CARRIER, length);
  if (object.range)
    headers.set(
      "Content-Range",
      `bytes ${String(object.range.start)}-${String(object.range.end)}/${String(object.size)}`,
    );
  const status = object.range ? 206 : 200;
  if (object.contentLength === 0) {
    object.body.destroy();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(object.body) as ReadableStream<Uint8Array>, { status, headers });
}

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
