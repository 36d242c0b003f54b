import "server-only";

import { GuardedFetchError, type GuardedFetchOptions, guardedFetch } from "../net/guarded-fetch";

/*
 * Reads byte ranges of a remote file through the guarded client, within a budget of requests, bytes and time.
 * The probe hands these reads to Mediabunny as its source, so every byte Mediabunny looks at came through the
 * same address checks as any other link a user gave us, and a hostile or broken host costs us a bounded amount.
 */

/** The guarded client's signature, injectable so a caller can wrap it (count calls, add a test-only policy). */
export type RangeFetch = typeof guardedFetch;

/** How much one probe may spend. The defaults are the issue's: about 16 requests, 4 MiB and 5 s per link. */
export interface ProbeLimits {
  maxRequests: number;
  maxBytes: number;
  timeoutMs: number;
  /**
   * Smallest read we ask the host for. Mediabunny asks for a box header at a time (8–16 bytes); rounding each
   * miss up to this size means a header-first file is read in one request and a header-last one in two or three.
   */
  minChunkBytes: number;
}

export const DEFAULT_PROBE_LIMITS: ProbeLimits = {
  maxRequests: 16,
  maxBytes: 4 * 1024 * 1024,
  timeoutMs: 5_000,
  minChunkBytes: 64 * 1024,
};

/** Why a link could not be probed; each has a plain-words message in {@link RangeReaderStop}. */
export type UnprobedReason =
  | "no_range_support"
  | "unknown_size"
  | "http_error"
  | "request_budget"
  | "byte_budget"
  | "timeout"
  | "fetch_failed"
  | "unreadable";

/** Thrown from a read to stop the probe; the reader remembers the first one, whatever Mediabunny makes of it. */
export class RangeReaderStop extends Error {
  override readonly name = "RangeReaderStop";
  constructor(
    readonly reason: UnprobedReason,
    message: string,
  ) {
    super(message);
  }
}

export interface RangeReaderStats {
  requests: number;
  /** Body bytes we actually took from the host (not what it offered). */
  bytesRead: number;
}

export interface RangeReader {
  /** Total file size, from the first ranged answer's `Content-Range`. The first call makes the first request. */
  getSize(): Promise<number>;
  /** Bytes [start, end) of the file, from what we already hold or from one more ranged request. */
  read(start: number, end: number): Promise<Uint8Array>;
  readonly stats: RangeReaderStats;
  /** The first reason the reader stopped, if it did. */
  readonly stopped: RangeReaderStop | null;
  /** The size the host declared, even when probing failed (a 200 without Range still says how big the file is). */
  readonly declaredSize: number | null;
}

export interface RangeReaderOptions {
  limits: ProbeLimits;
  signal: AbortSignal;
  /** Absolute time (Date.now()) after which no request may still be running. */
  deadline: number;
  fetch?: RangeFetch;
  /** Passed to the guarded client as they are: `allowLoopback`, and the test-only `policy`. */
  guard?: Pick<GuardedFetchOptions, "allowLoopback" | "policy">;
}

interface Block {
  start: number;
  bytes: Buffer;
}

const CONTENT_RANGE = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i;

function mib(n: number): string {
  return `${String(Math.round((n / (1024 * 1024)) * 10) / 10)} MiB`;
}

