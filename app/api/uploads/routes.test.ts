import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { KEY, params, read, request, setupApp } from "@/lib/testing/app-harness";
import { foxError } from "@/lib/testing/fake-foxapi";
import { MultipartReader, boundaryOf } from "@/lib/uploads/multipart";
import { uploadFromRequest } from "@/lib/uploads";
import { DEFAULT_LIMITS } from "@/lib/uploads/relay";
import { UPLOAD_TTL_MS } from "@/lib/uploads/types";
import * as served from "../simulator/uploads/[name]/route";
import * as uploads from "./route";
import { readAllParts } from "@/lib/testing/multipart-parts";

const UPLOAD_PATH = "/v1/files/upload/stream";
const MB = 1024 * 1024;
const PORTRAIT = fs.readFileSync(path.join(process.cwd(), "public", "samples", "portrait-9x16.mp4"));

// Only the first 1 MB of each body is kept by the fake (it runs in this process): the memory tests stream 64 MB.
const app = setupApp({ fake: { keepBodyBytes: MB }, quietErrors: true });

function form(file: Blob, name: string, fields: Record<string, string> = {}): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  fd.set("file", file, name);
  return fd;
}

function postForm(fd: FormData, headers: Record<string, string> = {}) {
  return uploads.POST(request("/api/uploads", { body: fd, headers })).then(read);
}

/** A raw multipart body streamed from a generator, as a browser would send a big file. */
function postStream(
  stream: ReadableStream<Uint8Array>,
  boundary: string,
  headers: Record<string, string> = {},
) {
  return uploads
    .POST(
      request("/api/uploads", {
        body: stream,
        headers: { "Content-Type": `multipart/form-data; boundary=${boundary}`, ...headers },
      }),
    )
    .then(read);
}

/** The parts of a multipart body the fake received. */
async function partsOf(raw: Buffer, contentType: string | undefined) {
  const boundary = boundaryOf(contentType ?? null);
  expect(boundary).not.toBeNull();
  return readAllParts(new MultipartReader(new Blob([new Uint8Array(raw)]).stream(), boundary!));
}

function foxUploaded(overrides: Record<string, unknown> = {}) {
  return {
    json: {
      id: "file-abc123",
      filename: "portrait-9x16.mp4",
      url: "https://cdn.foxapi.cc/uploads/abc123/portrait-9x16.mp4",
      size: PORTRAIT.length,
      created: Math.floor(Date.now() / 1000),
      ...overrides,
    },
  };
}

/**
 * A multipart body of `size` bytes of file, generated chunk by chunk (one reused 64 KB buffer), so the test itself
 * holds no copy of it. `pulled` counts the file bytes the route actually asked for.
 */
function generatedBody(options: {
  size: number;
  magic: Buffer;
  filename: string;
  type: string;
  boundary: string;
}) {
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) % 256;
  const first = Buffer.from(chunk);
  options.magic.copy(first, 0);
  const head = Buffer.from(
    `--${options.boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.filename}"\r\nContent-Type: ${options.type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${options.boundary}--\r\n`);
  const state = { pulled: 0 };
  let sentHead = false;
  let sentTail = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (!sentHead) {
          sentHead = true;
          return c.enqueue(head);
        }
        if (state.pulled < options.size) {
          const n = Math.min(chunk.length, options.size - state.pulled);
          const src = state.pulled === 0 ? first : chunk;
          state.pulled += n;
          return c.enqueue(n === src.length ? src : src.subarray(0, n));
        }
        if (!sentTail) {
          sentTail = true;
          return c.enqueue(tail);
        }
        c.close();
      },
    },
    { highWaterMark: 0 },
  );
  /** The SHA-256 of the file's bytes, recomputed the same way. */
  const fileSha256 = () => {
    const h = createHash("sha256");
    for (let at = 0; at < options.size; at += chunk.length) {
      const n = Math.min(chunk.length, options.size - at);
      h.update((at === 0 ? first : chunk).subarray(0, n));
    }
    return h.digest("hex");
  };
  return { stream, state, head, tail, fileSha256 };
}

