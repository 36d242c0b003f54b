import { Readable, Transform } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { type ByteRange, type PutBody, StorageError } from "./types";

/**
 * Keys are `/`-separated segments of letters, digits, `.`, `_`, `-` (and the letters and digits of any script,
 * as the simulator keeps sanitised upload names): never empty, never `.` or `..`, never starting with a dot (the
 * local driver keeps its partial files in `.partial/`). The same rule for both drivers, so a key that works on a
 * laptop works in the bucket.
 */
const SEGMENT = /^[\p{L}\p{N}_-][\p{L}\p{N}._-]*$/u;

export function checkKey(key: string): string {
  if (typeof key !== "string" || key.length === 0 || key.length > 512)
    throw new StorageError("invalid_key", "A storage key must be 1 to 512 characters long.");
  for (const segment of key.split("/")) {
    if (!SEGMENT.test(segment) || segment === "..")
      throw new StorageError("invalid_key", `Not a valid storage key: "${key}".`);
  }
  return key;
}

/** The inclusive byte range to serve of an object of `size` bytes, or `range_not_satisfiable`. */
export function resolveRange(range: ByteRange, size: number): { start: number; end: number } {
  const bad = () =>
    new StorageError(
      "range_not_satisfiable",
      `The range is outside the object (${String(size)} bytes).`,
      size,
    );
  if ("suffix" in range) {
    if (!Number.isSafeInteger(range.suffix) || range.suffix <= 0 || size === 0) throw bad();
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  const { start } = range;
  if (!Number.isSafeInteger(start) || start < 0 || start >= size) throw bad();
  if (range.end !== undefined && (!Number.isSafeInteger(range.end) || range.end < start)) throw bad();
  return { start, end: Math.min(range.end ?? size - 1, size - 1) };
}

/**
 * A request's `Range` header as a `ByteRange`, without knowing the size (so the S3 driver needs one request, not
 * a HEAD first): one `bytes=a-b`, `a-` or `-n`. `null` (serve the whole object, as HTTP allows) for no header,
 * several ranges or another unit. A backwards or zero-length range passes through for `get()` to refuse with
 * `range_not_satisfiable`, as `lib/http/serve-file.ts` answers 416 today.
 */
export function byteRangeFromHeader(header: string | null | undefined): ByteRange | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") return { suffix: Number(m[2]) };
  return m[2] === "" ? { start: Number(m[1]) } : { start: Number(m[1]), end: Number(m[2]) };
}

/** The `Range` header value for a `ByteRange`. */
export function rangeHeader(range: ByteRange): string {
  if ("suffix" in range) return `bytes=-${String(range.suffix)}`;
  return `bytes=${String(range.start)}-${range.end === undefined ? "" : String(range.end)}`;
}

export function toReadable(body: PutBody): Readable {
  if (body instanceof Readable) return body;
  if (body instanceof Uint8Array) return Readable.from([body], { objectMode: false });
  return Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>);
}

/**
 * Passes bytes through and counts them; fails with `too_large` the moment the count crosses `maxBytes`, so an
 * oversized stream is cut there instead of being stored first and measured after.
 */
export function byteCounter(maxBytes: number) {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        return done(
          new StorageError("too_large", `The file is larger than the ${String(maxBytes)}-byte limit.`),
        );
      done(null, chunk);
    },
  });
  return { stream, bytes: () => bytes };
}
