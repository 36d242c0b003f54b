import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalStorage, createS3Storage, type Storage, StorageError } from "./index";

/**
 * One contract, every driver: the local disk always, and the S3 driver against a real S3-compatible server
 * (Swift with s3api, from `bash scripts/services/s3.sh start`, whose S3_* variables this reads). Locally, without
 * those variables, the S3 run is skipped with a note; under CI it fails instead, so a missing server can't pass.
 */
const s3Env = process.env.S3_ENDPOINT && process.env.S3_BUCKET ? process.env : null;
const MiB = 1024 * 1024;

/**
 * A body delivered in small chunks, like a network stream, so the drivers can't cheat with one buffer.
 * `pulled()` says how many bytes the driver has asked for so far.
 */
function chunked(bytes: Buffer, chunkSize = 64 * 1024): Readable & { pulled: () => number } {
  let offset = 0;
  const stream = new Readable({
    read() {
      if (offset >= bytes.length) return this.push(null);
      this.push(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return Object.assign(stream, { pulled: () => Math.min(offset, bytes.length) });
}

async function read(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

interface Driver {
  name: string;
  make: () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>;
  /** The driver's own evidence that a large put went up in parts (S3: a multipart ETag). */
  partsOf?: (key: string) => Promise<number | null>;
}

const drivers: Driver[] = [
  {
    name: "local disk",
    make: async () => {
      const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "retake-storage-"));
      return {
        storage: createLocalStorage(dir),
        cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }),
      };
    },
  },
];

let s3Parts: ((key: string) => Promise<number | null>) | undefined;
if (s3Env) {
  drivers.push({
    name: "S3 (Swift s3api)",
    make: async () => {
      const config = {
        bucket: s3Env.S3_BUCKET ?? "",
        endpoint: s3Env.S3_ENDPOINT,
        region: s3Env.S3_REGION ?? "us-east-1",
        accessKeyId: s3Env.S3_ACCESS_KEY_ID,
        secretAccessKey: s3Env.S3_SECRET_ACCESS_KEY,
        forcePathStyle: s3Env.S3_FORCE_PATH_STYLE === "true",
      };
      // The multipart proof reads the ETag straight from the store: a multipart object's ends in `-<parts>`.
      const { S3Client, HeadObjectCommand } = await import("@aws-sdk/client-s3");
      const raw = new S3Client({
        region: config.region,
        endpoint: config.endpoint,
        forcePathStyle: config.forcePathStyle,
        credentials: { accessKeyId: config.accessKeyId ?? "", secretAccessKey: config.secretAccessKey ?? "" },
      });
      s3Parts = async (key) => {
        const head = await raw.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key }));
        const match = /-(\d+)"?$/.exec(head.ETag ?? "");
        return match ? Number(match[1]) : null;
      };
      return { storage: await createS3Storage(config), cleanup: async () => raw.destroy() };
    },
    partsOf: (key) => (s3Parts ? s3Parts(key) : Promise.resolve(null)),
  });
} else if (process.env.CI) {
  // Under CI a missing server is a failure, counted as one, never a skip.
  describe("storage contract: S3 (Swift s3api)", () => {
    it("has an S3 server to run against", () => {
      expect.fail(
        'CI is set but no S3 server is configured: run `eval "$(bash scripts/services/s3.sh start)"` first.',
      );
    });
  });
} else {
  console.warn(
    "[storage] S3 contract run skipped: no S3_ENDPOINT/S3_BUCKET (bash scripts/services/s3.sh start).",
  );
}

