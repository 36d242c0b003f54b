import "server-only";

import { CustomSource, Input, MATROSKA, MP4, QTFF, WEBM } from "mediabunny";
import type { GuardedFetchOptions } from "../net/guarded-fetch";
import {
  DEFAULT_PROBE_LIMITS,
  type ProbeLimits,
  type RangeFetch,
  RangeReaderStop,
  type UnprobedReason,
  createRangeReader,
} from "./range-reader";
import type { Container, ProbeResult, ProbedVideo } from "./types";

/*
 * The server's look at a video link before anything is spent: its MP4/MOV header, read with HTTP Range requests
 * through the guarded client and parsed by Mediabunny. Mediabunny's own URL source would fetch with the global
 * fetch and so bypass the address checks; its CustomSource lets it read through ours instead.
 */

export interface ProbeOptions {
  limits?: Partial<ProbeLimits>;
  fetch?: RangeFetch;
  /** Passed to the guarded client: `allowLoopback` (only when the upstream is on loopback) and the test `policy`. */
  guard?: Pick<GuardedFetchOptions, "allowLoopback" | "policy">;
}

// WebM and Matroska are parsed only to name them: Kling refuses them, and saying "this is a WebM file" helps more
// than "we couldn't read it".
const FORMATS = [MP4, QTFF, WEBM, MATROSKA];

function containerOf(format: unknown): Container {
  if (format === MP4) return "mp4";
  if (format === QTFF) return "mov";
  if (format === WEBM) return "webm";
  return "mkv";
}

/** Frames per second from the first few seconds of packets; enough for a constant-rate clip and cheap. */
const FRAME_RATE_SAMPLE_PACKETS = 120;

class DeadlineReached extends Error {}

/**
 * Reads one video link's header and measures it. Never throws for anything the host does: a link we can't
 * measure within the limits comes back `unprobed` with the reason in words, and the caller decides what that means.
 */
export async function probeVideoUrl(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const limits: ProbeLimits = { ...DEFAULT_PROBE_LIMITS, ...options.limits };
  const started = Date.now();
  const controller = new AbortController();
  const reader = createRangeReader(url, {
    limits,
    signal: controller.signal,
    deadline: started + limits.timeoutMs,
    fetch: options.fetch,
    guard: options.guard,
  });
  const input = new Input({
    formats: FORMATS,
    source: new CustomSource({
      getSize: () => reader.getSize(),
      read: (start, end) => reader.read(start, end),
      // Our reader already rounds reads up and holds what it fetched; Mediabunny's prefetching would spend the
      // request budget on bytes the header doesn't need.
      prefetchProfile: "none",
      maxCacheSize: limits.maxBytes,
      // A read still in flight when we give up rejects after we have answered; nobody is waiting for it.
      handleUnhandledError: () => undefined,
    }),
  });

  const measure = async (): Promise<ProbeResult> => {
    if (!(await input.canRead()))
      throw new RangeReaderStop("unreadable", "it isn't an MP4 or MOV file we can read");
    const container = containerOf(await input.getFormat());
    const size = await reader.getSize();
    const track = await input.getPrimaryVideoTrack();
    let video: ProbedVideo | null = null;
    if (track) {
      // The header's own duration is exact for ordinary files; a fragmented MP4 has none, and then the fragments
      // are read (within the same budget).
      const duration = (await input.getDurationFromMetadata()) ?? (await input.computeDuration());
      const packets = await track.computePacketStats(FRAME_RATE_SAMPLE_PACKETS);
      video = {
        durationSeconds: duration,
        // Display size: pixel aspect and the rotation a phone records are applied, as a player would show it.
        width: await track.getDisplayWidth(),
        height: await track.getDisplayHeight(),
        rotation: await track.getRotation(),
        frameRate: packets.packetCount > 1 ? Math.round(packets.averagePacketRate * 100) / 100 : null,
        codec: await track.getCodec(),
      };
    }
    return {
      status: "probed",
      url,
      container,
      sizeBytes: size,
      video,
      stats: { ...reader.stats, elapsedMs: Date.now() - started },
    };
  };

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new DeadlineReached());
      reject(new DeadlineReached());
    }, limits.timeoutMs);
  });
  try {
    return await Promise.race([measure(), deadline]);
  } catch (err) {
    const stop =
      err instanceof DeadlineReached || controller.signal.aborted
        ? new RangeReaderStop("timeout", `the host took longer than ${String(limits.timeoutMs / 1000)} s`)
        : (reader.stopped ??
          (err instanceof RangeReaderStop
            ? err
            : new RangeReaderStop("unreadable", "its header isn't one we can read as MP4 or MOV")));
    return unprobed(url, stop.reason, stop.message, reader.declaredSize, {
      ...reader.stats,
      elapsedMs: Date.now() - started,
    });
  } finally {
    clearTimeout(timer);
    controller.abort();
    input.dispose();
  }
}

function unprobed(
  url: string,
  reason: UnprobedReason,
  message: string,
  sizeBytes: number | null,
  stats: ProbeResult["stats"],
): ProbeResult {
  return { status: "unprobed", url, reason, message, sizeBytes, stats };
}
