import { z } from "zod";
import { emptyToUndefined, httpUrl, promptSchema } from "./shared";
import { VEO_ASPECT_RATIOS, VEO_EXTEND, VEO_EXTEND_FAST, veoDefaults, veoLimits } from "./veo-extend";

// The request schemas for Veo 3.1 extend (standard and fast). Everything else about the models is their
// definition in veo-extend.ts, which has no zod.

const veoBase = z.object({
  prompt: promptSchema(veoLimits.promptMaxLength),
  video_url: httpUrl("video"),
  aspect_ratio: z
    .enum(VEO_ASPECT_RATIOS, { error: "Choose 16:9 or 9:16." })
    .default(veoDefaults.aspect_ratio),
  generate_audio: z.boolean({ error: "Generate audio is on or off." }).default(veoDefaults.generate_audio),
  negative_prompt: z.preprocess(
    emptyToUndefined,
    z
      .string({ error: "The negative prompt is text: comma-separated keywords." })
      .trim()
      .max(veoLimits.negativePromptMaxLength, {
        error: `The negative prompt is limited to ${String(veoLimits.negativePromptMaxLength)} characters.`,
      })
      .optional(),
  ),
  seed: z.preprocess(
    emptyToUndefined,
    z
      .number({ error: "The seed is a whole number." })
      .int({ error: "The seed is a whole number." })
      .min(0, { error: "The seed can't be negative." })
      .max(veoLimits.seedMax, { error: `The seed is at most ${String(veoLimits.seedMax)}.` })
      .optional(),
  ),
  safety_tolerance: z.preprocess(
    emptyToUndefined,
    z
      .number({ error: "Safety tolerance is a whole number from 1 to 6." })
      .int({ error: "Safety tolerance is a whole number from 1 to 6." })
      .min(veoLimits.safetyTolerance.min, { error: "Safety tolerance is 1 (strictest) to 6." })
      .max(veoLimits.safetyTolerance.max, { error: "Safety tolerance is 1 (strictest) to 6." })
      .optional(),
  ),
  auto_fix: z.preprocess(emptyToUndefined, z.boolean({ error: "Auto-fix prompt is on or off." }).optional()),
});

export const veoExtendSchema = veoBase.extend({ model: z.literal(VEO_EXTEND) });
export const veoExtendFastSchema = veoBase.extend({ model: z.literal(VEO_EXTEND_FAST) });

export type VeoExtendRequest = z.output<typeof veoExtendSchema> | z.output<typeof veoExtendFastSchema>;
