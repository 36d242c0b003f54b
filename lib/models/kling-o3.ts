import { z } from "zod";
import { describeBrokenReference, findReferences } from "./references";
import {
  type FieldMeta,
  type MeasuredVideo,
  MAX_VIDEO_BYTES,
  aspectLabel,
  httpUrl,
  promptSchema,
} from "./shared";

// Rules from FoxAPI's "Kling O3 video-to-video edit" page (shared/seeds/000_…), plus [other vendor] notes from
// shared/foxapi-contract.md where FoxAPI is silent.

export const KLING_O3_EDIT = "kling-o3-video-to-video-edit" as const;

export const klingLimits = {
  /** prompt: "最长 2500 字符" */
  promptMaxLength: 2500,
  /** `image_urls.length + elements.length ≤ 4` */
  maxImagesAndElements: 4,
  /** Kling allows up to 3 reference images per element [other vendor]. */
  maxReferenceImagesPerElement: 3,
  /** video: 3–10 s, width and height 720–2160 px, ≤ 200 MB, .mp4/.mov */
  video: { minSeconds: 3, maxSeconds: 10, minSide: 720, maxSide: 2160, maxBytes: MAX_VIDEO_BYTES },
} as const;

export const klingDefaults = { resolution: "720p", keep_audio: true } as const;

const elementSchema = z.object({
  frontal_image_url: httpUrl("element's frontal image"),
  reference_image_urls: z
    .array(httpUrl("element's reference image"))
    .max(klingLimits.maxReferenceImagesPerElement, {
      error: `An element takes at most ${String(klingLimits.maxReferenceImagesPerElement)} reference images.`,
    })
    .default([]),
});

export const klingEditSchema = z
  .object({
    model: z.literal(KLING_O3_EDIT),
    prompt: promptSchema(klingLimits.promptMaxLength),
    video_url: httpUrl("video"),
    resolution: z
      .enum(["720p", "1080p"], { error: "Choose 720p or 1080p." })
      .default(klingDefaults.resolution),
    keep_audio: z.boolean({ error: "Keep original audio is on or off." }).default(klingDefaults.keep_audio),
    image_urls: z
      .array(httpUrl("image"))
      .nullish()
      .transform((v) => v ?? []),
    elements: z
      .array(elementSchema)
      .nullish()
      .transform((v) => v ?? []),
  })
  .superRefine((value, ctx) => {
    const total = value.image_urls.length + value.elements.length;
    if (total > klingLimits.maxImagesAndElements) {
      ctx.addIssue({
        code: "custom",
        path: [value.elements.length > 0 ? "elements" : "image_urls"],
        message: `Kling takes at most ${String(klingLimits.maxImagesAndElements)} images and elements together; this request has ${String(total)}. Remove ${String(total - klingLimits.maxImagesAndElements)}.`,
      });
    }
    const counts = { images: value.image_urls.length, elements: value.elements.length };
    const broken = findReferences(value.prompt, counts).filter((r) => !r.valid);
    if (broken.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["prompt"],
        message: broken.map((r) => describeBrokenReference(r, counts)).join(" "),
      });
    }
  });

export type KlingEditInput = z.input<typeof klingEditSchema>;
export type KlingEditRequest = z.output<typeof klingEditSchema>;

/**
 * The body FoxAPI receives. `resolution` is always sent (the seed example does); `keep_audio`, `image_urls` and
 * `elements` only when they differ from the default, because the doc says "非必须不要传这个参数" and an optional
 * field no channel supports is answered with 422 `unsupported_advanced_options`. Key order follows the seed page.
 */
export function klingUpstreamBody(req: KlingEditRequest): Record<string, unknown> {
  return {
    model: req.model,
    prompt: req.prompt,
    resolution: req.resolution,
    video_url: req.video_url,
    ...(req.keep_audio === false ? { keep_audio: false } : {}),
    ...(req.image_urls.length > 0 ? { image_urls: req.image_urls } : {}),
    ...(req.elements.length > 0
      ? {
          elements: req.elements.map((e) => ({
            frontal_image_url: e.frontal_image_url,
            reference_image_urls: e.reference_image_urls,
          })),
        }
      : {}),
  };
}

/** Problems with a measured clip, in words a creator understands; empty when it fits. */
export function klingVideoProblems(video: MeasuredVideo): string[] {
  const { minSeconds, maxSeconds, minSide, maxSide } = klingLimits.video;
  const problems: string[] = [];
  const secs = video.durationSeconds;
  if (secs < minSeconds - 0.05)
    problems.push(
      `The clip is ${secs.toFixed(1)} s long; Kling needs ${String(minSeconds)}–${String(maxSeconds)} s.`,
    );
  if (secs > maxSeconds + 0.05)
    problems.push(
      `The clip is ${secs.toFixed(1)} s long; Kling takes at most ${String(maxSeconds)} s. Trim it first.`,
    );
  for (const [side, px] of [
    ["width", video.width],
    ["height", video.height],
  ] as const) {
    if (px < minSide || px > maxSide)
      problems.push(
        `The clip's ${side} is ${String(px)} px; Kling needs ${String(minSide)}–${String(maxSide)} px on each side (it is ${String(video.width)}×${String(video.height)}, ${aspectLabel(video.width, video.height)}).`,
      );
  }
  return problems;
}

export const klingFields = {
  prompt: {
    label: "Prompt",
    help: "Describe the change. Refer to the clip as @Video1, images as @Image1…, elements as @Element1….",
  },
  video_url: { label: "Video URL", help: "MP4 or MOV, 3–10 s, 720–2160 px on each side, up to 200 MB." },
  resolution: { label: "Resolution", help: "Output resolution." },
  keep_audio: { label: "Keep original audio", help: "Keep the clip's sound track in the result." },
  image_urls: { label: "Reference images", help: "JPEG or PNG, at least 300 px. Refer to them as @Image1…." },
  elements: {
    label: "Elements",
    help: "A subject to keep consistent: a frontal image plus up to 3 reference images. Refer to it as @Element1….",
  },
} satisfies Record<string, FieldMeta>;
