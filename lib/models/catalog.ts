import { fixtureModelsEnabled, fixtureModelInfos } from "../testing/fixture-hook";
import { msg } from "../i18n/message";
import { type ModelId, type ModelInfo, defineModel } from "./definition";
import { KLING_O3_EDIT, klingO3Edit } from "./kling-o3";
import { VEO_EXTEND, VEO_EXTEND_FAST, veoExtend, veoExtendFast } from "./veo-extend";

/**
 * The registry, as the browser needs it: every model's definition (names, words, limits, clip checks, how its
 * output follows from its input), keyed by id. No schema library here, so every page can import it without
 * shipping zod; the schemas are registered beside these in index.ts.
 *
 * Adding a model is adding its definition file and one line in BUILT_IN below (and its schema in index.ts).
 */
export * from "./definition";
export { KLING_O3_EDIT, VEO_EXTEND, VEO_EXTEND_FAST };

const BUILT_IN: readonly ModelInfo[] = [klingO3Edit, veoExtend, veoExtendFast];

/** The ids of every registered model, in the order the studio offers them. */
export const MODEL_IDS: ModelId[] = [];
export const MODELS: Record<ModelId, ModelInfo> = {};

/**
 * Adds a model to the registry. Registering the same definition again does nothing (each module graph of a Next
 * build evaluates this file once; tests may register from several places); a different definition under a taken
 * id, or a taken simulator code, is a mistake worth stopping for.
 */
export function registerModelInfo(info: ModelInfo): void {
  const existing = MODELS[info.id];
  if (existing === info) return;
  if (existing) throw new Error(`A model with the id ${info.id} is already registered.`);
  const clash = MODEL_IDS.find((id) => MODELS[id]?.simulator.code === info.simulator.code);
  if (clash) throw new Error(`${info.id} uses the simulator code "${info.simulator.code}" of ${clash}.`);
  if (!/^[a-z]$/.test(info.simulator.code))
    throw new Error(`${info.id}: a simulator code is one lower-case letter.`);
  MODELS[info.id] = info;
  MODEL_IDS.push(info.id);
}

for (const info of BUILT_IN) registerModelInfo(info);
if (fixtureModelsEnabled()) for (const info of fixtureModelInfos) registerModelInfo(info);

/**
 * What a screen shows for a task whose model is no longer registered (a task recorded by an older version):
 * its id as its name, the prompt and the video, and nothing it can't know.
 */
function unknownModel(id: ModelId): ModelInfo {
  return defineModel({
    id,
    family: "unknown",
    label: id,
    description: "",
    promptMaxLength: Infinity,
    prompt: { label: msg("models.common.prompt"), placeholder: "" },
    source: {
      field: "video_url",
      kind: "video",
      label: msg("models.common.videoUrl"),
      placeholder: "",
      settingsLabel: msg("models.common.video"),
    },
    settings: [],
    defaults: {},
    addsSeconds: 0,
    resultNoun: msg("models.kling.resultNoun"),
    sample: () => ({}),
    mediaTargets: () => [],
    referenceMedia: () => null,
    mediaRows: () => [],
    simulator: { code: "", portrait: () => false },
    upstreamBody: (req) => ({ ...req }),
  });
}

/** A model's definition by id; a stand-in that shows the id for one that isn't registered. */
export function modelInfo(id: ModelId): ModelInfo {
  return MODELS[id] ?? unknownModel(id);
}

export function isModelId(value: unknown): value is ModelId {
  return typeof value === "string" && MODEL_IDS.includes(value);
}

/** The URL of the media a request starts from (the clip, or an image-to-video model's image). */
export function sourceUrl(input: { model: ModelId; [field: string]: unknown }): string {
  const value = input[modelInfo(input.model).source.field];
  return typeof value === "string" ? value : "";
}
