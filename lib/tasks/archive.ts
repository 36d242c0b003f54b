import fs from "node:fs";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

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
  dir: string;
  source: ResultSource;
  maxBytes?: number;
  timeoutMs?: number;
}

const VIDEO_TYPES = /^(video\/|application\/octet-stream|binary\/octet-stream|application\/mp4)/i;

/** A file name from a task id that can't escape the results folder. */
export function archiveFileName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 120)}.mp4`;
}

/**
 * Copies a result video into our storage: streamed to a temporary file (never the whole video in memory), capped
 * in size and time, checked to be an MP4, then renamed into place so a half-written file is never served.
 */
export function createArchiver(options: ArchiverOptions) {
  const maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const dir = path.resolve(options.dir);

  async function store(id: string, url: string): Promise<{ path: string; bytes: number }> {
    await fs.promises.mkdir(dir, { recursive: true });
    const final = path.join(dir, archiveFileName(id));
    const temp = `${final}.${String(process.pid)}.${Date.now().toString(36)}.part`;
    const opened = await options.source(url, { timeoutMs, maxBytes });
    if (opened.contentType && !VIDEO_TYPES.test(opened.contentType)) {
      opened.body.destroy();
      throw new ArchiveError(`The result link did not return a video (it returned ${opened.contentType}).`);
    }
    let bytes = 0;
    let head = Buffer.alloc(0);
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes)
          return done(new ArchiveError("The result video is larger than our storage cap."));
        if (head.length < 12) head = Buffer.concat([head, chunk.subarray(0, 12 - head.length)]);
        done(null, chunk);
      },
    });
    const timer = setTimeout(
      () => opened.body.destroy(new ArchiveError("Copying the result took too long.")),
      timeoutMs,
    );
    try {
      await pipeline(opened.body, counter, fs.createWriteStream(temp, { flags: "wx" }));
      // Every MP4/MOV starts with a box whose type, at bytes 4–8, is `ftyp` (or, rarely, `moov`/`wide`/`free`).
      const box = head.subarray(4, 8).toString("latin1");
      if (!["ftyp", "moov", "wide", "free", "mdat"].includes(box))
        throw new ArchiveError("The result link returned something that is not an MP4 video.");
      await fs.promises.rename(temp, final);
      return { path: final, bytes };
    } catch (err) {
      await fs.promises.rm(temp, { force: true });
      throw err instanceof ArchiveError
        ? err
        : new ArchiveError(`Copying the result failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  return { store, dir };
}

export type Archiver = ReturnType<typeof createArchiver>;
