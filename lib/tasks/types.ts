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
  /** What FoxAPI reserved for this task (`usage.credits_reserved`), when it said: its figure, not a price. */
  creditsReserved: number | null;
  /** Takes (issue 14): the tasks started by one click share a group id; `take` is this one's place (1…N). */
  groupId: string | null;
  take: number | null;
  /** Marked a favourite by someone on the team (one flag per task, shared by everyone who can see it). */
  favourite: boolean;
  error: { code: string; message: string } | null;
  /** Who started it (accounts mode); null in other modes and for tasks from before accounts. */
  createdBy?: { id: string; name: string } | null;
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

/** One set of day totals (UTC day). */
export interface UsageTotals {
  /** Tasks started. */
  tasks: number;
  /** The sum of what FoxAPI said it reserved, over the tasks where it said. */
  creditsReserved: number;
  /** How many of the tasks that sum covers. */
  reservedTasks: number;
  /** The operator's prices (PRICE_TABLE) applied to the day's tasks, in `unit`; null without a price table. */
  estimated: number | null;
}

/** `GET /api/usage`: the day so far, the daily cap, and what recent runs of each model and settings reserved. */
export interface UsageView {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** PRICE_UNIT: the unit of `estimated` and of the studio's estimates. */
  unit: string;
  /** The whole team's day. */
  team: UsageTotals;
  /** One person's day, once accounts exist (issue 12); absent until then. */
  mine?: UsageTotals;
  /**
   * The cap that binds first and how much of it is used: MAX_TASKS_PER_DAY (`team`), or the person's own daily
   * limit (`person`) when it leaves fewer; null when there is neither.
   */
  cap: { limit: number; used: number; left: number; scope: "team" | "person" } | null;
  /** Per model and settings (`settingsKey`): what FoxAPI reserved on the latest run of them, and how many runs. */
  recent: { key: string; model: string; creditsReserved: number; runs: number }[];
}

export interface TaskPage {
  tasks: TaskView[];
  nextCursor: string | null;
}
