import { msg } from "../i18n/message";
import type { Container, ImageFormat, ImageProbeResult, ProbeResult } from "./types";

/** What a model's own check reads: the same shape as `MeasuredVideo` in lib/models, which the browser measures. */
export interface VideoMeasure {
  durationSeconds: number;
  width: number;
  height: number;
}

/*
 * Judging a probed clip against a model's rules. Pure: no I/O, so the same words can be tested without a host and
 * the model definitions can carry their rules as plain data.
 *
 * Refusals are rules FoxAPI's own pages state (a request that breaks one would only fail after we paid); warnings
 * are rules only other vendors state, and what we couldn't measure. Warnings never stop a submit.
 */

/** One model's rules for its input video, as the probe needs them. */
export interface VideoRules {
  /** Short name used in messages: "Kling", "Veo". */
  modelName: string;
  /** The model's own check of duration and size, in a creator's words (e.g. `klingVideoProblems`). */
  problems: (video: VideoMeasure) => string[];
  /** Largest file FoxAPI's page allows. */
  maxBytes: number;
  /** Containers FoxAPI's page allows; anything else is refused. Absent when the page states none. */
  containers?: readonly Container[];
  /** Containers only other vendors name: anything else is a warning. */
  suggestedContainers?: readonly Container[];
  /** A frame-rate range only other vendors state: outside it is a warning. */
  suggestedFrameRate?: { min: number; max: number };
}

export interface ProbeVerdict {
  refusals: string[];
  warnings: string[];
}

// The words are catalog keys (lib/i18n/message.ts, `media.*`): the API and the task card say them in the
// person's language. A container list is said by the catalog too ("MP4 or MOV", "MP4 或 MOV").
function containerList(list: readonly Container[]): string {
  const names = list.map((c) => c.toUpperCase());
  return names.length <= 1
    ? (names[0] ?? "")
    : msg("media.orList", { head: names.slice(0, -1).join(", "), last: names.at(-1)! });
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? String(Math.round(mb)) : String(Math.round(mb * 10) / 10)} MB`;
}

function fps(rate: number): string {
  return `${String(Math.round(rate * 100) / 100)} fps`;
}

// A frame rate counted from packet timestamps wobbles a little (23.976 for "24"); don't warn about that.
const FRAME_RATE_SLACK = 0.5;

/** Refusals and warnings for one probed (or unprobed) video against one model's rules. */
export function checkVideoProbe(probe: ProbeResult, rules: VideoRules): ProbeVerdict {
  const refusals: string[] = [];
  const warnings: string[] = [];
  const name = rules.modelName;

  // The size is a definite fact whenever the host declared it, measured or not.
  if (probe.sizeBytes !== null && probe.sizeBytes > rules.maxBytes) {
    const size = megabytes(probe.sizeBytes);
    const limit = megabytes(rules.maxBytes);
    // A few bytes over would round to the limit itself ("200 MB; up to 200 MB"), which reads like a bug.
    refusals.push(msg("media.clipTooBig", { over: size === limit ? "yes" : "no", size, name, limit }));
  }

  if (probe.status === "unprobed") {
    warnings.push(msg("media.unprobed", { why: probe.message, name }));
    return { refusals, warnings };
  }

  if (rules.containers && !rules.containers.includes(probe.container))
    refusals.push(
      msg("media.containerRefused", {
        container: probe.container,
        name,
        list: containerList(rules.containers),
      }),
    );
  else if (rules.suggestedContainers && !rules.suggestedContainers.includes(probe.container))
    warnings.push(
      msg("media.containerWarned", {
        container: probe.container,
        name,
        list: containerList(rules.suggestedContainers),
      }),
    );

  const video = probe.video;
  if (!video) {
    refusals.push(msg("media.noVideoTrack", { name }));
    return { refusals, warnings };
  }
  refusals.push(
    ...rules.problems({ durationSeconds: video.durationSeconds, width: video.width, height: video.height }),
  );

  const range = rules.suggestedFrameRate;
  if (
    range &&
    video.frameRate !== null &&
    (video.frameRate < range.min - FRAME_RATE_SLACK || video.frameRate > range.max + FRAME_RATE_SLACK)
  )
    warnings.push(
      msg("media.frameRate", {
        fps: fps(video.frameRate),
        name,
        min: String(range.min),
        max: String(range.max),
      }),
    );

  return { refusals, warnings };
}

/** A model's rules for reference images. Only other vendors state them, so every one of them only warns. */
export interface ImageRules {
  modelName: string;
  /** Shortest side, in pixels. */
  minSide: number;
  /** Longest side over shortest side: 2.5 allows 1:2.5 to 2.5:1. */
  maxAspect: number;
  formats: readonly ImageFormat[];
}

const IMAGE_FORMAT_WORDS: Record<ImageFormat, string> = {
  png: "PNG",
  jpeg: "JPEG",
  webp: "WebP",
  gif: "GIF",
};

/**
 * Warnings for one measured reference image. An image we couldn't measure gets none: the link check has already
 * said what it could about reaching it, and these rules are only other vendors' anyway.
 */
export function checkImageProbe(probe: ImageProbeResult, rules: ImageRules): string[] {
  if (probe.status !== "probed") return [];
  const warnings: string[] = [];
  const name = rules.modelName;
  const size = `${String(probe.width)}×${String(probe.height)} px`;
  if (!rules.formats.includes(probe.format)) {
    const formats = rules.formats.map((f) => IMAGE_FORMAT_WORDS[f]);
    warnings.push(
      msg("media.imageFormat", {
        format: IMAGE_FORMAT_WORDS[probe.format],
        name,
        list:
          formats.length <= 1
            ? (formats[0] ?? "")
            : msg("media.orList", { head: formats.slice(0, -1).join(", "), last: formats.at(-1)! }),
      }),
    );
  }
  if (Math.min(probe.width, probe.height) < rules.minSide)
    warnings.push(msg("media.imageSmall", { size, name, min: String(rules.minSide) }));
  const long = Math.max(probe.width, probe.height);
  const short = Math.max(1, Math.min(probe.width, probe.height));
  if (long / short > rules.maxAspect + 0.005)
    warnings.push(
      msg("media.imageAspect", {
        size,
        ratio: (long / short).toFixed(2),
        name,
        max: String(rules.maxAspect),
      }),
    );
  return warnings;
}
