import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/*
 * Test helpers: the committed fixture clips (lib/media/fixtures/, made by scripts/make-probe-fixtures.sh) and
 * media-host handlers that serve them the ways real hosts do: with Range support, without it, or too slowly.
 * They plug into the loopback media server of lib/testing/app-harness.ts (`media.on(path, handler)`).
 */

export const FIXTURES_DIR = path.join(import.meta.dirname, "fixtures");

export type FixtureName =
  | "fit-1280x720.mp4"
  | "moov-at-end.mp4"
  | "rotated-phone.mp4"
  | "quicktime.mov"
  | "fragmented.mp4"
  | "long-12s.mp4"
  | "short-2s.mp4"
  | "four-three-1440x1080.mp4"
  | "small-640x480.mp4"
  | "fps15-1280x720.mp4"
  | "webm-1280x720.webm"
  | "image-768x1024.jpg"
  | "image-200x150.png"
  | "image-1200x400.jpg"
  | "image-600x600.webp";

export function fixture(name: FixtureName): Buffer {
  return fs.readFileSync(path.join(FIXTURES_DIR, name));
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ServeOptions {
  type?: string;
  /** Announce this total size instead of the real one (bytes past the real end read as zeros). */
  declaredSize?: number;
}

/** A well-behaved static host: `Accept-Ranges`, 206 with `Content-Range` for a single range, 416 past the end. */
export function serveRanges(bytes: Buffer, options: ServeOptions = {}): Handler {
  const total = options.declaredSize ?? bytes.length;
  const type = options.type ?? "video/mp4";
  return (req, res) => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (!range) {
      res.writeHead(200, { "Content-Type": type, "Content-Length": String(total), "Accept-Ranges": "bytes" });
      if (req.method === "HEAD") res.end();
      else res.end(bytes);
      return;
    }
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : total - 1, total - 1);
    if (start >= total || end < start) {
      res.writeHead(416, { "Content-Range": `bytes */${String(total)}` });
      res.end();
      return;
    }
    const body = Buffer.alloc(end - start + 1);
    if (start < bytes.length) bytes.copy(body, 0, start, Math.min(end + 1, bytes.length));
    res.writeHead(206, {
      "Content-Type": type,
      "Content-Length": String(body.length),
      "Content-Range": `bytes ${String(start)}-${String(end)}/${String(total)}`,
      "Accept-Ranges": "bytes",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}

/** A host that ignores `Range` and always sends the whole file with 200 (many simple servers and some CDNs). */
export function serveWhole(bytes: Buffer, type = "video/mp4"): Handler {
  return (req, res) => {
    res.writeHead(200, { "Content-Type": type, "Content-Length": String(bytes.length) });
    res.end(req.method === "HEAD" ? undefined : bytes);
  };
}

/** A host that answers the headers at once and then sends the body a few bytes at a time, too slowly. */
export function serveSlowly(bytes: Buffer, bytesPerTick = 16, tickMs = 200): Handler {
  return (req, res) => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    res.writeHead(range ? 206 : 200, {
      "Content-Type": "video/mp4",
      "Content-Length": String(end - start + 1),
      ...(range ? { "Content-Range": `bytes ${String(start)}-${String(end)}/${String(bytes.length)}` } : {}),
    });
    let at = start;
    const timer = setInterval(() => {
      if (res.destroyed || at > end) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(bytes.subarray(at, Math.min(at + bytesPerTick, end + 1)));
      at += bytesPerTick;
    }, tickMs);
    res.on("close", () => clearInterval(timer));
  };
}
