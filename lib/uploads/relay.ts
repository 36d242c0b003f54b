import "server-only";
import { ApiError } from "../api/errors";
import type { FoxClient, UploadedFile } from "../foxapi/client";
import { UpstreamError } from "../foxapi/errors";
import type { MeasuredVideo } from "../models/shared";
import { MultipartError, MultipartReader, boundaryOf, multipartStream, newBoundary } from "./multipart";
import {
  MAX_UPLOAD_BYTES,
  type UploadKind,
  type UploadType,
  contentMatches,
  declaredType,
  formatBytes,
  sanitizeFileName,
  sniffType,
  typeList,
} from "./types";

/**
 * Passes one browser upload through to FoxAPI's `POST /v1/files/upload/stream` (contract §4) as it arrives: the
 * browser's multipart body is read part by part, the file's bytes are checked (allowed type by content, not just
 * by name) and counted, and forwarded in a new multipart body carrying only a sanitised name and the verified
 * type. Nothing is buffered beyond a chunk; crossing the cap aborts both sides at once.
 */
export interface RelayLimits extends Record<UploadKind, number> {
  /** Room for the multipart framing and small fields around the file, when judging Content-Length. */
  overhead: number;
  /** A browser that sends nothing for this long has gone: the upstream request is aborted. */
  idleMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = { ...MAX_UPLOAD_BYTES, overhead: 64 * 1024, idleMs: 60_000 };

/** The next chunk of the file, or a `truncated` failure when the browser has sent nothing for `ms`. */
async function readWithin(reader: MultipartReader, ms: number): Promise<Uint8Array | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new MultipartError("The upload stalled: nothing arrived for a minute.", "truncated")),
      ms,
    );
  });
  try {
    return await Promise.race([reader.readChunk(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RelayedFile {
  uploaded: UploadedFile;
  filename: string;
  type: UploadType;
  /** Bytes we forwarded (the file's size). */
  size: number;
  fingerprint: string | null;
  meta: MeasuredVideo | null;
}

const MAX_FIELDS = 8;

function tooLarge(kind: UploadKind | null, limits: RelayLimits, size?: number): ApiError {
  const what = kind === "image" ? "an image" : "a video";
  const max = formatBytes(limits[kind ?? "video"]);
  return new ApiError(
    413,
    "file_too_large",
    size !== undefined
      ? `The file is ${formatBytes(size)}; ${what} can be at most ${max}.`
      : `The file is larger than ${max}, the most ${what} can be.`,
  );
}

function parseMeta(text: string): MeasuredVideo | null {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const ok = (n: unknown, max: number): n is number =>
      typeof n === "number" && Number.isFinite(n) && n > 0 && n <= max;
    if (ok(v.durationSeconds, 24 * 3600) && ok(v.width, 100_000) && ok(v.height, 100_000))
      return { durationSeconds: v.durationSeconds, width: Math.round(v.width), height: Math.round(v.height) };
  } catch {
    // ignored: the measurement is a nicety for the picker
  }
  return null;
}

/** Reads the browser's form up to the file part: small fields first (`fingerprint`, `meta`), then `file`. */
async function readUntilFile(reader: MultipartReader) {
  let fingerprint: string | null = null;
  let meta: MeasuredVideo | null = null;
  for (let i = 0; i <= MAX_FIELDS; i++) {
    const part = await reader.nextPart();
    if (!part) throw new ApiError(400, "no_file", "The upload had no file in it.");
    if (part.filename !== null) {
      if (part.name !== "file")
        throw new ApiError(400, "invalid_multipart", "Send the file in the form field named “file”.");
      return { part: { filename: part.filename, contentType: part.contentType }, fingerprint, meta };
    }
    if (part.name === "fingerprint") fingerprint = (await reader.readText(512)).trim() || null;
    else if (part.name === "meta") meta = parseMeta(await reader.readText(1024));
    else await reader.readText(4096);
  }
  throw new ApiError(400, "invalid_multipart", "The upload form has too many fields.");
}

export async function relayUpload(
  request: Request,
  client: FoxClient,
  limits: RelayLimits = DEFAULT_LIMITS,
): Promise<RelayedFile> {
  const boundary = boundaryOf(request.headers.get("content-type"));
  if (!boundary) throw new ApiError(400, "invalid_multipart", "Send the file as multipart/form-data.");
  // Refuse an oversized body before reading a byte of it, when the sender says how big it is.
  const declaredLength = Number(request.headers.get("content-length") ?? NaN);
  const known = Number.isFinite(declaredLength) && declaredLength >= 0;
  if (known && declaredLength > Math.max(limits.video, limits.image) + limits.overhead)
    throw tooLarge("video", limits, declaredLength);
  if (!request.body) throw new ApiError(400, "no_file", "The upload had no file in it.");

  const reader = new MultipartReader(request.body, boundary);
  try {
    let form: Awaited<ReturnType<typeof readUntilFile>>;
    try {
      form = await readUntilFile(reader);
    } catch (err) {
      if (err instanceof MultipartError)
        throw err.kind === "truncated"
          ? new ApiError(
              400,
              "upload_interrupted",
              "The connection dropped before the file arrived. Try again.",
            )
          : new ApiError(400, "invalid_multipart", `The upload form could not be read: ${err.message}`);
      throw err;
    }
    const { part } = form;
    const type = declaredType(part.filename, part.contentType);
    if (!type)
      throw new ApiError(
        415,
        "unsupported_file_type",
        `Only ${typeList("video")} videos and ${typeList("image")} images can be uploaded.`,
      );
    const cap = limits[type.kind];
    if (known && declaredLength > cap + limits.overhead) throw tooLarge(type.kind, limits, declaredLength);

    // The first bytes decide what the file really is, before anything is sent upstream.
    const head: Uint8Array[] = [];
    let headBytes = 0;
    try {
      while (headBytes < 12) {
        const chunk = await readWithin(reader, limits.idleMs);
        if (!chunk) break;
        head.push(chunk);
        headBytes += chunk.length;
      }
    } catch (err) {
      if (err instanceof MultipartError)
        throw new ApiError(
          400,
          "upload_interrupted",
          "The connection dropped before the file arrived. Try again.",
        );
      throw err;
    }
    if (headBytes === 0) throw new ApiError(400, "empty_file", "The file is empty.");
    if (headBytes > cap) throw tooLarge(type.kind, limits);
    const first = Buffer.concat(head.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    if (!contentMatches(type, sniffType(first.subarray(0, 16))))
      throw new ApiError(
        415,
        "unsupported_file_type",
        `The file is named like ${type.kind === "video" ? "a video" : "an image"} (${type.label}) but its contents are not one.`,
      );

    const filename = sanitizeFileName(part.filename, type);
    let size = 0;
    let overCap = false;
    let readFailure: MultipartError | null = null;
    const pending = [...head];
    const next = async (): Promise<Uint8Array | null> => {
      let chunk: Uint8Array | null;
      if (pending.length > 0) chunk = pending.shift()!;
      else {
        try {
          chunk = await readWithin(reader, limits.idleMs);
        } catch (err) {
          if (err instanceof MultipartError) readFailure = err;
          throw err;
        }
      }
      if (chunk === null) return null;
      size += chunk.length;
      if (size > cap) {
        // Stop reading the browser and abort the upstream request in the same moment.
        overCap = true;
        void reader.cancel();
        throw new Error("over the cap");
      }
      return chunk;
    };
    const outBoundary = newBoundary();
    const body = multipartStream({
      boundary: outBoundary,
      fields: [["file_name", filename]],
      file: { field: "file", filename, contentType: type.mime, next },
      onCancel: () => void reader.cancel(),
    });

    let uploaded: UploadedFile;
    try {
      uploaded = await client.uploadFile(body, `multipart/form-data; boundary=${outBoundary}`);
    } catch (err) {
      if (overCap) throw tooLarge(type.kind, limits);
      const failure = readFailure as MultipartError | null;
      if (failure)
        throw failure.kind === "truncated"
          ? new ApiError(
              400,
              "upload_interrupted",
              "The connection dropped before the whole file arrived, so nothing was saved. Try again.",
            )
          : new ApiError(400, "invalid_multipart", `The upload form could not be read: ${failure.message}`);
      if (err instanceof UpstreamError) {
        if (err.options.upstreamStatus === 413)
          throw new ApiError(
            413,
            "upstream_file_too_large",
            `FoxAPI refused the file as too large (${err.options.upstreamCode ?? "file_too_large_error"}). Try a smaller or shorter file.`,
          );
        if (err.code === "upstream_unreachable")
          throw new ApiError(
            502,
            "upstream_connection_dropped",
            "The connection to FoxAPI dropped during the upload, so the file was not saved. Try again.",
          );
        if (err.code === "upstream_timeout")
          throw new ApiError(
            504,
            "upload_timeout",
            "FoxAPI did not take the file in time, so it was not saved. Try again, or try a smaller file.",
          );
      }
      throw err;
    }
    return { uploaded, filename, type, size, fingerprint: form.fingerprint, meta: form.meta };
  } finally {
    // Releases the browser's connection whatever happened (a no-op when the body was read to its end).
    void reader.cancel();
  }
}
