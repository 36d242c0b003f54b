import { z } from "zod";
import { describeBrokenReference, findReferences } from "./references";
import { httpUrl, promptSchema } from "./shared";
import { KLING_O3_EDIT, KLING_RESOLUTIONS, klingDefaults, klingLimits } from "./kling-o3";

// The request schema for Kling O3 video-to-video edit. Everything else about the model (limits, defaults, field
// words, clip checks, the upstream body) is its definition in kling-o3.ts, which has no zod, so the browser's
// first load can use it.

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
      .enum(KLING_RESOLUTIONS, { error: "Choose 720p or 1080p." })
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
