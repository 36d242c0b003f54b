import { z } from "zod";
import {
  type FieldMeta,
  type MeasuredVideo,
  MAX_VIDEO_BYTES,
  aspectLabel,
  emptyToUndefined,
  httpUrl,
  promptSchema,
} from "./shared";

// Rules from FoxAPI's "Veo 3.1 extend" page (shared/seeds/002_…). The extend-fast page is the same model family.

export const VEO_EXTEND = "veo-3.1-extend" as const;
export const VEO_EXTEND_FAST = "veo-3.1-extend-fast" as const;

export const veoLimits = {
  /** FoxAPI documents no prompt limit for Veo; this cap only catches a paste gone wrong. */
  promptMaxLength: 5000,
  negativePromptMaxLength: 1000,
  safetyTolerance: { min: 1, max: 6 },
  seedMax: 4_294_967_295,
  /** "输入视频需为 720p 或 1080p", "宽高比需为 16:9 或 9:16" */
  video: { shortSides: [720, 1080], aspectRatios: ["16:9", "9:16"], maxBytes: MAX_VIDEO_BYTES },
  /** "系统将从该视频末尾继续生成 7 秒内容" */
  addsSeconds: 7,
} as const;

export const veoDefaults = { aspect_ratio: "16:9", generate_audio: true, auto_fix: true } as const;

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

/** The aspect ratio option that matches a measured clip, if any. */
export function veoAspectFor(video: Pick<MeasuredVideo, "width" | "height">): "16:9" | "9:16" | undefined {
  const label = aspectLabel(video.width, video.height);
  return label === "16:9" || label === "9:16" ? label : undefined;
}

/** Problems with a measured clip, in words a creator understands; empty when it fits. */
export function veoVideoProblems(video: MeasuredVideo): string[] {
  const problems: string[] = [];
  const shape = aspectLabel(video.width, video.height);
  const size = `${String(video.width)}×${String(video.height)}`;
  if (!veoAspectFor(video))
    problems.push(`The clip is ${size} (${shape}); Veo extends only 16:9 or 9:16 clips.`);
  const shortSide = Math.min(video.width, video.height);
  // 1080p encodes are often 1088 px tall (macroblock padding): allow a few pixels either way.
  if (!veoLimits.video.shortSides.some((s) => Math.abs(shortSide - s) <= 8))
    problems.push(
      `The clip is ${size}; Veo extends only 720p or 1080p clips (720 or 1080 px on the short side).`,
    );
  return problems;
}

export const veoFields = {
  prompt: {
    label: "Prompt",
    help: "Describe how the video continues: the action, the camera, what changes.",
  },
  video_url: {
    label: "Video URL",
    help: "A 720p or 1080p clip, 16:9 or 9:16. Veo adds 7 s after its last frame.",
  },
  aspect_ratio: { label: "Aspect ratio", help: "Follows the clip's shape unless you change it." },
  generate_audio: { label: "Generate audio", help: "Generate a sound track for the new seconds." },
  negative_prompt: {
    label: "Negative prompt",
    help: "Comma-separated things to avoid, e.g. blurry, watermark.",
  },
  seed: { label: "Seed", help: "A fixed whole number reproduces a result; leave empty for a random one." },
  safety_tolerance: { label: "Safety tolerance", help: "1 is the strictest, 6 the most permissive." },
  auto_fix: {
    label: "Auto-fix prompt",
    help: "Let the provider rewrite a prompt it would otherwise refuse.",
  },
} satisfies Record<string, FieldMeta>;
