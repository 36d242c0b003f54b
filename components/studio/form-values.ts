import { MODEL_IDS, modelInfo, type GenerationInput, type ModelId } from "@/lib/models/catalog";

/**
 * The form's values: the request schema's input type. The form holds every registered model's fields at once,
 * so switching model keeps the shared ones (prompt, video URL) and hides the rest.
 */
export type FormValues = GenerationInput;

/** Every model's fields at their defaults, as its definition gives them; the first model chosen. */
export function emptyForm(): FormValues {
  const values: FormValues = { model: MODEL_IDS[0] ?? "", prompt: "" };
  for (const id of MODEL_IDS) {
    const info = modelInfo(id);
    values[info.source.field] ??= "";
    for (const [name, value] of Object.entries(info.defaults)) if (!(name in values)) values[name] = value;
  }
  return values;
}

/** Form values for a request submitted before ("Use these settings", "Try again"). */
export function formValuesFrom(input: GenerationInput): FormValues {
  const values = emptyForm();
  for (const [key, value] of Object.entries(input))
    if (key in values && value !== undefined && value !== null) values[key] = value;
  values.model = input.model;
  return values;
}

/** Bundled sample media for the chosen model, so a first-time visitor can run the whole flow in seconds. */
export function sampleValues(model: ModelId, origin: string, current: FormValues): FormValues {
  return { ...current, model, ...modelInfo(model).sample(origin) };
}

/** A text field's value as the form holds it. */
export const text = (value: unknown): string => (typeof value === "string" ? value : "");
/** A list field's value as the form holds it. */
export const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
