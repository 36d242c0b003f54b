import { type Readable, pipeline } from "node:stream";
import type { S3Client as S3ClientType } from "@aws-sdk/client-s3";
import { byteCounter, checkKey, rangeHeader, resolveRange, toReadable } from "./common";
import {
  type GetOptions,
  type ObjectInfo,
  type PutBody,
  type PutOptions,
  type S3Config,
  type Storage,
  StorageError,
  type StoredObject,
} from "./types";

/** S3's smallest part (5 MiB); a body under it goes up in one PutObject, anything larger as a multipart upload. */
const PART_SIZE = 5 * 1024 * 1024;
/** Parts in flight at once: memory held by a put is about PART_SIZE × (QUEUE_SIZE + 1). */
const QUEUE_SIZE = 2;

interface S3ErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}
const statusOf = (err: unknown) => (err as S3ErrorShape | null)?.$metadata?.httpStatusCode;
const isMissing = (err: unknown) => {
  const name = (err as S3ErrorShape | null)?.name;
  return name === "NoSuchKey" || name === "NotFound" || statusOf(err) === 404;
};
const unavailable = (operation: string, err: unknown) =>
  new StorageError(
    "unavailable",
    `The S3 store refused ${operation}: ${err instanceof Error ? err.message : String(err)}`,
    undefined,
    { cause: err },
  );

/**
 * The S3 driver, for `@aws-sdk/client-s3` against AWS or any S3-compatible store. The SDK is imported here, on
 * first use, so a deploy on local disk never loads it.
 *
 * Checksums: SDK versions since early 2025 add CRC32 checksums to every upload and check them on download by
 * default; several S3-compatible stores reject the extra headers or send none back. `WHEN_REQUIRED` keeps them
 * to the operations S3 itself demands them for.
 */
export async function createS3Storage(config: S3Config): Promise<Storage> {
  const [s3, { Upload }] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]);
  const client: S3ClientType = new s3.S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // A store that doesn't answer fails the request in seconds instead of holding a viewer; requestTimeout is
    // the socket's idle time, so a long download that keeps moving is never cut.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
  const Bucket = config.bucket;

  async function head(key: string): Promise<ObjectInfo | null> {
    try {
      const res = await client.send(new s3.HeadObjectCommand({ Bucket, Key: checkKey(key) }));
      return { key, size: res.ContentLength ?? 0, lastModified: res.LastModified ?? new Date(0) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw unavailable(`reading ${key}`, err);
    }
  }

  return {
    driver: "s3",

    async put(key: string, body: PutBody, options: PutOptions = {}) {
      checkKey(key);
      const counter = byteCounter(options.maxBytes ?? Number.MAX_SAFE_INTEGER);
      let streamError: unknown = null;
      // The counter cuts the source the moment it crosses the cap; Upload then aborts its multipart upload
      // (leavePartsOnError: false), so no object and no orphaned parts are left.
      const counted: Readable = pipeline(toReadable(body), counter.stream, (err) => {
        if (err) streamError = err;
      });
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: counted, ContentType: options.contentType },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (err) {
        counted.destroy();
        if (streamError instanceof StorageError) throw streamError;
        if (err instanceof StorageError) throw err;
        if (streamError) throw streamError as Error;
        throw unavailable(`storing ${key}`, err);
      }
      return { key, size: counter.bytes() };
    },

    async get(key: string, options: GetOptions = {}): Promise<StoredObject | null> {
      checkKey(key);
      // Refuse malformed ranges here: S3, as HTTP says, ignores them and would send the whole object instead.
      if (options.range) resolveRange(options.range, Number.MAX_SAFE_INTEGER);
      try {
        const res = await client.send(
          new s3.GetObjectCommand({
            Bucket,
            Key: key,
            Range: options.range ? rangeHeader(options.range) : undefined,
          }),
        );
        const body = res.Body as Readable;
        const contentLength = res.ContentLength ?? 0;
        const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.ContentRange ?? "");
        const range = match ? { start: Number(match[1]), end: Number(match[2]) } : null;
        return {
          body,
          size: match ? Number(match[3]) : contentLength,
          contentLength,
          range: options.range ? (range ?? { start: 0, end: contentLength - 1 }) : null,
          lastModified: res.LastModified ?? new Date(0),
        };
      } catch (err) {
        if (isMissing(err)) return null;
        if (statusOf(err) === 416 || (err as S3ErrorShape | null)?.name === "InvalidRange") {
          const info = await head(key);
          if (!info) return null;
          throw new StorageError(
            "range_not_satisfiable",
            `The range is outside the object (${String(info.size)} bytes).`,
            info.size,
          );
        }
        throw unavailable(`reading ${key}`, err);
      }
    },

    stat: head,

    async exists(key: string) {
      return (await head(key)) !== null;
    },

    async delete(key: string) {
      try {
        await client.send(new s3.DeleteObjectCommand({ Bucket, Key: checkKey(key) }));
      } catch (err) {
        if (isMissing(err)) return;
        throw unavailable(`deleting ${key}`, err);
      }
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      const found: ObjectInfo[] = [];
      let ContinuationToken: string | undefined;
      try {
        do {
          const res = await client.send(
            new s3.ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }),
          );
          for (const item of res.Contents ?? []) {
            if (item.Key)
              found.push({
                key: item.Key,
                size: item.Size ?? 0,
                lastModified: item.LastModified ?? new Date(0),
              });
          }
          ContinuationToken = res.IsTruncated ? res.NextContinuationToken : undefined;
        } while (ContinuationToken);
      } catch (err) {
        throw unavailable(`listing ${prefix}`, err);
      }
      return found;
    },
  };
}
