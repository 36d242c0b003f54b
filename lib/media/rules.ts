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

const CONTAINER_WORDS: Record<Container, string> = {
  mp4: "an MP4",
  mov: "a MOV",
  webm: "a WebM",
  mkv: "a Matroska (MKV)",
};

function containerList(list: readonly Container[]): string {
  const names = list.map((c) => c.toUpperCase());
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)!}`;
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
    refusals.push(
      `The clip is ${size === limit ? "just over " : ""}${size}; ${name} takes files up to ${limit}. Trim or compress it first.`,
    );
  }

  if (probe.status === "unprobed") {
    warnings.push(
      `Our server couldn't measure this clip before sending it: ${probe.message}. It wasn't checked against ${name}'s limits, so if it breaks them the task may fail.`,
    );
    return { refusals, warnings };
  }

  if (rules.containers && !rules.containers.includes(probe.container))
    refusals.push(
      `The clip is ${CONTAINER_WORDS[probe.container]} file; ${name} takes ${containerList(rules.containers)} only.`,
    );
  else if (rules.suggestedContainers && !rules.suggestedContainers.includes(probe.container))
    warnings.push(
      `The clip is ${CONTAINER_WORDS[probe.container]} file; hosts of ${name} other than FoxAPI ask for ${containerList(rules.suggestedContainers)}, so it may fail.`,
    );

  const video = probe.video;
  if (!video) {
    refusals.push(`The file has no video track, so ${name} has nothing to work from.`);
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
      `The clip runs at ${fps(video.frameRate)}; ${name}'s own spec (not FoxAPI's page) asks for ${String(range.min)}–${String(range.max)} fps, so the result may stutter or the task may fail.`,
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
  const spec = `${rules.modelName}'s own spec (not FoxAPI's page)`;
  const size = `${String(probe.width)}×${String(probe.height)} px`;
  if (!rules.formats.includes(probe.format))
    warnings.push(
      `This image is a ${IMAGE_FORMAT_WORDS[probe.format]}; ${spec} asks for ${rules.formats.map((f) => IMAGE_FORMAT_WORDS[f]).join(" or ")}, so it may be refused.`,
    );
  if (Math.min(probe.width, probe.height) < rules.minSide)
    warnings.push(
      `This image is ${size}; ${spec} asks for at least ${String(rules.minSide)} px on each side, so it may be refused.`,
    );
  const long = Math.max(probe.width, probe.height);
  const short = Math.max(1, Math.min(probe.width, probe.height));
  if (long / short > rules.maxAspect + 0.005)
    warnings.push(
      `This image is ${size} (${(long / short).toFixed(2)}:1); ${spec} asks for an aspect ratio between 1:${String(rules.maxAspect)} and ${String(rules.maxAspect)}:1, so it may be refused.`,
    );
  return warnings;
}
