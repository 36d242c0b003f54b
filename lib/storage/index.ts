import { getEnv } from "../env";
import { createLocalStorage } from "./local";
import type { S3Config, Storage } from "./types";

export { createLocalStorage } from "./local";
export { byteRangeFromHeader, resolveRange } from "./common";
export * from "./types";

/**
 * The S3 driver, imported on demand: `./s3` pulls in `@aws-sdk/client-s3`, which a local-disk deploy never
 * needs to load.
 */
export async function createS3Storage(config: S3Config): Promise<Storage> {
  const { createS3Storage: create } = await import("./s3");
  return create(config);
}

let storage: Promise<Storage> | undefined;

/**
 * The process's storage, chosen by configuration: the S3 bucket when `S3_BUCKET` is set, otherwise files under
 * `DATA_DIR`. Keys are the same on both (`results/<task>.mp4`, `uploads/<name>`).
 */
export function getStorage(): Promise<Storage> {
  if (!storage) {
    const env = getEnv();
    const created = env.s3 ? createS3Storage(env.s3) : Promise.resolve(createLocalStorage(env.dataDir));
    // A failed S3 start (a broken SDK install) is retried by the next caller instead of cached forever.
    created.catch(() => {
      if (storage === created) storage = undefined;
    });
    storage = created;
  }
  return storage;
}

/** Tests change the environment between cases. */
export function resetStorageForTests() {
  storage = undefined;
}
