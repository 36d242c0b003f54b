import { z } from "zod";
import { msg } from "../i18n/message";
import { describeBrokenReference, findReferences } from "./references";
import { httpUrl, promptSchema } from "./shared";
import { KLING_O3_EDIT, KLING_RESOLUTIONS, klingDefaults, klingLimits } from "./kling-o3";

// The request schema for Kling O3 video-to-video edit. Everything else about the model (limits, defaults, field
// words, clip checks, the upstream body) is its definition in kling-o3.ts, which has no zod, so the browser's
// first load can use it.

const elementSchema = z.object({
  frontal_image_url: httpUrl("elementFrontal"),
  reference_image_urls: z
    .array(httpUrl("elementReference"))
    .max(klingLimits.maxReferenceImagesPerElement, {
      error: msg("validation.elementMaxRefs", { max: String(klingLimits.maxReferenceImagesPerElement) }),
    })
    .default([]),
});

export const klingEditSchema = z
  .object({
    model: z.literal(KLING_O3_EDIT),
    prompt: promptSchema(klingLimits.promptMaxLength),
    video_url: httpUrl("video"),
    resolution: z
      .enum(KLING_RESOLUTIONS, { error: msg("validation.chooseResolution") })
      .default(klingDefaults.resolution),
    keep_audio: z.boolean({ error: msg("validation.keepAudioBool") }).default(klingDefaults.keep_audio),
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
        message: msg("validation.tooManyMedia", {
          max: String(klingLimits.maxImagesAndElements),
          total: String(total),
          remove: String(total - klingLimits.maxImagesAndElements),
        }),
      });
    }
    const counts = { images: value.image_urls.length, elements: value.elements.length };
    const broken = findReferences(value.prompt, counts).filter((r) => !r.valid);
    if (broken.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["prompt"],
        // One message for the field: the first broken reference (the form shows each as it is typed).
        message: describeBrokenReference(broken[0]!, counts),
      });
    }
  });

export type KlingEditInput = z.input<typeof klingEditSchema>;
export type KlingEditRequest = z.output<typeof klingEditSchema>;
