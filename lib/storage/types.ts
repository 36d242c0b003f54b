import type { Readable } from "node:stream";

/**
 * One interface for everything Retake keeps as bytes (result videos, the simulator's uploads), whether on the
 * local disk under `DATA_DIR` (the default) or in an S3-compatible bucket (`S3_*`). Callers deal in keys such as
 * `results/<task>.mp4`; they never see a path or a bucket.
 */
export interface Storage {
  /** `"local"` or `"s3"`, for logs and the health page. */
  readonly driver: "local" | "s3";
  /**
   * Streams `body` into `key`, replacing any object there. The object appears whole or not at all: a failed or
   * over-cap put leaves nothing behind (a temporary file renamed into place; an S3 multipart upload aborted).
   * Throws `StorageError` with code `too_large` the moment the stream crosses `maxBytes`.
   */
  put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult>;
  /**
   * Opens `key` for reading, whole or one byte range. `null` when there is no such object. The caller must
   * consume or destroy `body`. A range that starts past the end throws `StorageError` `range_not_satisfiable`
   * (with the object's `size`, for a `Content-Range: bytes *\/size` answer).
   */
  get(key: string, options?: GetOptions): Promise<StoredObject | null>;
  /** The object's size and last change, or `null` when there is none. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** `true` when `key` holds an object. */
  exists(key: string): Promise<boolean>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (e.g. `uploads/`), for expiry sweeps. Order is unspecified. */
  list(prefix: string): Promise<ObjectInfo[]>;
}

/** A Node stream, a web stream (a `Request`'s body) or bytes already in memory. */
export type PutBody = Readable | ReadableStream<Uint8Array> | Uint8Array;

export interface PutOptions {
  /** The stream is cut, and the put fails with `too_large`, past this many bytes. */
  maxBytes?: number;
  /** Stored with the object where the driver can (S3); callers still decide the type they serve. */
  contentType?: string;
}

export interface PutResult {
  key: string;
  /** Bytes stored. */
  size: number;
}

/**
 * Byte ranges as HTTP means them: `{ start, end }` inclusive (an `end` past the last byte is clamped),
 * `{ start }` to the end, `{ suffix: n }` for the last `n` bytes.
 */
export type ByteRange = { start: number; end?: number } | { suffix: number };

export interface GetOptions {
  range?: ByteRange;
}

export interface ObjectInfo {
  key: string;
  /** The object's whole size in bytes. */
  size: number;
  lastModified: Date;
}

export interface StoredObject {
  body: Readable;
  /** The whole object's size: the `/size` of a `Content-Range`. */
  size: number;
  /** Bytes in `body`: the `Content-Length` to send. */
  contentLength: number;
  /** The inclusive range served when one was asked for: `Content-Range: bytes start-end/size` and a 206. */
  range: { start: number; end: number } | null;
  lastModified: Date;
}

export type StorageErrorCode = "too_large" | "invalid_key" | "range_not_satisfiable" | "unavailable";

export class StorageError extends Error {
  override name = "StorageError";
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** For `range_not_satisfiable`: the object's size. */
    readonly size?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The S3 driver's settings, from the `S3_*` variables (validated in `lib/env.ts`). */
export interface S3Config {
  bucket: string;
  /** Empty for AWS itself; the store's URL otherwise (`http://127.0.0.1:9000`, `https://<account>.r2…`). */
  endpoint: string | undefined;
  region: string;
  /** Both or neither; neither lets the SDK find credentials itself (instance role, `~/.aws`). */
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** `bucket` in the path instead of the host name: what most self-hosted stores need. */
  forcePathStyle: boolean;
}
