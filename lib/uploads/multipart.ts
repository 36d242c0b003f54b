import { randomBytes } from "node:crypto";
import { Busboy, type BusboyFileStream, type BusboyInstance } from "@fastify/busboy";

/**
 * Streaming `multipart/form-data` (RFC 7578), read with `@fastify/busboy` (the parser Fastify and undici use) and
 * written by a small generator of our own. The upload route and the simulator pass files of up to 200 MB through
 * them without ever holding more than a chunk or two in memory: the reader hands out a part's body chunk by
 * chunk as its caller asks, and busboy stops taking bytes from the sender until then, so back-pressure reaches the
 * browser.
 */

export class MultipartError extends Error {
  override name = "MultipartError";
  constructor(
    message: string,
    /** `truncated`: the body ended (or the connection dropped) before the closing boundary. */
    readonly kind: "malformed" | "truncated" = "malformed",
  ) {
    super(message);
  }
}

export interface PartInfo {
  /** The form field's name. */
  name: string;
  /** The file name the sender gave, or null for a plain field. */
  filename: string | null;
  /** The part's `Content-Type`, lower-cased without parameters, or null. */
  contentType: string | null;
}

/** The boundary of a `multipart/form-data` content type, or null. */
export function boundaryOf(contentType: string | null): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType.trim())) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  const boundary = m ? (m[1] ?? m[2] ?? null) : null;
  return boundary && /^[0-9A-Za-z'()+_,\-./:=? ]+$/.test(boundary) ? boundary : null;
}

/** Busboy keeps at most this much of a part's headers (it cuts, rather than refuses, longer ones). */
const MAX_HEADER_BYTES = 16 * 1024;
/** Busboy buffers a plain field up to this size and drops the rest; callers cap fields far lower. */
const MAX_FIELD_BYTES = 64 * 1024;

type Part =
  | { info: PartInfo; file: BusboyFileStream; chunks: AsyncIterator<Buffer>; value?: never }
  | { info: PartInfo; file?: never; value: string; truncated: boolean; handedOut: boolean };

/** Busboy's and Dicer's own words for a body that stopped before its closing boundary. */
const ENDED_EARLY = /unexpected end|terminated early/i;

