import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Storage } from "../storage/types";
import { MultipartError, MultipartReader, boundaryOf } from "../uploads/multipart";
import {
  MAX_UPLOAD_BYTES,
  UPLOAD_TTL_MS,
  type UploadType,
  contentMatches,
  declaredType,
  sanitizeFileName,
  sniffType,
} from "../uploads/types";

/**
 * The simulator's `POST /v1/files/upload/stream` (contract §4): the same multipart form and answer as FoxAPI's,
 * with files kept in our storage under `uploads/` (`${DATA_DIR}/uploads` on local disk, or the S3 bucket, so every
 * replica serves them) and served by `/api/simulator/uploads/{name}` until they expire after 72 h, like FoxAPI's. Stricter than the real one on purpose: since we serve these files from our own
 * origin, only the media types the models take are stored, checked by content.
 */
export const SIMULATOR_UPLOADS_PATH = "/api/simulator/uploads";

/** `<12 random chars>-<sanitised name>`: the only names stored, and the only names served. */
const STORED_NAME = /^[0-9a-z]{12}-[\p{L}\p{N}._-]{1,110}$/u;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const error = (status: number, type: string, message: string, code?: string) =>
  json(status, { error: { message, type, ...(code ? { code } : {}) } });

/** Where the simulator keeps uploads: `getStorage()` in the app, a local folder's storage in tests. */
export type UploadStorage = () => Promise<Storage>;

const keyOf = (name: string) => `uploads/${name}`;

/** Removes expired uploads (partial ones are the storage driver's to clean up). */
async function removeExpired(storage: Storage, now: number) {
  try {
    for (const object of await storage.list("uploads/"))
      if (now - object.lastModified.getTime() > UPLOAD_TTL_MS) await storage.delete(object.key);
  } catch {
    // raced with another request or replica; the next upload sweeps again
  }
}

/** Refuses an upload from inside the body stream: the put fails, so nothing is stored. */
class Refusal extends Error {
  constructor(readonly response: Response) {
    super("upload refused");
  }
}

export async function handleSimulatorUpload(
  req: Request,
  uploads: UploadStorage,
  now: () => number,
): Promise<Response> {
  const boundary = boundaryOf(req.headers.get("content-type"));
  if (!boundary || !req.body)
    return error(400, "invalid_request_error", "Send the file as multipart/form-data.");
  const storage = await uploads();
  const reader = new MultipartReader(req.body, boundary);
  const id = Array.from(randomBytes(12), (b) => (b % 36).toString(36)).join("");
  let refusal: Refusal | undefined;
  const refuse = (response: Response) => (refusal = new Refusal(response));
  try {
    let fileName: string | null = null;
    let type: UploadType | null = null;
    let stored: { name: string; filename: string; size: number } | null = null;
    for (;;) {
      const part = await reader.nextPart();
      if (!part) break;
      if (part.name === "file_name" && part.filename === null) {
        fileName = (await reader.readText(1024)).trim() || null;
        continue;
      }
      if (part.name !== "file" || part.filename === null) {
        await reader.readText(4096);
        continue;
      }
      type = declaredType(fileName ?? part.filename, part.contentType);
      if (!type)
        return error(
          422,
          "invalid_request_error",
          "The simulator stores only MP4, MOV, JPEG, PNG and WebP files.",
        );
      const kind = type;
      const cap = MAX_UPLOAD_BYTES[kind.kind];
      let size = 0;
      // The bytes go straight into storage; a check that fails throws from inside the stream, which aborts the
      // put (a temporary file removed, a multipart upload aborted): a refused file is never stored.
      async function* checked(): AsyncGenerator<Uint8Array> {
        let head: Buffer | null = Buffer.alloc(0);
        let chunk: Uint8Array | null;
        while ((chunk = await reader.readChunk()) !== null) {
          size += chunk.length;
          if (size > cap)
            throw refuse(
              error(413, "file_too_large_error", "The file is too large.", "file_too_large_error"),
            );
          if (head !== null) {
            head = Buffer.concat([head, chunk]);
            if (head.length < 12) continue;
            if (!contentMatches(kind, sniffType(head.subarray(0, 16))))
              throw refuse(error(422, "invalid_request_error", "The file's contents do not match its type."));
            chunk = head;
            head = null;
          }
          yield chunk;
        }
        if (head !== null) {
          if (size === 0) throw refuse(error(400, "invalid_request_error", "The file is empty."));
          if (!contentMatches(kind, sniffType(head)))
            throw refuse(error(422, "invalid_request_error", "The file's contents do not match its type."));
          yield head;
        }
      }
      const filename = sanitizeFileName(fileName ?? "upload", kind);
      const name = `${id}-${filename}`;
      await storage.put(keyOf(name), Readable.from(checked()), { maxBytes: cap, contentType: kind.mime });
      stored = { name, filename, size };
      break;
    }
    if (!type || !stored) return error(400, "invalid_request_error", "The form has no file field.");
    void removeExpired(storage, now());
    return json(200, {
      id: `file-sim-${id}`,
      filename: stored.filename,
      url: `${SIMULATOR_UPLOADS_PATH}/${encodeURIComponent(stored.name)}`,
      size: stored.size,
      created: Math.floor(now() / 1000),
    });
  } catch (err) {
    if (refusal) return refusal.response;
    if (err instanceof MultipartError)
      return error(400, "invalid_request_error", `The upload could not be read: ${err.message}`);
    throw err;
  } finally {
    await reader.cancel();
  }
}

/**
 * A stored upload's storage key, type and size, when the name is one the simulator made and the object is still
 * there; an expired one is removed and answered `"expired"`.
 */
export async function findSimulatorUpload(
  storage: Storage,
  name: string,
  now = Date.now(),
): Promise<{ key: string; type: UploadType; size: number } | "expired" | null> {
  if (!STORED_NAME.test(name) || name.includes("..")) return null;
  const type = declaredType(name, null);
  if (!type || sanitizeFileName(name.slice(13), type) !== name.slice(13)) return null;
  const key = keyOf(name);
  const info = await storage.stat(key);
  if (!info) return null;
  if (now - info.lastModified.getTime() > UPLOAD_TTL_MS) {
    await storage.delete(key);
    return "expired";
  }
  return { key, type, size: info.size };
}
