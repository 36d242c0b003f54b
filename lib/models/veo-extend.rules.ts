import { type FieldMeta, type MeasuredVideo, MAX_VIDEO_BYTES, aspectLabel } from "./media";

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
