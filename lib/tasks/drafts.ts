import { KLING_O3_EDIT, VEO_EXTEND, type GenerationRequest, type ModelId } from "../models";
import type { TaskView } from "./types";

export type DraftAction = "extend" | "edit" | "reuse";

export interface DraftSeed {
  /** Partial request the form starts from. */
  input: Partial<GenerationRequest> & { model: ModelId };
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
    return { input: task.input, parentTaskId: task.parentId, note: "Settings copied from an earlier task." };
  if (!task.videoUrl) return null;
  const video_url = reusableResultUrl(task, origin, simulator);
  if (action === "extend")
    return {
      input: { model: VEO_EXTEND, video_url, prompt: "" },
      parentTaskId: task.id,
      note: "Extending an earlier result by 7 s: describe how it continues.",
    };
  return {
    input: { model: KLING_O3_EDIT, video_url, prompt: "" },
    parentTaskId: task.id,
    note: "Editing an earlier result: it is @Video1 in the prompt.",
  };
}