export function createRangeReader(url: string, options: RangeReaderOptions): RangeReader {
  const { limits, signal, deadline } = options;
  const doFetch = options.fetch ?? guardedFetch;
  const stats: RangeReaderStats = { requests: 0, bytesRead: 0 };
  const blocks: Block[] = [];
  let size: number | null = null;
  let declaredSize: number | null = null;
  let stopped: RangeReaderStop | null = null;
  let first: Promise<number> | null = null;

  function stop(reason: UnprobedReason, message: string): never {
    stopped ??= new RangeReaderStop(reason, message);
    throw stopped;
  }

  function fromHeld(start: number, end: number): Buffer | null {
    for (const b of blocks)
      if (b.start <= start && b.start + b.bytes.length >= end)
        return b.bytes.subarray(start - b.start, end - b.start);
    return null;
  }

  /** One ranged GET for [start, end); returns the bytes and the file size the host declared. */
  async function fetchRange(start: number, end: number): Promise<{ bytes: Buffer; total: number | null }> {
    if (stopped) throw stopped;
    if (stats.requests >= limits.maxRequests)
      stop(
        "request_budget",
        `reading its header would take more than ${String(limits.maxRequests)} requests`,
      );
    if (stats.bytesRead + (end - start) > limits.maxBytes)
      stop("byte_budget", `its header is not within the first ${mib(limits.maxBytes)} we read`);
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) stop("timeout", `the host took longer than ${String(limits.timeoutMs / 1000)} s`);
    stats.requests++;
    const wanted = end - start;
    let res;
    try {
      res = await doFetch(url, {
        ...options.guard,
        headers: { Range: `bytes=${String(start)}-${String(end - 1)}` },
        signal,
        timeoutMs: remainingMs,
        // Room for the whole remaining budget: a host that ignores Range and declares a larger body is refused
        // by the guarded client before we read any of it.
        maxBytes: limits.maxBytes - stats.bytesRead,
      });
    } catch (err) {
      if (err instanceof RangeReaderStop) throw err;
      if (signal.aborted || (err instanceof GuardedFetchError && err.code === "timeout"))
        stop("timeout", `the host took longer than ${String(limits.timeoutMs / 1000)} s`);
      if (err instanceof GuardedFetchError && err.code === "too_large")
        stop("no_range_support", "the host ignored our request for part of the file and offered all of it");
      // The guarded client's sentence, made to continue ours: "…before sending it: that address is on a private…".
      const why = err instanceof GuardedFetchError ? err.message : "the connection failed";
      stop("fetch_failed", why.charAt(0).toLowerCase() + why.slice(1).replace(/\.$/, ""));
    }

    const contentRange = CONTENT_RANGE.exec(res.headers["content-range"] ?? "");
    if (res.status === 200) {
      res.body.destroy();
      const length = res.headers["content-length"];
      if (length !== undefined && /^\d+$/.test(length)) declaredSize = Number(length);
      stop("no_range_support", "the host doesn't answer requests for part of a file (HTTP Range)");
    }
    if (res.status !== 206 || !contentRange) {
      res.body.destroy();
      if (res.status === 416) stop("http_error", "the host says the file is empty or shorter than it looked");
      if (res.status >= 400) stop("http_error", `the link answered HTTP ${String(res.status)}`);
      stop(
        "no_range_support",
        "the host's answer to a request for part of the file was not a partial answer",
      );
    }
    const [, firstByte, lastByte, totalText] = contentRange;
    const total = totalText === "*" ? null : Number(totalText);
    if (total !== null) declaredSize = total;
    if (Number(firstByte) !== start || Number(lastByte) < start) {
      res.body.destroy();
      stop("no_range_support", "the host answered with a different part of the file than we asked for");
    }

    // Take what we asked for and no more: a host that sends extra is cut off, not read to the end.
    const expected = Math.min(wanted, Number(lastByte) - start + 1);
    const chunks: Buffer[] = [];
    let got = 0;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        const take = Math.min(buf.length, expected - got);
        chunks.push(buf.subarray(0, take));
        got += take;
        stats.bytesRead += take;
        if (got >= expected) break;
      }
    } catch (err) {
      if (signal.aborted || (err instanceof GuardedFetchError && err.code === "timeout"))
        stop("timeout", `the host took longer than ${String(limits.timeoutMs / 1000)} s`);
      stop("fetch_failed", "the connection broke while we were reading");
    } finally {
      res.body.destroy();
    }
    if (got < expected) stop("fetch_failed", "the host sent fewer bytes than it announced");
    return { bytes: Buffer.concat(chunks, got), total };
  }

  async function getSize(): Promise<number> {
    first ??= (async () => {
      const { bytes, total } = await fetchRange(0, limits.minChunkBytes);
      if (total === null) stop("unknown_size", "the host didn't say how large the file is");
      size = total;
      blocks.push({ start: 0, bytes });
      return total;
    })();
    return first;
  }

  async function read(start: number, end: number): Promise<Uint8Array> {
    const fileSize = size ?? (await getSize());
    const held = fromHeld(start, end);
    if (held) return held;
    const to = Math.min(fileSize, Math.max(end, start + limits.minChunkBytes));
    const { bytes } = await fetchRange(start, to);
    blocks.push({ start, bytes });
    return bytes.subarray(0, end - start);
  }

  return {
    getSize,
    read,
    stats,
    get stopped() {
      return stopped;
    },
    get declaredSize() {
      return declaredSize;
    },
  };
}
