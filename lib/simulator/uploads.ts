import { randomBytes } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
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
 * with files kept under `${DATA_DIR}/uploads` and served by `/api/simulator/uploads/{name}` until they expire
 * after 72 h, like FoxAPI's. Stricter than the real one on purpose: since we serve these files from our own
 * origin, only the media types the models take are stored, checked by content.
 */
export const SIMULATOR_UPLOADS_PATH = "/api/simulator/uploads";

/** `<12 random chars>-<sanitised name>`: the only names stored, and the only names served. */
const STORED_NAME = /^[0-9a-z]{12}-[\p{L}\p{N}._-]{1,110}$/u;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const error = (status: number, type: string, message: string, code?: string) =>
  json(status, { error: { message, type, ...(code ? { code } : {}) } });

async function removeExpired(dir: string, now: number) {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      try {
        const stat = await fs.promises.stat(file);
        // Expired uploads, and partial files left by a crash an hour ago.
        const ttl = name.startsWith(".part-") ? 3_600_000 : UPLOAD_TTL_MS;
        if (now - stat.mtimeMs > ttl) await fs.promises.rm(file, { force: true });
      } catch {
        // raced with another request
      }
    }),
  );
}

export async function handleSimulatorUpload(req: Request, dir: string, now: () => number): Promise<Response> {
  const boundary = boundaryOf(req.headers.get("content-type"));
  if (!boundary || !req.body)
    return error(400, "invalid_request_error", "Send the file as multipart/form-data.");
  const reader = new MultipartReader(req.body, boundary);
  await fs.promises.mkdir(dir, { recursive: true });
  const id = Array.from(randomBytes(12), (b) => (b % 36).toString(36)).join("");
  const partial = path.join(dir, `.part-${id}`);
  let out: fs.WriteStream | null = null;
  try {
    let fileName: string | null = null;
    let type: UploadType | null = null;
    let size = 0;
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
      const cap = MAX_UPLOAD_BYTES[type.kind];
      out = fs.createWriteStream(partial, { flags: "wx" });
      // Errors surface through the awaited drain/finish; a stream destroyed early must not crash the process.
      out.on("error", () => undefined);
      let head: Buffer | null = Buffer.alloc(0);
      let chunk: Uint8Array | null;
      while ((chunk = await reader.readChunk()) !== null) {
        size += chunk.length;
        if (size > cap)
          return error(413, "file_too_large_error", "The file is too large.", "file_too_large_error");
        if (head !== null) {
          head = Buffer.concat([head, chunk]);
          if (head.length < 12) continue;
          if (!contentMatches(type, sniffType(head.subarray(0, 16))))
            return error(422, "invalid_request_error", "The file's contents do not match its type.");
          chunk = head;
          head = null;
        }
        if (!out.write(chunk)) await once(out, "drain");
      }
      if (head !== null) {
        if (!contentMatches(type, sniffType(head)))
          return error(422, "invalid_request_error", "The file's contents do not match its type.");
        if (head.length > 0) out.write(head);
      }
      out.end();
      await once(out, "finish");
      out = null;
      break;
    }
    if (!type) return error(400, "invalid_request_error", "The form has no file field.");
    if (size === 0) return error(400, "invalid_request_error", "The file is empty.");
    const filename = sanitizeFileName(fileName ?? "upload", type);
    const stored = `${id}-${filename}`;
    await fs.promises.rename(partial, path.join(dir, stored));
    void removeExpired(dir, now());
    return json(200, {
      id: `file-sim-${id}`,
      filename,
      url: `${SIMULATOR_UPLOADS_PATH}/${encodeURIComponent(stored)}`,
      size,
      created: Math.floor(now() / 1000),
    });
  } catch (err) {
    if (err instanceof MultipartError)
      return error(400, "invalid_request_error", `The upload could not be read: ${err.message}`);
    throw err;
  } finally {
    if (out) {
      const closed = once(out, "close").catch(() => undefined);
      out.destroy();
      await closed;
    }
    await reader.cancel();
    await fs.promises.rm(partial, { force: true });
  }
}

/** A stored upload's file and type, when the name is one the simulator made and the file is still there. */
export function findSimulatorUpload(
  dir: string,
  name: string,
  now = Date.now(),
): { file: string; type: UploadType } | "expired" | null {
  if (!STORED_NAME.test(name) || name.includes("..")) return null;
  const type = declaredType(name, null);
  if (!type || sanitizeFileName(name.slice(13), type) !== name.slice(13)) return null;
  const file = path.join(dir, name);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return null;
  }
  if (!stat.isFile()) return null;
  if (now - stat.mtimeMs > UPLOAD_TTL_MS) {
    fs.rmSync(file, { force: true });
    return "expired";
  }
  return { file, type };
}
