import { z } from "zod";
import { msg } from "../i18n/message";
import { fixtureModelSchemas, fixtureModelsEnabled } from "../testing/fixture-hook.schema";
import { MODEL_IDS, modelInfo, registerModelInfo } from "./catalog";
import type { GenerationInput, GenerationRequest, ModelId, ModelInfo } from "./definition";
import { klingEditSchema } from "./kling-o3.schema";
import { veoExtendFastSchema, veoExtendSchema } from "./veo-extend.schema";

export * from "./catalog";

/** A model's request schema: an object whose `model` is the model's id as a literal. */
export type ModelSchema = z.ZodObject<{ model: z.ZodLiteral<string> } & z.ZodRawShape>;

const schemas = new Map<ModelId, ModelSchema>([
  [klingEditSchema.shape.model.value, klingEditSchema],
  [veoExtendSchema.shape.model.value, veoExtendSchema],
  [veoExtendFastSchema.shape.model.value, veoExtendFastSchema],
]);

let union: z.ZodType<GenerationRequest, GenerationInput> | undefined;

/**
 * Adds a model with its request schema: the definition to the zod-free registry (catalog.ts), the schema to the
 * union that the form and the route handler validate with.
 */
export function registerModel(info: ModelInfo, schema: ModelSchema): void {
  if (schema.shape.model.value !== info.id)
    throw new Error(`The schema of ${info.id} accepts model "${String(schema.shape.model.value)}".`);
  const existing = schemas.get(info.id);
  if (existing && existing !== schema) throw new Error(`${info.id} already has a schema.`);
  registerModelInfo(info);
  schemas.set(info.id, schema);
  union = undefined;
}

if (fixtureModelsEnabled())
  for (const [info, schema] of fixtureModelSchemas()) registerModel(info, schema as ModelSchema);

/**
 * Every request Retake can submit, discriminated on `model`: built from the registered schemas (again after a
 * registration). The studio form validates with it through `zodResolver`, and `POST /api/generations` with
 * `safeParse`: one schema, enforced twice.
 */
export function requestSchema(): z.ZodType<GenerationRequest, GenerationInput> {
  if (union) return union;
  const options = MODEL_IDS.flatMap((id) => {
    const schema = schemas.get(id);
    return schema ? [schema] : [];
  });
  const built = z.discriminatedUnion("model", options as [ModelSchema, ...ModelSchema[]], {
    error: (issue) =>
      issue.code === "invalid_union"
        ? msg("validation.chooseModel", { models: MODEL_IDS.join(", ") })
        : undefined,
  });
  // Each option checks its own fields; the union's output is one of them, which is a GenerationRequest.
  union = built as unknown as z.ZodType<GenerationRequest, GenerationInput>;
  return union;
}

/** The current union's `parse` and `safeParse`, for callers that only parse. */
export const generationRequestSchema = {
  parse: (value: unknown) => requestSchema().parse(value),
  safeParse: (value: unknown) => requestSchema().safeParse(value),
};

export type { GenerationInput, GenerationRequest };

/** The exact JSON object FoxAPI receives for a validated request: defaults and empty optionals omitted. */
export function toUpstreamBody(req: GenerationRequest): Record<string, unknown> {
  return modelInfo(req.model).upstreamBody(req);
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
