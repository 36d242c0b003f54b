import { z } from "zod";
import { describeBrokenReference, findReferences } from "./references";
import { httpUrl, promptSchema } from "./shared";
import { KLING_O3_EDIT, klingDefaults, klingLimits } from "./kling-o3.rules";

// The request schema and the upstream body for Kling O3 video-to-video edit. Its limits, defaults, field words
// and clip checks live in kling-o3.rules.ts, which has no zod, so the browser's first load can use them.
export * from "./kling-o3.rules";

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
