import { msg } from "../i18n/message";
import { type ModelInfo, defineModel, onOff, yesNo } from "./definition";
import { type FieldMeta, type MeasuredVideo, MAX_VIDEO_BYTES, aspectLabel } from "./media";
import type { VeoExtendRequest } from "./veo-extend.schema";

// Veo 3.1 extend, standard and fast: everything Retake knows about them except the request schemas
// (veo-extend.schema.ts, kept apart so the studio's first load has no zod). Rules from FoxAPI's "Veo 3.1 extend"
// page (shared/seeds/002_…). The extend-fast page is the same model family.

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

/** The shapes Veo extends: feeds both the schema's enum and the form's radio group. */
export const VEO_ASPECT_RATIOS = ["16:9", "9:16"] as const;

export const veoDefaults = { aspect_ratio: "16:9", generate_audio: true, auto_fix: true } as const;

/** The aspect ratio option that matches a measured clip, if any. */
export function veoAspectFor(
  video: Pick<MeasuredVideo, "width" | "height">,
): (typeof VEO_ASPECT_RATIOS)[number] | undefined {
  const label = aspectLabel(video.width, video.height);
  return VEO_ASPECT_RATIOS.find((r) => r === label);
}

/** Problems with a measured clip, in words a creator understands; empty when it fits. */
export function veoVideoProblems(video: MeasuredVideo): string[] {
  const problems: string[] = [];
  const shape = aspectLabel(video.width, video.height);
  const size = `${String(video.width)}×${String(video.height)}`;
  if (!veoAspectFor(video)) problems.push(msg("models.veo.badShape", { size, shape }));
  const shortSide = Math.min(video.width, video.height);
  // 1080p encodes are often 1088 px tall (macroblock padding): allow a few pixels either way.
  if (!veoLimits.video.shortSides.some((s) => Math.abs(shortSide - s) <= 8))
    problems.push(msg("models.veo.badSize", { size }));
  return problems;
}

/** The fields' words, as catalog keys (messages/*.json, `models.*`): the form and the task page translate them. */
export const veoFields = {
  prompt: { label: msg("models.common.prompt"), help: msg("models.veo.promptHelp") },
  video_url: { label: msg("models.common.videoUrl"), help: msg("models.veo.videoHelp") },
  aspect_ratio: { label: msg("models.common.aspectRatio"), help: msg("models.veo.aspectHelp") },
  generate_audio: { label: msg("models.veo.generateAudio"), help: msg("models.veo.generateAudioHelp") },
  negative_prompt: { label: msg("models.veo.negativePrompt"), help: msg("models.veo.negativePromptHelp") },
  seed: { label: msg("models.veo.seed"), help: msg("models.veo.seedHelp") },
  safety_tolerance: { label: msg("models.veo.safety"), help: msg("models.veo.safetyHelp") },
  auto_fix: { label: msg("models.veo.autoFix"), help: msg("models.veo.autoFixHelp") },
} satisfies Record<string, FieldMeta>;

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

const { min: safetyMin, max: safetyMax } = veoLimits.safetyTolerance;

