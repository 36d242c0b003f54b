import { joinMsgs, msg } from "../i18n/message";
import "server-only";

import { ApiError } from "../api/errors";
import { type GenerationRequest, isModelId, modelInfo } from "../models/catalog";
import { probeImageUrl } from "./image-probe";
import { type ImageInputs, imageInputsOf, videoRulesFor } from "./model-rules";
import { type ProbeOptions, probeVideoUrl } from "./probe";
import { type VideoRules, checkImageProbe, checkVideoProbe } from "./rules";
import type { ImageProbeResult, ProbeResult } from "./types";

/*
 * What the submit path calls: probe a request's video link (once per burst) and judge it against the model's rules.
 */

/** Probes a URL; the same URL again within the TTL gets the first answer (no second request). */
export type VideoProber = (url: string) => Promise<ProbeResult>;

export interface VideoProberOptions extends ProbeOptions {
  /**
   * How long a probe's answer is reused. A submit burst (several takes of one clip, a retry after a refusal
   * elsewhere, a double click) happens within seconds; a link's file can change later, so keep this short.
   */
  ttlMs?: number;
  /** Most answers held at once; the oldest goes first. Each is a few hundred bytes. */
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_PROBE_TTL_MS = 2 * 60_000;
export const DEFAULT_PROBE_CACHE_ENTRIES = 500;

/** Wraps a probe function with a short-lived cache per URL; overlapping probes of one URL share one run. */
function cachedPerUrl<T>(
  probe: (url: string) => Promise<T>,
  options: VideoProberOptions,
): (url: string) => Promise<T> {
  const ttlMs = options.ttlMs ?? DEFAULT_PROBE_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_PROBE_CACHE_ENTRIES;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; result: Promise<T> }>();

  return (url) => {
    const t = now();
    const hit = cache.get(url);
    if (hit && t - hit.at < ttlMs) return hit.result;
    cache.delete(url);
    for (const [key, entry] of cache) {
      if (t - entry.at < ttlMs && cache.size < maxEntries) break;
      cache.delete(key); // Map keeps insertion order: the first entries are the oldest.
    }
    const result = probe(url);
    cache.set(url, { at: t, result });
    // The probes answer every host failure themselves; a rejection would be our bug, and must not be replayed.
    result.catch(() => {
      if (cache.get(url)?.result === result) cache.delete(url);
    });
    return result;
  };
}

/**
 * A video probe with a short-lived cache per URL. Probes of the same URL that overlap share one set of requests,
 * so the takes of one submit burst, sent together, cost one probe. Every answer is kept, "unprobed" too: a host
 * that was too slow a second ago would only make each take wait the full time bound again.
 */
export function createVideoProber(options: VideoProberOptions = {}): VideoProber {
  return cachedPerUrl((url) => probeVideoUrl(url, options), options);
}

/** Measures a reference image; cached like {@link VideoProber}. */
export type ImageProber = (url: string) => Promise<ImageProbeResult>;

/** The image probe with the same per-URL cache as {@link createVideoProber}. */
export function createImageProber(options: VideoProberOptions = {}): ImageProber {
  return cachedPerUrl((url) => probeImageUrl(url, options), options);
}

/** A message about one field of the request, keyed like the API's `fields` (`video_url`). */
export interface FieldMessage {
  field: string;
  message: string;
}

export interface SubmissionProbeReport {
  /** Rules in FoxAPI's own pages the request breaks: answer 422 with these and spend nothing. */
  refusals: FieldMessage[];
  /** Rules only other vendors state, and links we couldn't measure: let the submit through and record these. */
  warnings: FieldMessage[];
  /** What each probed field measured, for logs and the task record. */
  probes: { field: string; result: ProbeResult | ImageProbeResult }[];
}

export interface ProbeSubmissionDeps {
  probe: VideoProber;
  /**
   * Measures reference images (warnings only). Optional: without it, images are not probed. Images are probed
   * at the same time as the video, so they add no waiting beyond the slowest link.
   */
  probeImage?: ImageProber;
  /** The model's video rules; defaults to the table built from lib/models. Undefined: nothing to judge. */
  rulesFor?: (model: string) => VideoRules | undefined;
  /** The request's image links and their rules; defaults to the table built from lib/models. */
  imagesOf?: (request: GenerationRequest) => ImageInputs | undefined;
}

/**
 * Probes the request's `video_url` (and, given `probeImage`, its reference images) and judges them against the
 * model's rules. Call it after the request schema has parsed and before anything reaches the upstream. Never
 * throws for anything a media host does.
 */
export async function probeSubmission(
  request: GenerationRequest,
  deps: ProbeSubmissionDeps,
): Promise<SubmissionProbeReport> {
  const report: SubmissionProbeReport = { refusals: [], warnings: [], probes: [] };
  const rules = (deps.rulesFor ?? videoRulesFor)(request.model);
  const images = deps.probeImage ? (deps.imagesOf ?? imageInputsOf)(request) : undefined;
  const probeImage = deps.probeImage;

  // The source clip's field comes from the model's definition (`video_url` for every video model today).
  const field = isModelId(request.model) ? modelInfo(request.model).source.field : "video_url";
  const url = request[field];
  const [video, measuredImages] = await Promise.all([
    rules && typeof url === "string" ? deps.probe(url) : null,
    images && probeImage ? Promise.all(images.targets.map((t) => probeImage(t.url))) : [],
  ]);

  if (rules && video) {
    report.probes.push({ field, result: video });
    const verdict = checkVideoProbe(video, rules);
    for (const message of verdict.refusals) report.refusals.push({ field, message });
    for (const message of verdict.warnings) report.warnings.push({ field, message });
  }
  measuredImages.forEach((result, i) => {
    const field = images!.targets[i]!.field;
    report.probes.push({ field, result });
    for (const message of checkImageProbe(result, images!.rules)) report.warnings.push({ field, message });
  });
  return report;
}

/** One message per field (several joined), the shape of the API's `error.fields` and of a task's warnings. */
export function byField(messages: FieldMessage[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, message } of messages)
    out[field] = out[field] ? joinMsgs([out[field], message]) : message;
  return out;
}

/**
 * The 422 for a request whose video breaks its model's rules: the same code and shape as the other media
 * refusals (`invalid_media`, with the reasons on their fields), and the reasons in the message too, so a script
 * that only prints `error.message` still says what to fix.
 */
export function videoRefusal(report: SubmissionProbeReport): ApiError {
  const reasons = report.refusals.map((r) => r.message);
  return new ApiError(422, "invalid_media", msg("media.cantUse", { reasons }), {
    fields: byField(report.refusals),
  });
}

/**
 * The probe in the shape of the submit path's media check today (`{ errors, warnings }` keyed by field), so it
 * can be composed with the link check in one line. Prefer calling {@link probeSubmission} and
 * {@link videoRefusal} directly where the 422's message should carry the reasons.
 */
export function createProbeCheck(deps: ProbeSubmissionDeps): (request: GenerationRequest) => Promise<{
  errors: Record<string, string>;
  warnings: Record<string, string>;
}> {
  return async (request) => {
    const report = await probeSubmission(request, deps);
    return { errors: byField(report.refusals), warnings: byField(report.warnings) };
  };
}
