import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MultipartError, MultipartReader, boundaryOf, multipartStream } from "./multipart";
import { readAllParts } from "../testing/multipart-parts";

/** A stream that hands out `bytes` in the given chunk sizes (cycled). */
function chunked(bytes: Uint8Array, sizes: number[] = [bytes.length || 1]): ReadableStream<Uint8Array> {
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      const n = Math.max(1, sizes[i++ % sizes.length]!);
      c.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

async function streamBytes(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

const B = "XyZboundary123";

function form(parts: { headers: string; body: Buffer | string }[], boundary = B): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    out.push(Buffer.from(`--${boundary}\r\n${p.headers}\r\n\r\n`));
    out.push(Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body));
    out.push(Buffer.from("\r\n"));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}

describe("boundaryOf", () => {
  it.each([
    ["multipart/form-data; boundary=abc", "abc"],
    ['multipart/form-data; boundary="a b:c"', "a b:c"],
    ["Multipart/Form-Data;charset=utf-8; boundary=----WebKitFormBoundaryx1", "----WebKitFormBoundaryx1"],
    ["multipart/form-data", null],
    ["application/json; boundary=abc", null],
    ["multipart/form-data; boundary=", null],
    [null, null],
  ])("%s → %s", (header, expected) => {
    expect(boundaryOf(header)).toBe(expected);
  });
});

describe("MultipartReader", () => {
  it("reads fields and a binary file, however the bytes are split", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        async (file, sizes) => {
          // Bytes that look like the start of a delimiter must survive inside the file.
          const body = Buffer.concat([
            Buffer.from(`\r\n--${B.slice(0, 5)}`),
            Buffer.from(file),
            Buffer.from("\r\n-"),
          ]);
          const bytes = form([
            { headers: 'Content-Disposition: form-data; name="fingerprint"', body: "clip.mp4|12|34" },
            {
              headers:
                'Content-Disposition: form-data; name="file"; filename="clip.mp4"\r\nContent-Type: video/mp4',
              body,
            },
          ]);
          const parts = await readAllParts(new MultipartReader(chunked(bytes, sizes), B));
          expect(parts.map((p) => p.name)).toEqual(["fingerprint", "file"]);
          expect(parts[0]!.body.toString()).toBe("clip.mp4|12|34");
          expect(parts[1]!.filename).toBe("clip.mp4");
          expect(parts[1]!.contentType).toBe("video/mp4");
          expect(parts[1]!.body.equals(body)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("skips a preamble and the epilogue, and reads quoted and UTF-8 file names", async () => {
    const bytes = Buffer.concat([
      Buffer.from("this is a preamble\r\n"),
      form([
        {
          headers:
            'Content-Disposition: form-data; name="file"; filename="a \\"b\\".png"; filename*=UTF-8\'\'%E6%97%A5%E6%9C%AC.png',
          body: "x",
        },
      ]),
      Buffer.from("epilogue"),
    ]);
    const parts = await readAllParts(new MultipartReader(chunked(bytes, [3]), B));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.filename).toBe("日本.png");
    expect(parts[0]!.contentType).toBeNull();
  });

  it("says the body was truncated when it ends inside the file", async () => {
    const bytes = form([
      { headers: 'Content-Disposition: form-data; name="file"; filename="a.mp4"', body: "0123456789" },
    ]);
    const reader = new MultipartReader(chunked(bytes.subarray(0, bytes.length - 20), [4]), B);
    const err = await readAllParts(reader).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MultipartError);
    expect((err as MultipartError).kind).toBe("truncated");
  });

  it("says so when the sender's connection drops", async () => {
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent) return c.error(new Error("socket hang up"));
        sent = true;
        c.enqueue(
          Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nabc`),
        );
      },
    });
    const err = await readAllParts(new MultipartReader(stream, B)).catch((e: unknown) => e);
    expect((err as MultipartError).kind).toBe("truncated");
  });

  it("skips parts without a form-data disposition, and reads the parts around them", async () => {
    // busboy skips such parts (RFC 7578 gives them no meaning) rather than refusing the whole form.
    const noDisposition = form([{ headers: "Content-Type: text/plain", body: "x" }]);
    expect(await readAllParts(new MultipartReader(chunked(noDisposition), B))).toEqual([]);
    const mixed = form([
      { headers: "Content-Type: text/plain", body: "ignored" },
      { headers: 'Content-Disposition: form-data; name="file"; filename="a.png"', body: "png" },
    ]);
    const parts = await readAllParts(new MultipartReader(chunked(mixed, [7]), B));
    expect(parts.map((p) => [p.name, p.filename, p.body.toString()])).toEqual([["file", "a.png", "png"]]);
  });

  it("keeps no more than the header limit of endless headers, and calls the body truncated", async () => {
    const endless = Buffer.from(`--${B}\r\nX-A: ${"a".repeat(2_000_000)}`);
    const err = await readAllParts(new MultipartReader(chunked(endless, [64 * 1024]), B)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MultipartError);
    expect((err as MultipartError).kind).toBe("truncated");
  });

  it("reads the sender only as fast as the caller reads the file", async () => {
    const chunk = new Uint8Array(64 * 1024);
    let pulls = 0;
    const source = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          pulls++;
          if (pulls === 1)
            c.enqueue(
              Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n`),
            );
          else if (pulls <= 200) c.enqueue(chunk);
          else c.enqueue(Buffer.from(`\r\n--${B}--\r\n`));
          if (pulls > 200) c.close();
        },
      },
      { highWaterMark: 0 },
    );
    const reader = new MultipartReader(source, B);
    expect((await reader.nextPart())?.filename).toBe("a.mp4");
    let size = (await reader.readChunk())?.length ?? 0;
    await new Promise((r) => setTimeout(r, 50));
    // 200 chunks are on offer; only what fits in busboy's one file buffer has been taken.
    expect(pulls).toBeLessThanOrEqual(5);
    let c: Uint8Array | null;
    while ((c = await reader.readChunk()) !== null) size += c.length;
    expect(size).toBe(199 * chunk.length);
    expect(await reader.nextPart()).toBeNull();
    await reader.cancel();
  });

  it("says a file cut off by cancel() is truncated, never complete", async () => {
    const head = Buffer.from(
      `--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n`,
    );
    let sent = false;
    // Sends the part's headers and one chunk, then nothing: the next read waits until cancel() cuts it off.
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent) return new Promise<void>(() => undefined);
        sent = true;
        c.enqueue(Buffer.concat([head, Buffer.from("abc")]));
      },
    });
    const reader = new MultipartReader(source, B);
    await reader.nextPart();
    expect(Buffer.from((await reader.readChunk())!).toString()).toBe("abc");
    const pending = reader.readChunk().catch((e: unknown) => e);
    await reader.cancel();
    const err = await pending;
    expect(err).toBeInstanceOf(MultipartError);
    expect((err as MultipartError).kind).toBe("truncated");
  });

  it("caps text fields", async () => {
    const bytes = form([{ headers: 'Content-Disposition: form-data; name="meta"', body: "x".repeat(100) }]);
    const reader = new MultipartReader(chunked(bytes), B);
    await reader.nextPart();
    await expect(reader.readText(10)).rejects.toThrow(/too long/);
  });
});

