import { z } from "zod";
import { MODEL_IDS } from "./catalog";
import { klingEditSchema, klingUpstreamBody } from "./kling-o3";
import { KLING_O3_EDIT } from "./kling-o3.rules";
import { veoExtendFastSchema, veoExtendSchema, veoUpstreamBody } from "./veo-extend";

export * from "./catalog";

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