// A forced collection separates what is alive from garbage not yet collected (flag set at run time, so the
// suite needs no special node options).
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/**
 * Runs `run` while sampling memory every 10 ms, and reports the peak growth over the start two ways: `rss` as the
 * OS sees it (garbage included), and `live` (heap + array buffers right after a forced collection), which is what
 * a buffered body would show up in.
 */
async function measure<T>(run: () => Promise<T>) {
  gc();
  const before = process.memoryUsage();
  const liveOf = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;
  const peak = { rss: before.rss, live: liveOf(before) };
  let samples = 0;
  const sample = () => {
    samples++;
    peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
    // Every other sample forces a collection first, to see live memory.
    if (samples % 2 === 0) {
      gc();
      peak.live = Math.max(peak.live, liveOf(process.memoryUsage()));
    }
  };
  const timer = setInterval(sample, 10);
  try {
    const result = await run();
    sample();
    return { result, growth: { rss: peak.rss - before.rss, live: peak.live - liveOf(before) }, samples };
  } finally {
    clearInterval(timer);
  }
}

const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;

describe("POST /api/uploads against FoxAPI", () => {
  it("streams the file's exact bytes to /v1/files/upload/stream with the server key, and remembers it", async () => {
    app.fake.on("POST", UPLOAD_PATH, foxUploaded());
    const meta = JSON.stringify({ durationSeconds: 5, width: 720, height: 1280 });
    const res = await postForm(
      form(new Blob([PORTRAIT], { type: "video/mp4" }), "portrait-9x16.mp4", {
        fingerprint: "portrait-9x16.mp4|281680|1700000000000",
        meta,
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.json).toMatchObject({
      url: "https://cdn.foxapi.cc/uploads/abc123/portrait-9x16.mp4",
      filename: "portrait-9x16.mp4",
      contentType: "video/mp4",
      kind: "video",
      size: PORTRAIT.length,
      fingerprint: "portrait-9x16.mp4|281680|1700000000000",
      meta: { durationSeconds: 5, width: 720, height: 1280 },
    });
    expect(res.json.expiresAt - res.json.createdAt).toBeGreaterThan(UPLOAD_TTL_MS - 5_000);

    const sent = app.fake.requestsTo("POST", UPLOAD_PATH);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent[0]!.headers["transfer-encoding"]).toBe("chunked"); // streamed, not buffered to a length
    const parts = await partsOf(sent[0]!.raw, sent[0]!.headers["content-type"]);
    expect(parts.map((p) => p.name)).toEqual(["file_name", "file"]);
    expect(parts[0]!.body.toString()).toBe("portrait-9x16.mp4");
    expect(parts[1]!.filename).toBe("portrait-9x16.mp4");
    expect(parts[1]!.contentType).toBe("video/mp4");
    expect(parts[1]!.body.equals(PORTRAIT)).toBe(true);
    // Our own fields stay with us.
    expect(sent[0]!.raw.toString("latin1")).not.toContain("fingerprint");

    const list = await read(await uploads.GET(request("/api/uploads")));
    expect(list.status).toBe(200);
    expect(list.headers.get("cache-control")).toBe("no-store");
    expect(list.json.uploads).toHaveLength(1);
    expect(list.json.uploads[0]).toMatchObject({ id: res.json.id, url: res.json.url, kind: "video" });
  });

  it("sanitises the file name it forwards and keeps only the verified type", async () => {
    app.fake.on("POST", UPLOAD_PATH, foxUploaded({ url: "https://cdn.foxapi.cc/u/x.png" }));
    const png = fs.readFileSync(path.join(process.cwd(), "public", "samples", "palette-square.png"));
    // A PNG sent as application/octet-stream with a hostile name.
    const res = await postForm(form(new Blob([png]), "../../etc/<img src=x onerror=alert(1)>.png"));
    expect(res.status).toBe(201);
    expect(res.json.filename).toBe("img-src-x-onerror-alert-1.png");
    const parts = await partsOf(app.fake.requests[0]!.raw, app.fake.requests[0]!.headers["content-type"]);
    expect(parts[0]!.body.toString()).toBe("img-src-x-onerror-alert-1.png");
    expect(parts[1]!.filename).toBe("img-src-x-onerror-alert-1.png");
    expect(parts[1]!.contentType).toBe("image/png");
    expect(parts[1]!.body.equals(png)).toBe(true);
  });

  it("refuses a wrong type by name or by content, sending nothing upstream", async () => {
    app.fake.on("POST", UPLOAD_PATH, foxUploaded());
    const pdf = await postForm(form(new Blob(["%PDF-1.7"], { type: "application/pdf" }), "notes.pdf"));
    expect(pdf.status).toBe(415);
    expect(pdf.json.error).toEqual({
      code: "unsupported_file_type",
      message: "Only MP4 or MOV videos and JPEG, PNG or WebP images can be uploaded.",
    });
    const html = await postForm(
      form(
        new Blob(["<html><script>alert(document.cookie)</script></html>"], { type: "image/png" }),
        "cat.png",
      ),
    );
    expect(html.status).toBe(415);
    expect(html.json.error.message).toBe(
      "The file is named like an image (PNG) but its contents are not one.",
    );
    const empty = await postForm(form(new Blob([], { type: "video/mp4" }), "empty.mp4"));
    expect(empty.status).toBe(400);
    expect(empty.json.error.code).toBe("empty_file");
    expect(app.fake.requests).toHaveLength(0);
  });

  it("refuses a body whose Content-Length is over the cap before reading it", async () => {
    app.fake.on("POST", UPLOAD_PATH, foxUploaded());
    const body = generatedBody({
      size: 300 * MB,
      magic: PORTRAIT.subarray(0, 16),
      filename: "huge.mp4",
      type: "video/mp4",
      boundary: "b0undary",
    });
    const res = await postStream(body.stream, "b0undary", { "Content-Length": String(300 * MB + 200) });
    expect(res.status).toBe(413);
    expect(res.json.error).toEqual({
      code: "file_too_large",
      message: "The file is 300 MB; a video can be at most 200 MB.",
    });
    expect(body.state.pulled).toBe(0);
    expect(app.fake.requests).toHaveLength(0);
  });

  it("refuses a streamed body as soon as it crosses the cap, without holding it (64 MB against the 10 MB image cap)", async () => {
    app.fake.on("POST", UPLOAD_PATH, foxUploaded());
    const size = 64 * MB;
    const body = generatedBody({
      size,
      magic: Buffer.from("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "latin1"),
      filename: "huge.png",
      type: "image/png",
      boundary: "b0undary",
    });
    const { result: res, growth, samples } = await measure(() => postStream(body.stream, "b0undary"));
    console.log(
      `[memory] 64 MB image body against the 10 MB cap: refused after ${mb(body.state.pulled)} read; peak growth: rss ${mb(growth.rss)}, live heap+buffers ${mb(growth.live)} (${String(samples)} samples)`,
    );
    expect(res.status).toBe(413);
    expect(res.json.error).toEqual({
      code: "file_too_large",
      message: "The file is larger than 10 MB, the most an image can be.",
    });
    // Stopped reading right at the cap (within a couple of chunks of the reader's look-ahead)...
    expect(body.state.pulled).toBeLessThan(10 * MB + 512 * 1024);
    // ...and the upstream request was aborted, not completed: nothing arrived as a finished upload.
    await new Promise((r) => setTimeout(r, 50));
    expect(app.fake.requests.filter((r) => r.bodyBytes > 10 * MB + 1024)).toHaveLength(0);
    // A held body would show up whole (64 MB); what stays is a few chunks in flight on both ends of the loopback.
    expect(growth.rss).toBeLessThan(size / 2);
    expect(growth.live).toBeLessThan(24 * MB);
  });

  it("passes a 64 MB video through byte for byte while memory stays flat", async () => {
    app.fake.on("POST", UPLOAD_PATH, (req) => ({
      json: {
        id: "file-big",
        filename: "big.mp4",
        url: "https://cdn.foxapi.cc/u/big.mp4",
        size: req.bodyBytes,
      },
    }));
    const size = 64 * MB;
    const body = generatedBody({
      size,
      magic: PORTRAIT.subarray(0, 16),
      filename: "big.mp4",
      type: "video/mp4",
      boundary: "b0undary",
    });
    const { result: res, growth, samples } = await measure(() => postStream(body.stream, "b0undary"));
    console.log(
      `[memory] 64 MB video relayed to the fake FoxAPI: peak growth: rss ${mb(growth.rss)}, live heap+buffers ${mb(growth.live)} (${String(samples)} samples)`,
    );
    expect(res.status).toBe(201);
    expect(res.json.size).toBe(size);
    const sent = app.fake.requestsTo("POST", UPLOAD_PATH)[0]!;
    // Every byte arrived: the whole body's hash is the head, the file's bytes and the tail, in order.
    const boundary = boundaryOf(sent.headers["content-type"] ?? null)!;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file_name"\r\n\r\nbig.mp4\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    expect(sent.bodyBytes).toBe(head.length + size + tail.length);
    const parts = await partsOf(Buffer.concat([sent.raw, tail]), sent.headers["content-type"]);
    expect(parts[1]!.body.subarray(0, 16).equals(PORTRAIT.subarray(0, 16))).toBe(true);
    const whole = createHash("sha256").update(head);
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) % 256;
    const first = Buffer.from(chunk);
    PORTRAIT.subarray(0, 16).copy(first, 0);
    for (let at = 0; at < size; at += chunk.length) whole.update(at === 0 ? first : chunk);
    whole.update(tail);
    expect(sent.bodySha256).toBe(whole.digest("hex"));
    expect(growth.rss).toBeLessThan(size / 2);
    // Chunks in flight on both ends of the loopback (the fake runs in this process and keeps its first 1 MB);
    // the same figure comes out for 192 MB, so it does not grow with the file.
    expect(growth.live).toBeLessThan(24 * MB);
  });

  it("says so in words when FoxAPI refuses the file as too large (413 file_too_large_error)", async () => {
    app.fake.on(
      "POST",
      UPLOAD_PATH,
      foxError(413, "file_too_large_error", "File size exceeds limit", "file_too_large_error"),
    );
    const res = await postForm(form(new Blob([PORTRAIT], { type: "video/mp4" }), "clip.mp4"));
    expect(res.status).toBe(413);
    expect(res.json.error).toEqual({
      code: "upstream_file_too_large",
      message: "FoxAPI refused the file as too large (file_too_large_error). Try a smaller or shorter file.",
    });
  });

  it("says the connection to FoxAPI dropped when it does", async () => {
    app.fake.on("POST", UPLOAD_PATH, (_req, res) => {
      res.socket?.destroy();
    });
    const res = await postForm(form(new Blob([PORTRAIT], { type: "video/mp4" }), "clip.mp4"));
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe("upstream_connection_dropped");
    expect(res.json.error.message).toMatch(/connection to FoxAPI dropped during the upload/);
    expect(app.fake.requests).toHaveLength(1);
  });

  it("says the browser's connection dropped, and aborts the upstream request", async () => {
    app.fake.on("POST", UPLOAD_PATH, foxUploaded());
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent === 0)
          c.enqueue(
            Buffer.from(
              '--b0undary\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n',
            ),
          );
        else if (sent === 1) c.enqueue(PORTRAIT.subarray(0, 100_000));
        else c.error(new Error("socket hang up"));
        sent++;
      },
    });
    const res = await postStream(stream, "b0undary");
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({
      code: "upload_interrupted",
      message: "The connection dropped before the whole file arrived, so nothing was saved. Try again.",
    });
    await new Promise((r) => setTimeout(r, 50));
    // The fake never saw a complete upload.
    expect(app.fake.requests).toHaveLength(0);
  });

  it("gives up on a browser that stops sending, and aborts the upstream request", async () => {
    app.fake.on("POST", UPLOAD_PATH, foxUploaded());
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ === 0)
          c.enqueue(
            Buffer.concat([
              Buffer.from(
                '--b0undary\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n',
              ),
              PORTRAIT.subarray(0, 50_000),
            ]),
          );
        // …and then nothing, ever (a laptop lid closed mid-upload).
        return new Promise(() => undefined);
      },
    });
    const started = Date.now();
    const err = await uploadFromRequest(
      request("/api/uploads", {
        body: stream,
        headers: { "Content-Type": "multipart/form-data; boundary=b0undary" },
      }),
      { sessionId: "anonymous" },
      { limits: { ...DEFAULT_LIMITS, idleMs: 300 } },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: "upload_interrupted" });
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(app.fake.requests).toHaveLength(0);
  });

  it("asks for the passcode first when one is set, sending nothing upstream", async () => {
    app.configure({ ACCESS_PASSCODE: "team-passcode-1" });
    app.fake.on("POST", UPLOAD_PATH, foxUploaded());
    const res = await postForm(form(new Blob([PORTRAIT], { type: "video/mp4" }), "a.mp4"));
    expect(res.status).toBe(401);
    const list = await read(await uploads.GET(request("/api/uploads")));
    expect(list.status).toBe(401);
    expect(app.fake.requests).toHaveLength(0);
  });

  it("refuses requests from other sites and bodies that are not multipart", async () => {
    const cross = await postForm(form(new Blob([PORTRAIT], { type: "video/mp4" }), "a.mp4"), {
      Origin: "https://evil.example",
    });
    expect(cross.status).toBe(403);
    const json = await read(
      await uploads.POST(
        request("/api/uploads", { body: "{}", headers: { "Content-Type": "application/json" } }),
      ),
    );
    expect(json.status).toBe(415);
    expect(app.fake.requests).toHaveLength(0);
  });
});

