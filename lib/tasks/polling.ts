import type { TaskView } from "./types";

/** Polling stops after this long, and the card offers to check again. */
export const POLL_DEADLINE_MS = 30 * 60_000;
export const POLL_FIRST_MS = 2_000;
export const POLL_MAX_MS = 15_000;

export function isFinished(task: Pick<TaskView, "status"> | undefined): boolean {
  return task?.status === "completed" || task?.status === "failed";
}

/** Still worth asking about: unfinished, or finished but its result not yet copied into our storage. */
export function needsPolling(task: Pick<TaskView, "status" | "storage"> | undefined): boolean {
  return !isFinished(task) || (task?.status === "completed" && task.storage === "provider");
}

/** How often to look again at a completed task whose result is still being copied. */
export const STORAGE_POLL_MS = 5_000;

export interface PollState {
  data: TaskView | undefined;
  dataUpdateCount: number;
  dataUpdatedAt: number;
  error: unknown;
}

/** Whether the deadline has passed, judged from the query's own timestamps (no clock read here). */
export function pastDeadline(state: Pick<PollState, "data" | "dataUpdatedAt">): boolean {
  if (!state.data) return false;
  return state.dataUpdatedAt - Date.parse(state.data.createdAt) > POLL_DEADLINE_MS;
}

/**
 * React Query's `refetchInterval` as a pure function of the query's state: 2 s at first, backing off by a quarter
 * per answer to 15 s; `false` on every terminal state, at the deadline, and on errors that more asking won't fix
 * (the server's key rejected, no credit, an unknown task). A `Retry-After` from the server is honoured.
 */
export function pollInterval(state: PollState): number | false {
  if (!needsPolling(state.data) || pastDeadline(state)) return false;
  if (isFinished(state.data)) return STORAGE_POLL_MS;
  const err = state.error as { retryable?: boolean; retryAfterMs?: number } | null | undefined;
  if (err && err.retryable === false) return false;
  const backoff = Math.min(
    POLL_MAX_MS,
    Math.round(POLL_FIRST_MS * 1.25 ** Math.max(0, state.dataUpdateCount - 1)),
  );
  return Math.max(backoff, err?.retryAfterMs ?? 0);
}
