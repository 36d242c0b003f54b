import { Transform, pipeline, type Readable } from "node:stream";
import type { Storage } from "../storage/types";

/** Opens a result URL for reading: the guarded client for real links, the sample files for the simulator's. */
export type ResultSource = (
  url: string,
  options: { timeoutMs: number; maxBytes: number },
) => Promise<OpenedResult>;

export interface OpenedResult {
  body: Readable;
  contentType: string | null;
}

export class ArchiveError extends Error {
  override name = "ArchiveError";
}

export interface ArchiverOptions {
  /** Where copies go: local disk under DATA_DIR or the S3 bucket (`getStorage()`), resolved on first use. */
  storage: () => Promise<Storage>;
  source: ResultSource;
  maxBytes?: number;
  timeoutMs?: number;
}

const VIDEO_TYPES = /^(video\/|application\/octet-stream|binary\/octet-stream|application\/mp4)/i;
/** Every MP4/MOV starts with a box whose type, at bytes 4–8, is `ftyp` (or, rarely, one of the others). */
const MP4_BOXES = ["ftyp", "moov", "wide", "free", "mdat"];

/** A file name from a task id that can't escape the results folder. */
export function archiveFileName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 120)}.mp4`;
}

/** The storage key of a task's stored result; the same on local disk (`DATA_DIR/results/…`) and in a bucket. */
export function archiveKey(id: string): string {
  return `results/${archiveFileName(id)}`;
}

/**
 * The storage key a record's `archivePath` names. Rows stored before storage drivers existed hold an absolute
 * file path under `DATA_DIR/results`; that file is the local driver's object for the same key, so such rows keep
 * being served.
 */
export function storedKeyOf(archivePath: string): string {
  if (archivePath.startsWith("results/")) return archivePath;
  const base = archivePath.split(/[\\/]/).pop() ?? "";
  return `results/${base}`;
}

/**
 * Copies a result video into our storage: streamed (never the whole video in memory), capped in size and time,
 * checked to be an MP4 before the object is committed. The storage drivers make a put whole-or-nothing (a
 * temporary file renamed into place; an S3 multipart upload aborted), so a half-written copy is never served.
 */
export function createArchiver(options: ArchiverOptions) {
  const maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;

  async function store(id: string, url: string): Promise<{ path: string; bytes: number }> {
    const storage = await options.storage();
    const opened = await options.source(url, { timeoutMs, maxBytes });
    if (opened.contentType && !VIDEO_TYPES.test(opened.contentType)) {
      opened.body.destroy();
      throw new ArchiveError(`The result link did not return a video (it returned ${opened.contentType}).`);
    }
    let bytes = 0;
    let head: Buffer | null = Buffer.alloc(0);
    const notMp4 = () => new ArchiveError("The result link returned something that is not an MP4 video.");
    // The type check sits in the stream: a body that is not an MP4 fails the put, so nothing is stored.
    const checker = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes)
          return done(new ArchiveError("The result video is larger than our storage cap."));
        if (head !== null) {
          head = Buffer.concat([head, chunk]);
          if (head.length < 8) return done();
          if (!MP4_BOXES.includes(head.subarray(4, 8).toString("latin1"))) return done(notMp4());
          const all = head;
          head = null;
          return done(null, all);
        }
        done(null, chunk);
      },
      flush(done) {
        // Shorter than one box header: not a video.
        done(head !== null ? notMp4() : null);
      },
    });
    let failure: Error | undefined;
    // pipeline destroys both streams on any error, so a failing source also fails the put reading `checker`.
    pipeline(opened.body, checker, (err) => {
      if (err) failure ??= err;
    });
    checker.once("error", (err) => (failure ??= err));
    const timer = setTimeout(() => {
      const err = new ArchiveError("Copying the result took too long.");
      failure ??= err;
      opened.body.destroy(err);
      checker.destroy(err);
    }, timeoutMs);
    try {
      const key = archiveKey(id);
      const saved = await storage.put(key, checker, { maxBytes, contentType: "video/mp4" });
      return { path: key, bytes: saved.size };
    } catch (err) {
      const cause = failure ?? err;
      throw cause instanceof ArchiveError
        ? cause
        : new ArchiveError(
            `Copying the result failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          );
    } finally {
      clearTimeout(timer);
      opened.body.destroy();
    }
  }

  return { store };
}

export type Archiver = ReturnType<typeof createArchiver>;
