import { z } from "zod";
import { emptyToUndefined, httpUrl, promptSchema } from "./shared";
import { VEO_EXTEND, VEO_EXTEND_FAST, veoDefaults, veoLimits } from "./veo-extend.rules";

// The request schemas and the upstream body for Veo 3.1 extend (standard and fast). Limits, defaults, field
// words and clip checks live in veo-extend.rules.ts, which has no zod.
export * from "./veo-extend.rules";

const veoBase = z.object({
  prompt: promptSchema(veoLimits.promptMaxLength),
  video_url: httpUrl("video"),
  aspect_ratio: z.enum(["16:9", "9:16"], { error: "Choose 16:9 or 9:16." }).default(veoDefaults.aspect_ratio),
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
      .min(1, { error: "Safety tolerance is 1 (strictest) to 6." })
      .max(6, { error: "Safety tolerance is 1 (strictest) to 6." })
      .optional(),
  ),
  auto_fix: z.preprocess(emptyToUndefined, z.boolean({ error: "Auto-fix prompt is on or off." }).optional()),
});

export const veoExtendSchema = veoBase.extend({ model: z.literal(VEO_EXTEND) });
export const veoExtendFastSchema = veoBase.extend({ model: z.literal(VEO_EXTEND_FAST) });

export type VeoExtendRequest = z.output<typeof veoExtendSchema> | z.output<typeof veoExtendFastSchema>;

/**
 * The body FoxAPI receives: `aspect_ratio` and `generate_audio` always (as the seed example does); the advanced
 * options only when set to something other than their default ("非必须不要传这个参数": sending one no channel
 * supports is a 422 `unsupported_advanced_options`). Key order follows the seed page.
 */
export function veoUpstreamBody(req: VeoExtendRequest): Record<string, unknown> {
  return {
    model: req.model,
    prompt: req.prompt,
    video_url: req.video_url,
    aspect_ratio: req.aspect_ratio,
    generate_audio: req.generate_audio,
    ...(req.auto_fix === false ? { auto_fix: false } : {}),
    ...(req.safety_tolerance !== undefined ? { safety_tolerance: req.safety_tolerance } : {}),
    ...(req.negative_prompt ? { negative_prompt: req.negative_prompt } : {}),
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
  };
}
