"use client";

import Link from "next/link";
import type { UseQueryResult } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { modelInfo, sourceUrl } from "@/lib/models/catalog";
import { ApiRequestError } from "@/lib/client/api";
import { isFinished, pastDeadline } from "@/lib/tasks/polling";
import type { TaskView } from "@/lib/tasks/types";
import { STATUS_STYLES, STATUS_WORDS, formatDuration } from "./format";
import { StorageNote } from "./storage-note";
import { useNow } from "./use-now";

export function StatusWord({ status }: { status: TaskView["status"] }) {
  return (
    <span
      className={cn("rounded-full px-2 py-0.5 text-xs font-medium", STATUS_STYLES[status])}
      data-status={status}
    >
      {STATUS_WORDS[status]}
    </span>
  );
}

/** Progress, elapsed time against the estimate, and whether polling has given up. */
export function TaskProgress({ task, query }: { task: TaskView; query: UseQueryResult<TaskView> }) {
  const finished = isFinished(task);
  const now = useNow(1000, !finished);
  const started = Date.parse(task.createdAt);
  const elapsed = (finished && task.completedAt ? Date.parse(task.completedAt) : now) - started;
  const stalled = !finished && pastDeadline({ data: task, dataUpdatedAt: query.dataUpdatedAt });
  const err = query.error instanceof ApiRequestError ? query.error : null;
  const label = `${modelInfo(task.model).label} progress`;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={task.progress}
        aria-valuetext={`${String(task.progress)}%`}
        className="h-1.5 overflow-hidden rounded-full bg-ink-700"
      >
        <div
          className={cn(
            "h-full rounded-full transition-[width] duration-700",
            task.status === "failed"
              ? "bg-rose-400"
              : task.status === "completed"
                ? "bg-emerald-400"
                : "bg-accent-500",
          )}
          style={{ width: `${String(task.progress)}%` }}
        />
      </div>
      <p className="flex flex-wrap justify-between gap-x-3 text-xs tabular-nums text-slate-400">
        <span suppressHydrationWarning>
          {task.progress}% · {finished ? "took" : "elapsed"} {formatDuration(elapsed)}
          {task.estimatedSeconds && !finished
            ? ` · estimate ~${formatDuration(task.estimatedSeconds * 1000)}`
            : ""}
        </span>
        {!finished && task.estimatedSeconds && elapsed > task.estimatedSeconds * 1000 * 1.5 && !stalled ? (
          <span className="text-slate-500">Real runs often take 1–6 minutes.</span>
        ) : null}
      </p>
      {stalled ? (
        <p className="text-xs text-amber-300">
          This job is taking unusually long (over 30 minutes), so we stopped checking automatically.{" "}
          <button type="button" className="underline" onClick={() => void query.refetch()}>
            Check again
          </button>
        </p>
      ) : null}
      {err && !finished ? (
        <p className="text-xs text-amber-300" role="status">
          {err.retryable ? `Couldn't refresh: ${err.message} Retrying…` : err.message}
        </p>
      ) : null}
    </div>
  );
}

/** What the server couldn't confirm before spending (a clip it couldn't measure), kept with the task. */
export function TaskWarnings({ task }: { task: TaskView }) {
  const warnings = Object.values(task.warnings ?? {});
  if (warnings.length === 0) return null;
  return (
    <p className="text-xs text-amber-300">
      <span className="font-medium">Not checked before sending:</span> {warnings.join(" ")}
    </p>
  );
}

export function ResultVideo({ task, className }: { task: TaskView; className?: string }) {
  if (!task.videoUrl) return null;
  return (
    <video
      src={task.videoUrl}
      controls
      playsInline
      preload="metadata"
      aria-label="Result video"
      className={cn("max-h-80 w-full rounded-md bg-black object-contain", className)}
    />
  );
}

/** A task in the Tasks list: follows it to the end, then offers the result or the reason it failed. */
export function TaskCard({
  task,
  query,
  onRetry,
}: {
  task: TaskView;
  query: UseQueryResult<TaskView>;
  onRetry?: (task: TaskView) => void;
}) {
  const model = modelInfo(task.model);
  const source = sourceUrl(task.input);
  const href = `/tasks/${encodeURIComponent(task.id)}`;
  return (
    <article
      aria-label={`${model.label}: ${task.input.prompt.slice(0, 60)}`}
      className="space-y-3 rounded-lg border border-ink-700 bg-ink-900 p-3"
    >
      <div className="flex gap-3">
        {model.source.kind === "video" ? (
          <video
            src={`${source}#t=0.5`}
            muted
            playsInline
            preload="metadata"
            aria-hidden="true"
            tabIndex={-1}
            className="h-14 w-20 shrink-0 rounded bg-black object-cover"
          />
        ) : (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={source} alt="" className="h-14 w-20 shrink-0 rounded bg-black object-cover" />
        )}
        <div className="min-w-0 flex-1 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-sm font-medium text-slate-100">{model.label}</span>
            <StatusWord status={task.status} />
            <Link href={href} className="ml-auto text-xs text-accent-400 hover:underline">
              Open<span className="sr-only"> task {task.id}</span> →
            </Link>
          </div>
          <p className="line-clamp-2 text-sm text-slate-300" title={task.input.prompt}>
            {task.input.prompt}
          </p>
        </div>
      </div>
      <TaskProgress task={task} query={query} />
      <TaskWarnings task={task} />
      {task.status === "completed" ? (
        <div className="space-y-2">
          <ResultVideo task={task} />
          <StorageNote task={task} />
          {task.downloadUrl ? (
            <a
              href={task.downloadUrl}
              download
              className="inline-flex h-8 items-center rounded-md border border-ink-600 bg-ink-800 px-2.5 text-xs font-medium text-slate-100 hover:bg-ink-700"
            >
              Download
            </a>
          ) : null}
        </div>
      ) : null}
      {task.status === "failed" ? (
        <div className="space-y-2 rounded-md border border-rose-400/30 bg-rose-500/10 p-2">
          <p className="text-sm text-rose-200">{task.error?.message ?? "The task failed."}</p>
          {onRetry ? (
            <Button size="sm" onClick={() => onRetry(task)}>
              Try again with these settings
            </Button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}
