import type { GenerationRequest, ModelId } from "../models";
import type { TaskStatus } from "../foxapi/normalize";

export type { TaskStatus };

/** A task as our API answers it: what the browser sees. Never carries anything from the server's config. */
export interface TaskView {
  id: string;
  model: ModelId;
  status: TaskStatus;
  progress: number;
  /** The validated request as it was submitted. */
  input: GenerationRequest;
  parentId: string | null;
  /** ISO times. `createdAt` is when we recorded the task. */
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** When the upstream was last asked about this task (ISO): how old the status shown may be. */
  checkedAt: string | null;
  estimatedSeconds: number | null;
  /** Our own URL for the result video, once there is one. */
  videoUrl: string | null;
  /** Our URL that downloads the result with a readable file name. */
  downloadUrl: string | null;
  /** The provider's link, kept for reference. */
  upstreamResultUrl: string | null;
  /** Where the result lives: copied into our storage, or still only on the provider's expiring link. */
  storage: "stored" | "provider" | null;
  /** When the provider's link expires (ISO). */
  resultExpiresAt: string | null;
  /** What the browser measured of the source clip when it was submitted. */
  sourceMeta: SourceMeta | null;
  /** What the server couldn't confirm before spending, by field (a clip it couldn't probe); null when none. */
  warnings: Record<string, string> | null;
  error: { code: string; message: string } | null;
}

export interface SourceMeta {
  durationSeconds: number;
  width: number;
  height: number;
}

export interface TaskLineage {
  /** Oldest first: the task this one was made from, and so on back to the first. */
  ancestors: TaskView[];
  /** Tasks made from this one's result. */
  children: TaskView[];
  /** Veo extensions in the chain up to and including this task (each adds 7 s). */
  extensions: number;
  sourceSeconds: number | null;
  totalSeconds: number | null;
}

export interface TaskPage {
  tasks: TaskView[];
  nextCursor: string | null;
}
