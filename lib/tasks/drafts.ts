import { msg } from "../i18n/message";
import { MODEL_IDS, modelInfo, type GenerationInput, type ModelId } from "../models/catalog";
import type { TaskView } from "./types";

export type DraftAction = "extend" | "edit" | "reuse";

export interface DraftSeed {
  /** Partial request the form starts from. */
  input: GenerationInput & { model: ModelId };
  parentTaskId: string | null;
  /** Said above the form, so the user knows where the values came from. */
  note: string;
}

/**
 * The URL a follow-up task should use for a result. The upstream has to fetch it: the provider's own link works
 * while it lives; after that (and always for the simulator) our stored copy, which only a reachable server can
 * serve.
 */
export function reusableResultUrl(
  task: TaskView,
  origin: string,
  simulator: boolean,
  now = Date.now(),
): string {
  const fresh =
    task.upstreamResultUrl !== null &&
    /^https?:\/\//.test(task.upstreamResultUrl) &&
    (task.resultExpiresAt === null || Date.parse(task.resultExpiresAt) - now > 30 * 60_000);
  if (!simulator && fresh && task.upstreamResultUrl) return task.upstreamResultUrl;
  return `${origin}/api/generations/${encodeURIComponent(task.id)}/video`;
}

/** The studio's starting values for "Extend this", "Edit this" and "Use these settings". */
export function draftFor(
  task: TaskView,
  action: DraftAction,
  origin: string,
  simulator: boolean,
): DraftSeed | null {
  if (action === "reuse")
    return { input: task.input, parentTaskId: task.parentId, note: msg("studio.form.settingsCopied") };
  if (!task.videoUrl) return null;
  const video_url = reusableResultUrl(task, origin, simulator);
  // The model whose definition offers itself for this action, starting from the result as its clip.
  const model = MODEL_IDS.map(modelInfo).find((m) => m.followUp?.action === action);
  if (!model?.followUp) return null;
  return {
    input: { model: model.id, [model.source.field]: video_url, prompt: "" },
    parentTaskId: task.id,
    note: model.followUp.note,
  };
}