describe("multipartStream", () => {
  it("writes a form the reader (and the delimiter rules) agree with", async () => {
    const file = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    const pieces = [file.subarray(0, 1000), file.subarray(1000, 2999), file.subarray(2999)];
    const stream = multipartStream({
      boundary: B,
      fields: [["file_name", "clip.mp4"]],
      file: {
        field: "file",
        filename: 'evil"\r\nX-Injected: 1.mp4',
        contentType: "video/mp4",
        next: () => Promise.resolve(pieces.shift() ?? null),
      },
    });
    const bytes = await streamBytes(stream);
    expect(bytes.toString("latin1")).not.toContain("\r\nX-Injected");
    const parts = await readAllParts(new MultipartReader(chunked(bytes, [17]), B));
    expect(parts.map((p) => [p.name, p.filename])).toEqual([
      ["file_name", null],
      ["file", "evil___X-Injected: 1.mp4"],
    ]);
    expect(parts[1]!.body.equals(file)).toBe(true);
  });

  it("pulls the file only as fast as it is read", async () => {
    let pulls = 0;
    const stream = multipartStream({
      boundary: B,
      fields: [],
      file: {
        field: "file",
        filename: "a.mp4",
        contentType: "video/mp4",
        next: () => {
          pulls++;
          return Promise.resolve(pulls > 100 ? null : new Uint8Array(1024));
        },
      },
    });
    const reader = stream.getReader();
    await reader.read(); // the head
    await reader.read(); // one chunk
    await new Promise((r) => setTimeout(r, 20));
    expect(pulls).toBeLessThanOrEqual(2);
    await reader.cancel();
  });
});
