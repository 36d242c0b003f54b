import "server-only";

import { DEFAULT_PROBE_LIMITS, type ProbeLimits, RangeReaderStop, createRangeReader } from "./range-reader";
import type { ProbeOptions } from "./probe";
import type { ImageFormat, ImageProbeResult } from "./types";

/*
 * Width and height of a reference image from its first bytes (PNG, JPEG, WebP), read through the same bounded
 * range reader as videos. Only other vendors state Kling's image rules, so what this measures only ever warns.
 */

/** An image's size is in its first bytes; a JPEG's can sit after a large EXIF block, hence a few reads. */
export const DEFAULT_IMAGE_PROBE_LIMITS: ProbeLimits = {
  ...DEFAULT_PROBE_LIMITS,
  maxRequests: 4,
  maxBytes: 512 * 1024,
  minChunkBytes: 64 * 1024,
};

type Read = (start: number, end: number) => Promise<Uint8Array>;

interface Dimensions {
  format: ImageFormat;
  width: number;
  height: number;
}

function u16be(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u16le(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u24le(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
}

function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length));
}

// JPEG start-of-frame markers carry the size: SOF0–3, 5–7, 9–11, 13–15 (not DHT C4, JPG C8, DAC CC).
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

async function jpegDimensions(read: Read, size: number): Promise<Dimensions | null> {
  let at = 2;
  for (let segments = 0; segments < 256 && at + 9 <= size; segments++) {
    const head = await read(at, Math.min(size, at + 9));
    if (head[0] !== 0xff) return null;
    const marker = head[1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    if (SOF.has(marker)) return { format: "jpeg", height: u16be(head, 5), width: u16be(head, 7) };
    at += 2 + u16be(head, 2);
  }
  return null;
}

/** Reads an image's format and pixel size from its header, or null when it isn't an image we know. */
async function imageDimensions(read: Read, size: number): Promise<Dimensions | null> {
  const head = await read(0, Math.min(size, 32));
  if (head.length >= 24 && ascii(head, 1, 3) === "PNG" && ascii(head, 12, 4) === "IHDR") {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    return { format: "png", width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (head[0] === 0xff && head[1] === 0xd8) return jpegDimensions(read, size);
  if (head.length >= 30 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WEBP") {
    const chunk = ascii(head, 12, 4);
    if (chunk === "VP8 ")
      return { format: "webp", width: u16le(head, 26) & 0x3fff, height: u16le(head, 28) & 0x3fff };
    if (chunk === "VP8L") {
      const [b0, b1, b2, b3] = [head[21]!, head[22]!, head[23]!, head[24]!];
      return {
        format: "webp",
        width: 1 + (((b1 & 0x3f) << 8) | b0),
        height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)),
      };
    }
    if (chunk === "VP8X") return { format: "webp", width: 1 + u24le(head, 24), height: 1 + u24le(head, 27) };
    return null;
  }
  if (head.length >= 10 && ascii(head, 0, 3) === "GIF")
    return { format: "gif", width: u16le(head, 6), height: u16le(head, 8) };
  return null;
}

/** Measures one image link; like the video probe, never throws for what a host does. */
export async function probeImageUrl(url: string, options: ProbeOptions = {}): Promise<ImageProbeResult> {
  const limits: ProbeLimits = { ...DEFAULT_IMAGE_PROBE_LIMITS, ...options.limits };
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  const reader = createRangeReader(url, {
    limits,
    signal: controller.signal,
    deadline: started + limits.timeoutMs,
    fetch: options.fetch,
    guard: options.guard,
  });
  const stats = () => ({ ...reader.stats, elapsedMs: Date.now() - started });
  try {
    const size = await reader.getSize();
    const dims = await imageDimensions((s, e) => reader.read(s, Math.min(e, size)), size);
    if (!dims) throw new RangeReaderStop("unreadable", "it isn't a PNG, JPEG or WebP image we can read");
    return { status: "probed", url, ...dims, sizeBytes: size, stats: stats() };
  } catch (err) {
    const stop =
      reader.stopped ??
      (err instanceof RangeReaderStop
        ? err
        : new RangeReaderStop("unreadable", "its header isn't one we can read as an image"));
    return {
      status: "unprobed",
      url,
      reason: stop.reason,
      message: stop.message,
      sizeBytes: reader.declaredSize,
      stats: stats(),
    };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
