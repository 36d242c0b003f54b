import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { expect, test } from "@playwright/test";
import { type OwnServer, startOwnServer } from "./server";

// Every file Retake serves, asked for with a plain HTTP client through the server the README's start command runs
// (`npm start`, server.mjs; Playwright's webServer and startOwnServer both use it). Next alone drops
// `Content-Length` from route handlers' answers, so a route-level test can't show this: only the real server can.

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? "3210"}`;
const SAMPLE = path.join(process.cwd(), "public/samples/landscape-16x9.mp4");
const CARRIER = "x-retake-content-length";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request on a fresh connection, the raw headers as the server sent them. */
function send(
  url: string,
  {
    method = "GET",
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Asks for compression as browsers do: a file's answer must keep its length all the same.
    const all = { "Accept-Encoding": "gzip, deflate, br", ...headers };
    const req = http.request(url, { method, headers: all, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        // JSON answers are still compressed by Next (only file answers are touched by the server).
        const raw = Buffer.concat(chunks);
        const coding = res.headers["content-encoding"];
        const body =
          coding === "gzip"
            ? zlib.gunzipSync(raw)
            : coding === "br"
              ? zlib.brotliDecompressSync(raw)
              : coding === "deflate"
                ? zlib.inflateSync(raw)
                : raw;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** 200, 206 (with Content-Range) and HEAD each carry the true length, never chunked, never the internal header. */
async function expectTrueLengths(url: string, expected: Buffer, headers: Record<string, string> = {}) {
  const size = expected.length;
  const full = await send(url, { headers });
  expect(full.status, url).toBe(200);
  expect(full.headers["content-length"]).toBe(String(size));
  expect(full.headers["transfer-encoding"]).toBeUndefined();
  expect(full.headers["accept-ranges"]).toBe("bytes");
  expect(full.headers["content-encoding"]).toBeUndefined();
  expect(full.body.equals(expected)).toBe(true);

  const part = await send(url, { headers: { ...headers, Range: "bytes=100-1099" } });
  expect(part.status).toBe(206);
  expect(part.headers["content-length"]).toBe("1000");
  expect(part.headers["content-range"]).toBe(`bytes 100-1099/${String(size)}`);
  expect(part.headers["transfer-encoding"]).toBeUndefined();
  expect(part.body.equals(expected.subarray(100, 1100))).toBe(true);

  const tail = await send(url, { headers: { ...headers, Range: "bytes=-500" } });
  expect(tail.status).toBe(206);
  expect(tail.headers["content-length"]).toBe("500");
  expect(tail.headers["content-range"]).toBe(
    `bytes ${String(size - 500)}-${String(size - 1)}/${String(size)}`,
  );

  const head = await send(url, { method: "HEAD", headers });
  expect(head.status).toBe(200);
  expect(head.headers["content-length"]).toBe(String(size));
  expect(head.body.length).toBe(0);

  const headRange = await send(url, { method: "HEAD", headers: { ...headers, Range: "bytes=0-9" } });
  expect(headRange.status).toBe(206);
  expect(headRange.headers["content-length"]).toBe("10");

  // Past the end: 416 with the size, and no length smuggled in.
  const beyond = await send(url, { headers: { ...headers, Range: `bytes=${String(size)}-` } });
  expect(beyond.status).toBe(416);
  expect(beyond.headers["content-range"]).toBe(`bytes */${String(size)}`);

  // A client can't steer the length: a request header of the internal name changes nothing.
  const forged = await send(url, { method: "HEAD", headers: { ...headers, [CARRIER]: "1" } });
  expect(forged.headers["content-length"]).toBe(String(size));

  for (const answer of [full, part, tail, head, headRange, beyond, forged])
    expect(answer.headers[CARRIER]).toBeUndefined();
  return full;
}

function multipart(file: Buffer, filename: string, type: string) {
  const boundary = `----retake${Math.random().toString(36).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(base: string, cookie: Record<string, string> = {}) {
  const form = multipart(fs.readFileSync(SAMPLE), "served-clip.mp4", "video/mp4");
  const res = await send(`${base}/api/uploads`, {
    method: "POST",
    headers: { ...cookie, "Content-Type": form.type, "Content-Length": String(form.body.length) },
    body: form.body,
  });
  expect(res.status, res.body.toString()).toBe(201);
  return JSON.parse(res.body.toString()) as { url: string };
}

/** Submits a simulated task and waits until its result is copied into our storage. */
async function storedResult(base: string, cookie: Record<string, string> = {}) {
  const submit = await send(`${base}/api/generations`, {
    method: "POST",
    headers: {
      ...cookie,
      "Content-Type": "application/json",
      "Idempotency-Key": `serving-${Math.random().toString(36).slice(2)}`,
    },
    body: Buffer.from(
      JSON.stringify({
        model: "veo-3.1-extend-fast",
        prompt: `Served with its size ${Math.random().toString(36).slice(2, 8)}`,
        video_url: `${base}/samples/landscape-16x9.mp4`,
        aspect_ratio: "16:9",
      }),
    ),
  });
  expect(submit.status, submit.body.toString()).toBe(201);
  const { id } = JSON.parse(submit.body.toString()) as { id: string };
  let task: { status: string; storage: string | null; upstreamResultUrl: string | null } | undefined;
  await expect
    .poll(
      async () => {
        const res = await send(`${base}/api/generations/${id}`, { headers: cookie });
        task = JSON.parse(res.body.toString()) as typeof task;
        return `${task!.status}/${String(task!.storage)}`;
      },
      { timeout: 45_000, intervals: [500] },
    )
    .toBe("completed/stored");
  // The simulator's link is a path on our own origin.
  return { id, providerUrl: new URL(task!.upstreamResultUrl!, base).toString() };
}

const RESULT = fs.readFileSync(path.join(process.cwd(), "public/samples/result-16x9.mp4"));

test("a stored result, a simulator file and a simulator upload carry a true Content-Length on 200, 206 and HEAD", async () => {
  test.setTimeout(90_000);
  const uploaded = await upload(BASE);
  const served = await expectTrueLengths(uploaded.url, fs.readFileSync(SAMPLE));
  expect(served.headers["content-type"]).toBe("video/mp4");
  expect(served.headers["x-content-type-options"]).toBe("nosniff");
  expect(served.headers["content-security-policy"]).toBe("default-src 'none'; sandbox");

  const { id, providerUrl } = await storedResult(BASE);
  // The simulator's "CDN" link the task points at (valid for SIMULATOR_LINK_TTL_SECONDS).
  expect(new URL(providerUrl).pathname).toBe("/api/simulator/files/result-16x9.mp4");
  await expectTrueLengths(providerUrl, RESULT);

  const stored = await expectTrueLengths(`${BASE}/api/generations/${id}/video`, RESULT);
  expect(stored.headers["content-type"]).toBe("video/mp4");
  expect(stored.headers["content-disposition"]).toBeUndefined();
  const named = await send(`${BASE}/api/generations/${id}/video?download=1`, { method: "HEAD" });
  expect(named.status).toBe(200);
  expect(named.headers["content-length"]).toBe(String(RESULT.length));
  expect(named.headers["content-disposition"]).toMatch(
    /^attachment; filename="veo-3\.1-extend-fast_served-with-its-size-[a-z0-9]+_\d{4}-\d\d-\d\d\.mp4"; filename\*=UTF-8''/,
  );

  // JSON answers are Next's as before (only file answers are touched).
  const missing = await send(`${BASE}/api/generations/no-such-task/video`);
  expect(missing.status).toBe(404);
  expect(JSON.parse(missing.body.toString())).toMatchObject({ error: { code: "task_not_found" } });
});

test.describe("with a passcode", () => {
  let server: OwnServer;
  const PASSCODE = "serving-passcode-31";
  test.beforeAll(async () => {
    server = await startOwnServer(Number(process.env.E2E_SERVING_PORT ?? 3214), {
      ACCESS_PASSCODE: PASSCODE,
      SIMULATOR_DURATION_MS: "1000",
    });
  });
  test.afterAll(async () => {
    await server.stop();
  });

  test("files are refused without a session as before, and served with their length with one", async () => {
    test.setTimeout(90_000);
    const signIn = await send(`${server.url}/api/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: Buffer.from(JSON.stringify({ passcode: PASSCODE })),
    });
    expect(signIn.status).toBe(200);
    const cookie = { Cookie: String(signIn.headers["set-cookie"]?.[0]).split(";")[0]! };

    const { id, providerUrl } = await storedResult(server.url, cookie);
    const uploaded = await upload(server.url, cookie);

    for (const url of [`${server.url}/api/generations/${id}/video`, providerUrl]) {
      for (const method of ["GET", "HEAD"]) {
        const refused = await send(url, { method, headers: { Range: "bytes=0-9" } });
        expect(refused.status, `${method} ${url}`).toBe(401);
        expect(refused.headers["content-type"]).toMatch(/^application\/json/);
        expect(refused.headers[CARRIER]).toBeUndefined();
        if (method === "GET")
          expect(JSON.parse(refused.body.toString())).toMatchObject({ error: { code: "sign_in_required" } });
      }
      await expectTrueLengths(url, RESULT, cookie);
    }
    // Simulator uploads stand in for FoxAPI's public upload links, so they need no session (as before).
    await expectTrueLengths(uploaded.url, fs.readFileSync(SAMPLE));
  });
});