describe.each(drivers)("storage contract: $name", (driver) => {
  let storage: Storage;
  let cleanup: () => Promise<void> = async () => undefined;
  // A fresh prefix per run, so runs against a shared bucket never see each other's objects.
  const run = `contract-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const key = (name: string) => `${run}/${name}`;

  beforeAll(async () => {
    ({ storage, cleanup } = await driver.make());
  }, 30_000);
  afterAll(async () => {
    if (storage) for (const item of await storage.list(`${run}/`)) await storage.delete(item.key);
    await cleanup();
  }, 30_000);

  it("puts a small streamed body and reads it back whole, with its true size", async () => {
    const bytes = randomBytes(100_000);
    const put = await storage.put(key("small.bin"), chunked(bytes, 4096), { contentType: "video/mp4" });
    expect(put).toEqual({ key: key("small.bin"), size: 100_000 });

    const got = await storage.get(key("small.bin"));
    expect(got).not.toBeNull();
    expect(got!.size).toBe(100_000);
    expect(got!.contentLength).toBe(100_000);
    expect(got!.range).toBeNull();
    expect((await read(got!.body)).equals(bytes)).toBe(true);
  });

  it("puts a body larger than 5 MiB as a multipart stream, byte for byte", async () => {
    const bytes = randomBytes(12 * MiB + 12_345);
    const put = await storage.put(key("large.bin"), chunked(bytes));
    expect(put.size).toBe(bytes.length);

    const info = await storage.stat(key("large.bin"));
    expect(info?.size).toBe(bytes.length);
    if (driver.partsOf) expect(await driver.partsOf(key("large.bin"))).toBe(3); // 5 + 5 + 2.01 MiB
    const got = await storage.get(key("large.bin"));
    expect(got!.contentLength).toBe(bytes.length);
    expect(sha(await read(got!.body))).toBe(sha(bytes));
  }, 60_000);

  it("accepts bytes in memory and a web stream (a request body)", async () => {
    await storage.put(key("mem.bin"), Buffer.from("hello"));
    const web = new Blob([Buffer.from("web stream body")]).stream();
    await storage.put(key("web.bin"), web);
    expect((await read((await storage.get(key("mem.bin")))!.body)).toString()).toBe("hello");
    expect((await read((await storage.get(key("web.bin")))!.body)).toString()).toBe("web stream body");
  });

  describe("ranges", () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    beforeAll(async () => {
      await storage.put(key("range.bin"), chunked(bytes, 100));
    });

    it.each([
      ["first byte", { start: 0, end: 0 }, 0, 0],
      ["a middle slice", { start: 100, end: 199 }, 100, 199],
      ["an open end", { start: 990 }, 990, 999],
      ["an end past the last byte (clamped)", { start: 995, end: 5000 }, 995, 999],
      ["the last 10 bytes", { suffix: 10 }, 990, 999],
      ["a suffix longer than the object", { suffix: 5000 }, 0, 999],
    ] as const)("serves %s with exact bytes and sizes", async (_name, range, start, end) => {
      const got = await storage.get(key("range.bin"), { range });
      expect(got).not.toBeNull();
      expect(got!.range).toEqual({ start, end });
      expect(got!.size).toBe(1000);
      expect(got!.contentLength).toBe(end - start + 1);
      const body = await read(got!.body);
      expect(body.length).toBe(end - start + 1);
      expect(body.equals(bytes.subarray(start, end + 1))).toBe(true);
    });

    it("refuses a range that starts past the end, telling the size", async () => {
      const err = await storage.get(key("range.bin"), { range: { start: 1000 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).code).toBe("range_not_satisfiable");
      expect((err as StorageError).size).toBe(1000);
    });

    it("refuses a backwards range instead of serving the whole object", async () => {
      const err = await storage
        .get(key("range.bin"), { range: { start: 10, end: 5 } })
        .catch((e: unknown) => e);
      expect((err as StorageError).code).toBe("range_not_satisfiable");
    });
  });

  it("heads, lists and deletes", async () => {
    const before = Date.now();
    await storage.put(key("list/a.mp4"), Buffer.alloc(10, 1));
    await storage.put(key("list/b.mp4"), Buffer.alloc(20, 2));
    await storage.put(key("other.mp4"), Buffer.alloc(5, 3));

    const info = await storage.stat(key("list/a.mp4"));
    expect(info?.key).toBe(key("list/a.mp4"));
    expect(info?.size).toBe(10);
    // Clocks of a remote store may differ from ours by a little; a day off would be a unit bug.
    expect(Math.abs(info!.lastModified.getTime() - before)).toBeLessThan(60_000);
    expect(await storage.exists(key("list/a.mp4"))).toBe(true);

    const listed = (await storage.list(key("list/"))).map((i) => [i.key, i.size]).sort();
    expect(listed).toEqual([
      [key("list/a.mp4"), 10],
      [key("list/b.mp4"), 20],
    ]);

    await storage.delete(key("list/a.mp4"));
    expect(await storage.exists(key("list/a.mp4"))).toBe(false);
    expect(await storage.stat(key("list/a.mp4"))).toBeNull();
    expect(await storage.get(key("list/a.mp4"))).toBeNull();
    expect((await storage.list(key("list/"))).map((i) => i.key)).toEqual([key("list/b.mp4")]);
  });

  it("replaces an object on a second put", async () => {
    await storage.put(key("twice.bin"), Buffer.from("first version, longer"));
    await storage.put(key("twice.bin"), Buffer.from("second"));
    const got = await storage.get(key("twice.bin"));
    expect(got!.size).toBe(6);
    expect((await read(got!.body)).toString()).toBe("second");
  });

  it("answers a missing key with null, and deleting it is not an error", async () => {
    expect(await storage.get(key("missing.bin"))).toBeNull();
    expect(await storage.get(key("missing.bin"), { range: { start: 0, end: 1 } })).toBeNull();
    expect(await storage.stat(key("missing.bin"))).toBeNull();
    expect(await storage.exists(key("missing.bin"))).toBe(false);
    await expect(storage.delete(key("missing.bin"))).resolves.toBeUndefined();
  });

  it.each([
    ["under one part", 1 * MiB, 100_000],
    ["after a part went up (multipart aborted)", 7 * MiB, 6 * MiB],
  ])(
    "cuts a stream over the size cap %s and stores nothing",
    async (_name, total, cap) => {
      const source = chunked(randomBytes(total));
      const err = await storage.put(key("capped.bin"), source, { maxBytes: cap }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).code).toBe("too_large");
      // Cut at the cap, not after reading the whole stream (allowing the chunks already in flight).
      expect(source.pulled()).toBeLessThan(cap + 1 * MiB);
      expect(await storage.exists(key("capped.bin"))).toBe(false);
      expect(await storage.list(key("capped"))).toEqual([]);
    },
    60_000,
  );

  it("stores a body of exactly the cap", async () => {
    const put = await storage.put(key("exact.bin"), chunked(randomBytes(4096), 1000), { maxBytes: 4096 });
    expect(put.size).toBe(4096);
  });

  it.each(["", "/abs", "a//b", "../escape", "a/../../b", ".hidden", "a/.partial/x", "spaces here", "a\\b"])(
    "refuses the key %j",
    async (bad) => {
      const err = await storage.put(bad, Buffer.from("x")).catch((e: unknown) => e);
      expect((err as StorageError).code).toBe("invalid_key");
      await expect(storage.get(bad)).rejects.toMatchObject({ code: "invalid_key" });
    },
  );
});

describe("local driver specifics", () => {
  it("keeps the layout archive and simulator use today: key segments are folders under DATA_DIR", async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "retake-storage-"));
    try {
      const storage = createLocalStorage(dir);
      await storage.put("results/task_1.mp4", Buffer.from("video"));
      expect(await fs.promises.readFile(path.join(dir, "results", "task_1.mp4"), "utf8")).toBe("video");
      // No partial file is left beside the result, and a failed put leaves none either.
      await storage
        .put("results/x.mp4", chunked(randomBytes(10_000)), { maxBytes: 10 })
        .catch(() => undefined);
      expect(await fs.promises.readdir(path.join(dir, "results"))).toEqual(["task_1.mp4"]);
      expect(await fs.promises.readdir(path.join(dir, ".partial"))).toEqual([]);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  it("removes partial files a crashed process left over an hour ago, and only those", async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "retake-storage-"));
    try {
      await fs.promises.mkdir(path.join(dir, ".partial"));
      const old = path.join(dir, ".partial", "123-dead");
      const recent = path.join(dir, ".partial", "456-writing");
      await fs.promises.writeFile(old, "half");
      await fs.promises.writeFile(recent, "half");
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      await fs.promises.utimes(old, twoHoursAgo, twoHoursAgo);
      await createLocalStorage(dir).put("results/a.mp4", Buffer.from("x"));
      expect(await fs.promises.readdir(path.join(dir, ".partial"))).toEqual(["456-writing"]);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  it("never shows a half-written file: a reader during a slow put sees the old object or nothing", async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "retake-storage-"));
    try {
      const storage = createLocalStorage(dir);
      const slow = new Readable({ read() {} });
      const putting = storage.put("results/slow.mp4", slow);
      slow.push(Buffer.alloc(1000, 1));
      await new Promise((r) => setTimeout(r, 50));
      expect(await storage.exists("results/slow.mp4")).toBe(false);
      slow.push(null);
      await putting;
      expect((await storage.stat("results/slow.mp4"))?.size).toBe(1000);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });
});
