import type { TaskStatus } from "@/lib/tasks/types";

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0
    ? `${String(h)}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`
    : `${String(m)}:${String(s).padStart(2, "0")}`;
}

/** A status's words: a catalog key (`tasks.status.*`). */
export const STATUS_KEYS: Record<TaskStatus, string> = {
  pending: "tasks.status.pending",
  processing: "tasks.status.processing",
  completed: "tasks.status.completed",
  failed: "tasks.status.failed",
  // An unknown upstream status is treated as still running, bounded by the polling deadline.
  unknown: "tasks.status.processing",
};

export const STATUS_STYLES: Record<TaskStatus, string> = {
  pending: "bg-slate-500/20 text-slate-300",
  processing: "bg-accent-500/15 text-accent-400",
  completed: "bg-emerald-500/15 text-emerald-300",
  failed: "bg-rose-500/15 text-rose-300",
  unknown: "bg-accent-500/15 text-accent-400",
};