/** What standard and fast share: everything but the id, the name and the code. */
const veoFamily = {
  family: "veo",
  promptMaxLength: veoLimits.promptMaxLength,
  prompt: { ...veoFields.prompt, placeholder: msg("models.veo.promptPlaceholder") },
  source: {
    field: "video_url",
    kind: "video",
    ...veoFields.video_url,
    placeholder: "https://…/clip.mp4",
    settingsLabel: msg("models.common.video"),
  },
  settings: [
    {
      name: "aspect_ratio",
      ...veoFields.aspect_ratio,
      control: { kind: "choice", options: VEO_ASPECT_RATIOS },
      display: String,
    },
    { name: "generate_audio", ...veoFields.generate_audio, control: { kind: "switch" }, display: yesNo },
    {
      name: "negative_prompt",
      ...veoFields.negative_prompt,
      control: { kind: "text", placeholder: msg("models.veo.negativePlaceholder") },
      advanced: true,
      wide: true,
      display: (v) => (typeof v === "string" && v ? v : "—"),
    },
    {
      name: "seed",
      ...veoFields.seed,
      control: { kind: "integer", min: 0, placeholder: msg("models.common.random") },
      advanced: true,
      display: (v) => (v === undefined ? msg("models.common.random") : String(v)),
    },
    {
      name: "safety_tolerance",
      ...veoFields.safety_tolerance,
      control: {
        kind: "select",
        emptyLabel: msg("models.common.providerDefault"),
        options: Array.from({ length: safetyMax - safetyMin + 1 }, (_, i) => {
          const n = safetyMin + i;
          const label =
            n === safetyMin
              ? msg("models.veo.safetyStrictest", { n: String(n) })
              : n === safetyMax
                ? msg("models.veo.safetyMostPermissive", { n: String(n) })
                : String(n);
          return { value: n, label };
        }),
      },
      advanced: true,
      display: (v) => (v === undefined ? msg("models.common.providerDefault") : String(v)),
    },
    {
      name: "auto_fix",
      ...veoFields.auto_fix,
      control: { kind: "switch" },
      advanced: true,
      wide: true,
      display: onOff,
    },
  ],
  advancedSummary: msg("models.veo.advancedSummary"),
  defaults: { ...veoDefaults, negative_prompt: "", seed: undefined, safety_tolerance: undefined },
  videoProblems: veoVideoProblems,
  // Veo's 7 s continue from the clip's last frame, so a trim keeps the end; only 16:9 or 9:16, at 720p or 1080p.
  clipFix: { keep: "end", aspects: VEO_ASPECT_RATIOS, sizes: veoLimits.video.shortSides },
  // FoxAPI's page names no container; other vendors say MP4 (a warning, not a refusal).
  probe: { name: "Veo", maxBytes: veoLimits.video.maxBytes, suggestedContainers: ["mp4", "mov"] },
  followsClip: { field: "aspect_ratio", valueFor: veoAspectFor },
  seed: { field: "seed", max: veoLimits.seedMax },
  // The extension keeps the clip's resolution (720p or 1080p) and is always 7 s long.
  pricing: {
    resolution: (_req, source) => {
      if (!source) return null;
      const short = Math.min(source.width, source.height);
      const match = veoLimits.video.shortSides.find((s) => Math.abs(short - s) <= 8);
      return match === undefined ? null : `${String(match)}p`;
    },
    audio: (req) => req.generate_audio !== false,
    seconds: () => veoLimits.addsSeconds,
  },
  addsSeconds: veoLimits.addsSeconds,
  resultNoun: msg("models.veo.resultNoun"),
  sample: (origin) => ({
    prompt: "The camera keeps drifting forward as the colours slowly shift to dusk.",
    video_url: `${origin}/samples/portrait-9x16.mp4`,
  }),
  mediaTargets: (req) => [
    { field: "video_url", url: req.video_url, kind: "video", maxBytes: veoLimits.video.maxBytes },
  ],
  referenceMedia: (req, token) => (token === "@Video1" ? { url: req.video_url, kind: "video" } : null),
  mediaRows: () => [],
  upstreamBody: veoUpstreamBody,
} satisfies Omit<ModelInfo<VeoExtendRequest>, "id" | "label" | "description" | "simulator">;

export const veoExtend = defineModel<VeoExtendRequest>({
  ...veoFamily,
  id: VEO_EXTEND,
  label: "Veo 3.1 Extend",
  description: msg("models.veo.description"),
  followUp: { action: "extend", note: msg("models.veo.followUpNote") },
  simulator: { code: "v", portrait: (req) => req.aspect_ratio === "9:16", credits: 40 },
});

export const veoExtendFast = defineModel<VeoExtendRequest>({
  ...veoFamily,
  id: VEO_EXTEND_FAST,
  label: "Veo 3.1 Extend Fast",
  description: msg("models.veo.fastDescription"),
  simulator: { code: "f", portrait: (req) => req.aspect_ratio === "9:16", credits: 15 },
});
