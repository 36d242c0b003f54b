import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalStorage } from "../storage";
import { UPLOAD_TTL_MS } from "../uploads/types";
import { SIMULATOR_BASE_URL, createSimulatorFetch } from ".";
import { SIMULATOR_UPLOADS_PATH, findSimulatorUpload } from "./uploads";

const PNG = fs.readFileSync(path.join(process.cwd(), "public", "samples", "palette-square.png"));
const T0 = 1_700_000_000_000;
let root: string;
/** The uploads folder inside the storage root (DATA_DIR): where the local driver keeps `uploads/<name>`. */
let dir: string;
let storage: ReturnType<typeof createLocalStorage>;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "retake-sim-uploads-"));
  dir = path.join(root, "uploads");
  fs.mkdirSync(dir);
  storage = createLocalStorage(root);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function upload(
  form: FormData | ReadableStream<Uint8Array>,
  options: { noStorage?: boolean; headers?: Record<string, string> } = {},
) {
  const sim = createSimulatorFetch({
    durationMs: 1000,
    linkTtlSeconds: 3600,
    uploads: options.noStorage ? undefined : () => Promise.resolve(storage),
    now: () => T0,
  });
  return sim(`${SIMULATOR_BASE_URL}/v1/files/upload/stream`, {
    method: "POST",
    headers: { Authorization: "Bearer simulator", ...options.headers },
    body: form,
    ...({ duplex: "half" } as object),
  }).then(async (res) => ({ res, json: (await res.json()) as Record<string, any> })); // eslint-disable-line @typescript-eslint/no-explicit-any
}

function pngForm(name = "palette.png", bytes: Uint8Array = PNG): FormData {
  const fd = new FormData();
  fd.set("file_name", name);
  fd.set("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), name);
  return fd;
}

describe("simulator: POST /v1/files/upload/stream", () => {
  it("answers FoxAPI's shape and keeps the exact bytes under the uploads directory", async () => {
    const { res, json } = await upload(pngForm("My palette.png"));
    expect(res.status).toBe(200);
    expect(json).toMatchObject({ filename: "My-palette.png", size: PNG.length, created: T0 / 1000 });
    expect(json.id).toMatch(/^file-sim-[0-9a-z]{12}$/);
    expect(json.url).toMatch(new RegExp(`^${SIMULATOR_UPLOADS_PATH}/[0-9a-z]{12}-My-palette\\.png$`));
    const stored = fs.readdirSync(dir);
    expect(stored).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, stored[0]!)).equals(PNG)).toBe(true);
    const found = await findSimulatorUpload(storage, stored[0]!);
    expect(found).toMatchObject({ type: { mime: "image/png" } });
  });

  it("refuses what it would not serve safely, leaving nothing behind", async () => {
    const html = new FormData();
    html.set("file", new Blob(["<script>alert(1)</script>"], { type: "image/png" }), "x.png");
    expect((await upload(html)).res.status).toBe(422);
    const svg = new FormData();
    svg.set("file", new Blob(["<svg/>"], { type: "image/svg+xml" }), "x.svg");
    expect((await upload(svg)).res.status).toBe(422);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("answers 413 file_too_large_error over the cap, like FoxAPI", async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(PNG.subarray(0, 16));
    const { res, json } = await upload(pngForm("big.png", big));
    expect(res.status).toBe(413);
    expect(json.error).toMatchObject({ type: "file_too_large_error", code: "file_too_large_error" });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("needs a key and a place to keep files", async () => {
    expect((await upload(pngForm(), { headers: { Authorization: "" } })).res.status).toBe(401);
    expect((await upload(pngForm(), { noStorage: true })).res.status).toBe(503);
  });

  it("serves only names it made, until they expire", async () => {
    fs.writeFileSync(path.join(dir, "abcdefghijkl-a.png"), PNG);
    fs.writeFileSync(path.join(dir, "retake.db"), "x");
    expect(await findSimulatorUpload(storage, "abcdefghijkl-a.png")).not.toBeNull();
    for (const bad of [
      "retake.db",
      "../abcdefghijkl-a.png",
      "abcdefghijkl-a.html",
      "abcdefghijkl-.png",
      ".part-x",
    ])
      expect(await findSimulatorUpload(storage, bad)).toBeNull();
    expect(
      await findSimulatorUpload(storage, "abcdefghijkl-a.png", Date.now() + UPLOAD_TTL_MS + 60_000),
    ).toBe("expired");
    expect(fs.existsSync(path.join(dir, "abcdefghijkl-a.png"))).toBe(false);
  });
});

// The same upload into an S3 bucket (scripts/services/s3.sh; the storage contract test fails in CI without it).
const s3 = process.env.S3_BUCKET && process.env.S3_ENDPOINT ? process.env : null;
describe.runIf(s3)("simulator uploads in an S3 bucket", () => {
  it("stores the exact bytes under uploads/ in the bucket and finds them by name", async () => {
    const { createS3Storage } = await import("../storage");
    const bucket = await createS3Storage({
      bucket: s3!.S3_BUCKET!,
      endpoint: s3!.S3_ENDPOINT,
      region: s3!.S3_REGION ?? "us-east-1",
      accessKeyId: s3!.S3_ACCESS_KEY_ID,
      secretAccessKey: s3!.S3_SECRET_ACCESS_KEY,
      forcePathStyle: s3!.S3_FORCE_PATH_STYLE !== "false",
    });
    const sim = createSimulatorFetch({
      durationMs: 1000,
      linkTtlSeconds: 3600,
      uploads: () => Promise.resolve(bucket),
      now: () => Date.now(),
    });
    const res = await sim(`${SIMULATOR_BASE_URL}/v1/files/upload/stream`, {
      method: "POST",
      headers: { Authorization: "Bearer simulator" },
      body: pngForm("In bucket.png"),
    });
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    const name = decodeURIComponent(url.split("/").pop()!);
    const found = await findSimulatorUpload(bucket, name);
    expect(found).toMatchObject({ key: `uploads/${name}`, size: PNG.length, type: { mime: "image/png" } });
    const object = await bucket.get(`uploads/${name}`);
    const parts: Buffer[] = [];
    for await (const part of object!.body) parts.push(part as Buffer);
    expect(Buffer.concat(parts).equals(PNG)).toBe(true);
    await bucket.delete(`uploads/${name}`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
