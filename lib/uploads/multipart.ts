import { randomBytes } from "node:crypto";

/**
 * A streaming `multipart/form-data` reader and writer (RFC 7578), small enough to read: the upload route and the
 * simulator pass files of up to 200 MB through them without ever holding more than one chunk plus a delimiter's
 * length in memory. Parts are read in order; a part's body is read chunk by chunk, so back-pressure reaches the
 * sender.
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

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** A `name="value"` parameter of a header, quoted or not; `filename*=UTF-8''…` wins over `filename`. */
function param(header: string, name: string): string | null {
  const star = new RegExp(`;\\s*${name}\\*\\s*=\\s*(?:UTF-8|utf-8)''([^;]*)`).exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i").exec(header);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? null);
}

export class MultipartReader {
  private readonly source: ReadableStreamDefaultReader<Uint8Array>;
  private readonly delimiter: Buffer;
  /** Bytes received and not yet handed out. Starts with CRLF so the first delimiter looks like every other. */
  private buf: Buffer = CRLF;
  private sourceDone = false;
  private state: "start" | "body" | "between" | "end" = "start";

  constructor(body: ReadableStream<Uint8Array>, boundary: string) {
    this.source = body.getReader();
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** Pulls one more chunk from the source; false when it has ended. */
  private async fill(): Promise<boolean> {
    if (this.sourceDone) return false;
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await this.source.read();
    } catch {
      this.sourceDone = true;
      throw new MultipartError("The connection dropped before the whole file arrived.", "truncated");
    }
    if (result.done) {
      this.sourceDone = true;
      return false;
    }
    const chunk = toBuffer(result.value);
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return true;
  }

  private truncated(): never {
    throw new MultipartError("The upload ended before the file was complete.", "truncated");
  }

  /**
   * The next part's headers, or null after the closing boundary. Whatever is left of the current part's body is
   * skipped.
   */
  async nextPart(): Promise<PartInfo | null> {
    if (this.state === "end") return null;
    if (this.state === "body") while ((await this.readChunk()) !== null);
    if (this.state === "start") {
      // Skip a preamble, then the first delimiter.
      for (;;) {
        const at = this.buf.indexOf(this.delimiter);
        if (at >= 0) {
          this.buf = this.buf.subarray(at + this.delimiter.length);
          break;
        }
        if (this.buf.length > MAX_HEADER_BYTES) throw new MultipartError("The form has no parts.");
        if (!(await this.fill())) this.truncated();
      }
    }
    // After a delimiter: `--` closes the body, CRLF opens a part (transport padding allowed before it).
    for (;;) {
      const s = this.buf.toString("latin1", 0, Math.min(this.buf.length, 80));
      if (s.startsWith("--")) {
        this.state = "end";
        return null;
      }
      const m = /^[ \t]*\r\n/.exec(s);
      if (m) {
        this.buf = this.buf.subarray(m[0].length);
        break;
      }
      // Not enough bytes yet to tell (`-`, or padding still arriving): read more.
      if (s !== "-" && !/^[ \t]*\r?$/.test(s)) throw new MultipartError("The form's boundary is malformed.");
      if (s.length >= 80) throw new MultipartError("The form's boundary is malformed.");
      if (!(await this.fill())) this.truncated();
    }
    let end: number;
    while ((end = this.buf.indexOf(HEADER_END)) < 0) {
      if (this.buf.length > MAX_HEADER_BYTES) throw new MultipartError("A form part's headers are too long.");
      if (!(await this.fill())) this.truncated();
    }
    if (end > MAX_HEADER_BYTES) throw new MultipartError("A form part's headers are too long.");
    // Header bytes are UTF-8 in practice (browsers send file names that way).
    const lines = this.buf.toString("utf8", 0, end).split("\r\n");
    this.buf = this.buf.subarray(end + HEADER_END.length);
    let disposition: string | null = null;
    let contentType: string | null = null;
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === "content-disposition") disposition = value;
      else if (key === "content-type") contentType = value.split(";")[0]!.trim().toLowerCase() || null;
    }
    if (!disposition || !/^form-data\b/i.test(disposition))
      throw new MultipartError("A form part has no Content-Disposition: form-data header.");
    const name = param(disposition, "name");
    if (name === null) throw new MultipartError("A form part has no name.");
    this.state = "body";
    return { name, filename: param(disposition, "filename"), contentType };
  }

  /** The next piece of the current part's body, or null at its end. */
  async readChunk(): Promise<Uint8Array | null> {
    if (this.state !== "body") return null;
    const d = this.delimiter;
    for (;;) {
      const at = this.buf.indexOf(d);
      if (at >= 0) {
        const chunk = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + d.length);
        this.state = "between";
        if (chunk.length > 0) return chunk;
        return null;
      }
      // Hand out everything that cannot be the start of a delimiter; keep the tail that might be.
      const safe = this.buf.length - (d.length - 1);
      if (safe > 0) {
        const chunk = this.buf.subarray(0, safe);
        this.buf = this.buf.subarray(safe);
        return chunk;
      }
      if (!(await this.fill())) this.truncated();
    }
  }

  /** The current part's body as text, refusing more than `maxBytes`. */
  async readText(maxBytes: number): Promise<string> {
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

  /** Stops reading: the sender's connection is released. */
  async cancel(reason?: unknown): Promise<void> {
    this.state = "end";
    this.buf = Buffer.alloc(0);
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
