import { z } from "zod";
import { msg } from "../i18n/message";
import { emptyToUndefined, httpUrl, promptSchema } from "./shared";
import { VEO_ASPECT_RATIOS, VEO_EXTEND, VEO_EXTEND_FAST, veoDefaults, veoLimits } from "./veo-extend";

// The request schemas for Veo 3.1 extend (standard and fast). Everything else about the models is their
// definition in veo-extend.ts, which has no zod.

const veoBase = z.object({
  prompt: promptSchema(veoLimits.promptMaxLength),
  video_url: httpUrl("video"),
  aspect_ratio: z
    .enum(VEO_ASPECT_RATIOS, { error: msg("validation.chooseAspect") })
    .default(veoDefaults.aspect_ratio),
  generate_audio: z
    .boolean({ error: msg("validation.generateAudioBool") })
    .default(veoDefaults.generate_audio),
  negative_prompt: z.preprocess(
    emptyToUndefined,
    z
      .string({ error: msg("validation.negativeText") })
      .trim()
      .max(veoLimits.negativePromptMaxLength, {
        error: msg("validation.negativeMax", { max: String(veoLimits.negativePromptMaxLength) }),
      })
      .optional(),
  ),
  seed: z.preprocess(
    emptyToUndefined,
    z
      .number({ error: msg("validation.seedInt") })
      .int({ error: msg("validation.seedInt") })
      .min(0, { error: msg("validation.seedMin") })
      .max(veoLimits.seedMax, { error: msg("validation.seedMax", { max: String(veoLimits.seedMax) }) })
      .optional(),
  ),
  safety_tolerance: z.preprocess(
    emptyToUndefined,
    z
      .number({ error: msg("validation.safetyInt") })
      .int({ error: msg("validation.safetyInt") })
      .min(veoLimits.safetyTolerance.min, { error: msg("validation.safetyRange") })
      .max(veoLimits.safetyTolerance.max, { error: msg("validation.safetyRange") })
      .optional(),
  ),
  auto_fix: z.preprocess(emptyToUndefined, z.boolean({ error: msg("validation.autoFixBool") }).optional()),
});

export const veoExtendSchema = veoBase.extend({ model: z.literal(VEO_EXTEND) });
export const veoExtendFastSchema = veoBase.extend({ model: z.literal(VEO_EXTEND_FAST) });

export type VeoExtendRequest = z.output<typeof veoExtendSchema> | z.output<typeof veoExtendFastSchema>;
