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
  estimatedSeconds: number | null;
  /** Our own URL for the result video, once there is one. */
  videoUrl: string | null;
  /** Our URL that downloads the result with a readable file name. */
  downloadUrl: string | null;
  /** The provider's link, kept for reference. */
  upstreamResultUrl: string | null;
  error: { code: string; message: string } | null;
}

export interface TaskPage {
  tasks: TaskView[];
  nextCursor: string | null;
}
