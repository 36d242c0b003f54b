import os from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";

/**
 * The default deploy must never load the AWS SDK: `getStorage()` on local disk imports nothing from it, and the
 * S3 driver imports it on first use. A mocked SDK module records whether anything imported it.
 */
const loaded: string[] = [];
vi.mock("@aws-sdk/client-s3", async (original) => {
  loaded.push("client-s3");
  return original();
});
vi.mock("@aws-sdk/lib-storage", async (original) => {
  loaded.push("lib-storage");
  return original();
});

const saved = { ...process.env };
afterEach(async () => {
  process.env = { ...saved };
  (await import("../env")).resetEnvForTests();
  (await import("./index")).resetStorageForTests();
});

describe("getStorage", () => {
  it("gives local disk under DATA_DIR when S3_BUCKET is unset, without loading the AWS SDK", async () => {
    for (const k of Object.keys(process.env)) if (k.startsWith("S3_")) delete process.env[k];
    process.env.DATA_DIR = os.tmpdir();
    const { getStorage } = await import("./index");
    const storage = await getStorage();
    expect(storage.driver).toBe("local");
    expect(await getStorage()).toBe(storage);
    expect(loaded).toEqual([]);
  });

  it("gives the S3 driver when S3_BUCKET is set, loading the SDK only then", async () => {
    process.env.S3_BUCKET = "retake-test";
    process.env.S3_ENDPOINT = "http://127.0.0.1:9";
    process.env.S3_ACCESS_KEY_ID = "a";
    process.env.S3_SECRET_ACCESS_KEY = "b";
    const { getStorage } = await import("./index");
    expect(loaded).toEqual([]);
    const storage = await getStorage();
    expect(storage.driver).toBe("s3");
    expect(loaded.sort()).toEqual(["client-s3", "lib-storage"]);
  });

  it("reports an unreachable store as unavailable, not as a missing object", async () => {
    const { createS3Storage, StorageError } = await import("./index");
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    const storage = await createS3Storage({
      bucket: "retake-test",
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      accessKeyId: "a",
      secretAccessKey: "b",
      forcePathStyle: true,
    });
    const err = await storage.stat("results/x.mp4").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as InstanceType<typeof StorageError>).code).toBe("unavailable");
  });
});
