import { z } from "zod";
import {
  KLING_O3_EDIT,
  klingEditSchema,
  klingLimits,
  klingUpstreamBody,
  klingVideoProblems,
} from "./kling-o3";
import {
  VEO_EXTEND,
  VEO_EXTEND_FAST,
  veoExtendFastSchema,
  veoExtendSchema,
  veoLimits,
  veoUpstreamBody,
  veoVideoProblems,
} from "./veo-extend";
import type { MeasuredVideo } from "./shared";

export { KLING_O3_EDIT, VEO_EXTEND, VEO_EXTEND_FAST };

/**
 * Every request Retake can submit, discriminated on `model`. The studio form validates with it through
 * `zodResolver`, and `POST /api/generations` with `safeParse`: one schema, enforced twice.
 */
export const generationRequestSchema = z.discriminatedUnion(
  "model",
  [klingEditSchema, veoExtendSchema, veoExtendFastSchema],
  {
    error: (issue) =>
      issue.code === "invalid_union" ? `Choose a model: ${MODEL_IDS.join(", ")}.` : undefined,
  },
);

export type GenerationRequest = z.output<typeof generationRequestSchema>;
export type GenerationInput = z.input<typeof generationRequestSchema>;

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

/** The exact JSON object FoxAPI receives for a validated request: defaults and empty optionals omitted. */
export function toUpstreamBody(req: GenerationRequest): Record<string, unknown> {
  return req.model === KLING_O3_EDIT ? klingUpstreamBody(req) : veoUpstreamBody(req);
}

/** Per-field messages from a failed parse, keyed by dotted path (`elements.0.frontal_image_url`). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join(".") : "_form";
    out[key] ??= issue.message;
  }
  return out;
}
