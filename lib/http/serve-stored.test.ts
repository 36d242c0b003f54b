import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLocalStorage, createS3Storage, type Storage } from "../storage";
import { LENGTH_CARRIER, serveStored } from "./serve-file";

vi.mock("server-only", () => ({}));

// serveStored over each driver: the local disk always, the S3 server when `scripts/services/s3.sh` runs (CI
// starts it; the storage contract test fails there when it is missing, so this run is not the only guard).
const s3 = process.env.S3_ENDPOINT && process.env.S3_BUCKET ? process.env : null;
const drivers: [string, () => Promise<Storage>][] = [
  ["local", async () => createLocalStorage(fs.mkdtempSync(path.join(os.tmpdir(), "retake-serve-")))],
];
if (s3)
  drivers.push([
    "s3",
    () =>
      createS3Storage({
        bucket: s3.S3_BUCKET!,
        endpoint: s3.S3_ENDPOINT,
        region: s3.S3_REGION ?? "us-east-1",
        accessKeyId: s3.S3_ACCESS_KEY_ID,
        secretAccessKey: s3.S3_SECRET_ACCESS_KEY,
        forcePathStyle: s3.S3_FORCE_PATH_STYLE !== "false",
      }),
  ]);

const req = (method: string, headers: Record<string, string> = {}) =>
  new Request("http://localhost/x", { method, headers });

describe.each(drivers)("serveStored over %s", (_name, make) => {
  const bytes = randomBytes(5000);
  const key = `results/serve-${randomBytes(6).toString("hex")}.mp4`;
  let storage: Storage;
  beforeAll(async () => {
    storage = await make();
    await storage.put(key, bytes);
  });
  afterAll(() => storage.delete(key));
  const options = { contentType: "video/mp4", downloadName: "clip ✓.mp4" };

  it("serves the whole object with its true length and download name", async () => {
    const res = await serveStored(req("GET"), storage, key, options);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("5000");
    expect(res.headers.get(LENGTH_CARRIER)).toBe("5000");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="clip _.mp4"; filename*=UTF-8''clip%20%E2%9C%93.mp4`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("serves a range, a suffix and an open range with 206 and Content-Range", async () => {
    for (const [header, start, end] of [
      ["bytes=100-199", 100, 199],
      ["bytes=-10", 4990, 4999],
      ["bytes=4000-", 4000, 4999],
      ["bytes=4990-9999", 4990, 4999],
    ] as const) {
      const res = await serveStored(req("GET", { Range: header }), storage, key, options);
      expect(res.status).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/5000`);
      expect(res.headers.get(LENGTH_CARRIER)).toBe(String(end - start + 1));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
    }
  });

  it("answers 416 with the size for a range past the end, and HEAD without a body", async () => {
    const bad = await serveStored(req("GET", { Range: "bytes=6000-" }), storage, key, options);
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe("bytes */5000");
    const head = await serveStored(req("HEAD"), storage, key, options);
    expect(head.status).toBe(200);
    expect(head.headers.get(LENGTH_CARRIER)).toBe("5000");
    expect(head.body).toBeNull();
    const headRange = await serveStored(req("HEAD", { Range: "bytes=0-9" }), storage, key, options);
    expect(headRange.status).toBe(206);
    expect(headRange.headers.get("content-range")).toBe("bytes 0-9/5000");
  });

  it("answers 404 for a missing object", async () => {
    expect((await serveStored(req("GET"), storage, "results/none.mp4", options)).status).toBe(404);
    expect((await serveStored(req("HEAD"), storage, "results/none.mp4", options)).status).toBe(404);
  });
});
