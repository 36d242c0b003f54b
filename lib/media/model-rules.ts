import { KLING_O3_EDIT, klingLimits, klingVideoProblems } from "../models/kling-o3.rules";
import { VEO_EXTEND, VEO_EXTEND_FAST, veoLimits, veoVideoProblems } from "../models/veo-extend.rules";
import type { VideoRules } from "./rules";

/*
 * Each model's input-video rules as the probe reads them, built from the checks lib/models already exports.
 * Interim: once every model has one definition (issue 10), these objects belong in the definitions themselves
 * (a `videoRules` entry on the model), and this file goes away; nothing else in lib/media names a model.
 */

/** Kling O3 edit: FoxAPI's page says MP4/MOV, 3–10 s, 720–2160 px each side, ≤ 200 MB; 24–60 fps is Kling's own spec. */
export const klingVideoRules: VideoRules = {
  modelName: "Kling",
  problems: klingVideoProblems,
  maxBytes: klingLimits.video.maxBytes,
  containers: ["mp4", "mov"],
  suggestedFrameRate: { min: 24, max: 60 },
};

/** Veo 3.1 extend: FoxAPI's page says 720p or 1080p, 16:9 or 9:16; only other vendors name MP4. */
export const veoVideoRules: VideoRules = {
  modelName: "Veo",
  problems: veoVideoProblems,
  maxBytes: veoLimits.video.maxBytes,
  suggestedContainers: ["mp4", "mov"],
};

const RULES: Record<string, VideoRules> = {
  [KLING_O3_EDIT]: klingVideoRules,
  [VEO_EXTEND]: veoVideoRules,
  [VEO_EXTEND_FAST]: veoVideoRules,
};

/** The video rules for a model id, or undefined for a model whose input isn't a video we know how to judge. */
export function videoRulesFor(model: string): VideoRules | undefined {
  return RULES[model];
}
