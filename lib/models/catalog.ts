import { KLING_O3_EDIT, klingLimits, klingVideoProblems } from "./kling-o3.rules";
import type { MeasuredVideo } from "./media";
import { VEO_EXTEND, VEO_EXTEND_FAST, veoLimits, veoVideoProblems } from "./veo-extend.rules";

/**
 * The models Retake offers, as the browser needs them: names, descriptions, limits and clip checks. No schema
 * library here, so every page can import it without shipping zod; the schemas are in index.ts.
 */
export { KLING_O3_EDIT, VEO_EXTEND, VEO_EXTEND_FAST };

export const MODEL_IDS = [KLING_O3_EDIT, VEO_EXTEND, VEO_EXTEND_FAST] as const;
export type ModelId = (typeof MODEL_IDS)[number];

export interface ModelInfo {
  id: ModelId;
  family: "kling" | "veo";
  /** The name a user sees; the studio's Model radio group uses it. */
  label: string;
  description: string;
  promptMaxLength: number;
  /** Seconds this model adds to the input (Veo extends by 7 s); 0 for edits, which keep the input's length. */
  addsSeconds: number;
  videoProblems: (video: MeasuredVideo) => string[];
}

export const MODELS: Record<ModelId, ModelInfo> = {
  [KLING_O3_EDIT]: {
    id: KLING_O3_EDIT,
    family: "kling",
    label: "Kling O3 Video Edit",
    description: "Change a 3–10 s clip by prompt, with reference images and subjects.",
    promptMaxLength: klingLimits.promptMaxLength,
    addsSeconds: 0,
    videoProblems: klingVideoProblems,
  },
  [VEO_EXTEND]: {
    id: VEO_EXTEND,
    family: "veo",
    label: "Veo 3.1 Extend",
    description: "Continue a 720p/1080p clip by 7 seconds, at full quality.",
    promptMaxLength: veoLimits.promptMaxLength,
    addsSeconds: veoLimits.addsSeconds,
    videoProblems: veoVideoProblems,
  },
  [VEO_EXTEND_FAST]: {
    id: VEO_EXTEND_FAST,
    family: "veo",
    label: "Veo 3.1 Extend Fast",
    description: "The same 7 s continuation, quicker and cheaper.",
    promptMaxLength: veoLimits.promptMaxLength,
    addsSeconds: veoLimits.addsSeconds,
    videoProblems: veoVideoProblems,
  },
};

export function isModelId(value: unknown): value is ModelId {
  return typeof value === "string" && (MODEL_IDS as readonly string[]).includes(value);
}