function toMultipartError(err: unknown): MultipartError {
  if (err instanceof MultipartError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return ENDED_EARLY.test(message)
    ? new MultipartError("The upload ended before the file was complete.", "truncated")
    : new MultipartError(`The form could not be read (${message}).`);
}

/**
 * Reads a multipart body part by part, pulling: `nextPart()` gives the next part's headers, `readChunk()` the
 * next piece of its body. Behind it, the request body is written into busboy one chunk at a time, each write
 * waiting until busboy has room again (it waits while a file part's stream is full, that is until the caller
 * reads), so nothing piles up between the sender and the caller.
 */
export class MultipartReader {
  private readonly source: ReadableStreamDefaultReader<Uint8Array>;
  private readonly parser: BusboyInstance;
  /** Parts busboy has announced and the caller has not reached yet (at most the fields before a file). */
  private readonly queue: Part[] = [];
  private current: Part | null = null;
  private finished = false;
  private failure: MultipartError | null = null;
  private cancelled = false;
  /** Wakes a `nextPart()` waiting for busboy to announce something. */
  private wake: (() => void) | null = null;

  constructor(body: ReadableStream<Uint8Array>, boundary: string) {
    this.source = body.getReader();
    this.parser = Busboy({
      headers: { "content-type": `multipart/form-data; boundary="${boundary}"` },
      limits: { headerSize: MAX_HEADER_BYTES, fieldSize: MAX_FIELD_BYTES },
      // A part is a file when it has a file name, as browsers send them; busboy's default would also take
      // any application/octet-stream field for one.
      isPartAFile: (_name, _type, filename) => filename !== undefined,
    });
    this.parser.on("file", (name, file, filename, _encoding, mimeType) => {
      // Errors reach the caller through the part's iterator (or this.failure); never as an unhandled event.
      file.on("error", () => undefined);
      this.announce({
        // RFC 7578 §4.4: a part without Content-Type is text/plain, which busboy reports as such. For a file that
        // says no more than a missing type: the name then decides the claimed type, the first bytes the real one.
        info: { name, filename, contentType: mimeType === "text/plain" ? null : mimeType || null },
        file,
        chunks: (file as AsyncIterable<Buffer>)[Symbol.asyncIterator](),
      });
    });
    this.parser.on("field", (name, value, _nameTruncated, truncated, _encoding, mimeType) => {
      this.announce({
        info: { name, filename: null, contentType: mimeType === "text/plain" ? null : mimeType || null },
        value,
        truncated,
        handedOut: false,
      });
    });
    this.parser.on("finish", () => {
      this.finished = true;
      this.notify();
    });
    this.parser.on("error", (err) => this.fail(toMultipartError(err)));
    void this.pump();
  }

  private announce(part: Part) {
    this.queue.push(part);
    this.notify();
  }

  private notify() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private fail(err: MultipartError) {
    if (this.failure) return;
    this.failure = err;
    // A caller waiting inside a file part's body hears of it through that part's stream.
    if (this.current?.file && !this.current.file.destroyed) this.current.file.destroy(err);
    for (const part of this.queue) part.file?.destroy(err);
    this.notify();
  }

  /** Feeds the request body into busboy, one chunk at a time, each only once busboy has taken the last. */
  private async pump() {
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await this.source.read();
        } catch {
          throw new MultipartError("The connection dropped before the whole file arrived.", "truncated");
        }
        if (this.cancelled) return;
        if (result.done) {
          // busboy says "Unexpected end of multipart data" (through its error event) if the form was not closed.
          this.parser.end();
          return;
        }
        const chunk = result.value;
        await new Promise<void>((resolve, reject) =>
          this.parser.write(
            Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
            (err) => (err ? reject(err) : resolve()),
          ),
        );
        if (this.cancelled) return;
      }
    } catch (err) {
      if (!this.cancelled) this.fail(toMultipartError(err));
    }
  }

  /**
   * The next part's headers, or null after the closing boundary. Whatever is left of the current part's body is
   * skipped.
   */
  async nextPart(): Promise<PartInfo | null> {
    if (this.cancelled) return null;
    if (this.current?.file) while ((await this.readChunk()) !== null);
    this.current = null;
    for (;;) {
      const part = this.queue.shift();
      if (part) {
        this.current = part;
        return part.info;
      }
      if (this.failure) throw this.failure;
      if (this.finished) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The next piece of the current part's body, or null at its end. */
  async readChunk(): Promise<Uint8Array | null> {
    const part = this.current;
    if (!part || this.cancelled) return null;
    if (!part.file) {
      if (part.handedOut || part.value === "") return null;
      part.handedOut = true;
      return Buffer.from(part.value, "utf8");
    }
    const cutOff = () =>
      new MultipartError("The upload was stopped before the file was complete.", "truncated");
    let next: IteratorResult<Buffer>;
    try {
      next = await part.chunks.next();
    } catch (err) {
      throw this.cancelled ? cutOff() : (this.failure ?? toMultipartError(err));
    }
    // Cancelled while waiting: the file did not end, it was cut off, and must never pass for complete.
    if (this.cancelled) throw cutOff();
    if (next.done) {
      // A file stream also ends quietly when busboy gives up on the body: the failure says why.
      if (this.failure) throw this.failure;
      return null;
    }
    return next.value;
  }

  /** The current part's body as text, refusing more than `maxBytes`. */
  async readText(maxBytes: number): Promise<string> {
    const part = this.current;
    if (part && !part.file) {
      if (part.truncated || Buffer.byteLength(part.value, "utf8") > maxBytes)
        throw new MultipartError("A form field is too long.");
      part.handedOut = true;
      return part.value;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let chunk: Uint8Array | null;
    while ((chunk = await this.readChunk()) !== null) {
      size += chunk.length;
      if (size > maxBytes) throw new MultipartError("A form field is too long.");
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  /** Stops reading: the sender's connection is released, and nothing more is parsed. */
  async cancel(reason?: unknown): Promise<void> {
    if (this.cancelled) return;
    this.cancelled = true;
    this.current?.file?.destroy();
    for (const part of this.queue) part.file?.destroy();
    this.queue.length = 0;
    this.current = null;
    this.parser.destroy();
    this.notify();
    try {
      await this.source.cancel(reason);
    } catch {
      // already errored or closed
    }
  }
}

export function newBoundary(): string {
  return `----RetakeFormBoundary${randomBytes(16).toString("hex")}`;
}

/** A part's header value: quotes, backslashes and line breaks would let a name forge headers. */
function headerParam(value: string): string {
  return value.replace(/[\r\n"\\]/g, "_");
}

/**
 * A streamed `multipart/form-data` body: plain fields first, then one file whose bytes come from `next` on demand
 * (pulled only as fast as the receiver reads, so nothing piles up). `next` returns null at the end of the file;
 * if it throws, the body errors and the request carrying it is aborted.
 */
export function multipartStream(options: {
  boundary: string;
  fields: [string, string][];
  file: { field: string; filename: string; contentType: string; next: () => Promise<Uint8Array | null> };
  onCancel?: (reason: unknown) => void;
}): ReadableStream<Uint8Array> {
  const { boundary, fields, file } = options;
  let head = "";
  for (const [name, value] of fields)
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${headerParam(name)}"\r\n\r\n${value}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${headerParam(file.field)}"; filename="${headerParam(file.filename)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`;
  let sentHead = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!sentHead) {
          sentHead = true;
          controller.enqueue(Buffer.from(head, "utf8"));
          return;
        }
        try {
          const chunk = await file.next();
          if (chunk === null) {
            controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
            controller.close();
          } else controller.enqueue(chunk);
        } catch (err) {
          controller.error(err);
        }
      },
      cancel(reason) {
        options.onCancel?.(reason);
      },
    },
    // One chunk queued at a time: the sender is read only as fast as the receiver takes bytes.
    { highWaterMark: 0 },
  );
}