describe("POST /api/uploads in simulator mode", () => {
  it("stores the file under DATA_DIR/uploads and serves it with its type and nosniff", async () => {
    app.configure({ FOXAPI_API_KEY: undefined });
    const res = await postForm(form(new Blob([PORTRAIT], { type: "video/mp4" }), "My Portrait (9x16).mp4"));
    expect(res.status).toBe(201);
    expect(res.json.filename).toBe("My-Portrait-9x16.mp4");
    expect(res.json.url).toMatch(
      /^http:\/\/localhost:3000\/api\/simulator\/uploads\/[0-9a-z]{12}-My-Portrait-9x16\.mp4$/,
    );
    const stored = fs.readdirSync(path.join(app.dataDir, "uploads"));
    expect(stored).toHaveLength(1);
    expect(fs.readFileSync(path.join(app.dataDir, "uploads", stored[0]!)).equals(PORTRAIT)).toBe(true);

    const name = new URL(res.json.url as string).pathname.split("/").pop()!;
    const get = (n: string, headers: Record<string, string> = {}) =>
      served.GET(request(`/api/simulator/uploads/${n}`, { headers }), params("name", n));
    const file = await get(name);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("video/mp4");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(file.headers.get("content-security-policy")).toContain("sandbox");
    expect(Buffer.from(await file.arrayBuffer()).equals(PORTRAIT)).toBe(true);
    const range = await get(name, { Range: "bytes=0-99" });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(100);

    for (const bad of [
      "../retake.db",
      "..%2Fretake.db",
      "abcdefghijkl-x.html",
      "retake.db",
      name.replace(".mp4", ".html"),
    ])
      expect((await get(bad)).status).toBe(404);

    // Expired like FoxAPI's: 72 h after the upload.
    const old = new Date(Date.now() - UPLOAD_TTL_MS - 60_000);
    fs.utimesSync(path.join(app.dataDir, "uploads", stored[0]!), old, old);
    expect((await get(name)).status).toBe(410);

    app.configure({ FOXAPI_API_KEY: KEY });
    expect((await get(name)).status).toBe(404);
  });

  it("refuses an HTML file dressed as a video before storing anything", async () => {
    app.configure({ FOXAPI_API_KEY: undefined });
    const res = await postForm(form(new Blob(["<html>hi</html>"], { type: "video/mp4" }), "x.mp4"));
    expect(res.status).toBe(415);
    expect(
      fs.existsSync(path.join(app.dataDir, "uploads"))
        ? fs.readdirSync(path.join(app.dataDir, "uploads"))
        : [],
    ).toEqual([]);
  });
});
