"use client";

import { AppLink } from "@/components/ui/app-link";
import { useLocale, useTranslations } from "next-intl";
import type { UseQueryResult } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { say } from "@/lib/i18n/message";
import { modelInfo, sourceUrl } from "@/lib/models/catalog";
import { ApiRequestError } from "@/lib/client/api";
import { isFinished, pastDeadline } from "@/lib/tasks/polling";
import type { TaskView } from "@/lib/tasks/types";
import { STATUS_KEYS, STATUS_STYLES, formatDuration } from "./format";
import { FavouriteButton } from "./favourite-button";
import { StorageNote } from "./storage-note";
import { amountWords } from "@/components/ui/amount";
import { taskAnchor } from "./use-done-alerts";
import { useNow } from "./use-now";

export function StatusWord({ status }: { status: TaskView["status"] }) {
  const t = useTranslations();
  return (
    <span
      className={cn("rounded-full px-2 py-0.5 text-xs font-medium", STATUS_STYLES[status])}
      data-status={status}
    >
      {t(STATUS_KEYS[status])}
    </span>
  );
}

/** Progress, elapsed time against the estimate, and whether polling has given up. */
export function TaskProgress({ task, query }: { task: TaskView; query: UseQueryResult<TaskView> }) {
  const t = useTranslations();
  const finished = isFinished(task);
  const now = useNow(1000, !finished);
  const started = Date.parse(task.createdAt);
  const elapsed = (finished && task.completedAt ? Date.parse(task.completedAt) : now) - started;
  const stalled = !finished && pastDeadline({ data: task, dataUpdatedAt: query.dataUpdatedAt });
  const err = query.error instanceof ApiRequestError ? query.error : null;
  const label = t("tasks.progressName", { model: modelInfo(task.model).label });
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
          {`${String(task.progress)}% · `}
          {t(finished ? "tasks.took" : "tasks.elapsed", { time: formatDuration(elapsed) })}
          {task.estimatedSeconds && !finished
            ? ` · ${t("tasks.estimate", { time: formatDuration(task.estimatedSeconds * 1000) })}`
            : ""}
        </span>
        {!finished && task.estimatedSeconds && elapsed > task.estimatedSeconds * 1000 * 1.5 && !stalled ? (
          <span className="text-slate-400">{t("tasks.realRuns")}</span>
        ) : null}
      </p>
      {stalled ? (
        <p className="text-xs text-amber-300">
          {t("tasks.stalled")}{" "}
          <button type="button" className="underline" onClick={() => void query.refetch()}>
            {t("tasks.checkAgain")}
          </button>
        </p>
      ) : null}
      {err && !finished ? (
        <p className="text-xs text-amber-300" role="status">
          {err.retryable ? t("tasks.refreshRetrying", { message: say(t, err.message) }) : say(t, err.message)}
        </p>
      ) : null}
    </div>
  );
}

/** What the server couldn't confirm before spending (a clip it couldn't measure), kept with the task. */
export function TaskWarnings({ task }: { task: TaskView }) {
  const t = useTranslations();
  const warnings = Object.values(task.warnings ?? {});
  if (warnings.length === 0) return null;
  return (
    <p className="text-xs text-amber-300">
      <span className="font-medium">{t("tasks.notChecked")}</span> {warnings.map((w) => say(t, w)).join(" ")}
    </p>
  );
}

export function ResultVideo({ task, className }: { task: TaskView; className?: string }) {
  const t = useTranslations();
  if (!task.videoUrl) return null;
  return (
    <video
      src={task.videoUrl}
      controls
      playsInline
      preload="metadata"
      aria-label={t("tasks.resultVideo")}
      className={cn("max-h-80 w-full rounded-md bg-black object-contain", className)}
    />
  );
}

/**
 * Why a task failed. The reason is the provider's own words (data, in its language), so another language
 * introduces it in its own words and marks it `lang="en"`; a failure of ours (`cancelled`) has catalog words.
 */
export function FailureWords({ task }: { task: TaskView }) {
  const t = useTranslations();
  const locale = useLocale();
  const code = task.error?.code;
  const message = task.error?.message;
  if (code === "cancelled") return <>{t("tasks.cancelled")}</>;
  if (!message) return <>{t("tasks.failed")}</>;
  if (locale === "en") return <>{say(t, message)}</>;
  return (
    <>
      {t("tasks.providerSaid")} <span lang="en">{say(t, message)}</span>
    </>
  );
}

/** A take's place and seed, and what FoxAPI reserved for the task when it said. */
export function TaskFacts({ task }: { task: TaskView }) {
  const t = useTranslations();
  const seedField = modelInfo(task.model).seed?.field;
  const seed = seedField ? task.input[seedField] : undefined;
  const facts = [
    task.take !== null ? t("tasks.take", { n: task.take }) : null,
    typeof seed === "number" ? t("tasks.seed", { seed: String(seed) }) : null,
    task.creditsReserved !== null
      ? t("tasks.reserved", { amount: amountWords(t, task.creditsReserved, "credits") })
      : null,
  ].filter((f): f is string => f !== null);
  if (facts.length === 0) return null;
  return <p className="text-xs tabular-nums text-slate-400">{facts.join(" · ")}</p>;
}

/** A task in the Tasks list: follows it to the end, then offers the result or the reason it failed. */
/** The card's "Select to compare" box: checked, and what a change asks for (the list may refuse a fifth). */
export interface CompareSelection {
  checked: boolean;
  onChange: (checked: boolean) => void;
}

export function TaskCard({
  task,
  query,
  onRetry,
  selection,
}: {
  task: TaskView;
  query: UseQueryResult<TaskView>;
  onRetry?: (task: TaskView) => void;
  selection?: CompareSelection;
}) {
  const t = useTranslations();
  const model = modelInfo(task.model);
  const source = sourceUrl(task.input);
  const href = `/tasks/${encodeURIComponent(task.id)}`;
  return (
    <article
      id={taskAnchor(task.id)}
      tabIndex={-1}
      aria-label={`${model.label}: ${task.input.prompt.slice(0, 60)}`}
      className="space-y-3 rounded-lg border border-ink-700 bg-ink-900 p-3 focus:outline-2 focus:outline-accent-400"
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
            <AppLink href={href} className="ml-auto text-xs text-accent-400 hover:underline">
              {t.rich("tasks.open", {
                id: task.id,
                sr: (chunks) => <span className="sr-only">{chunks}</span>,
              })}
            </AppLink>
          </div>
          {/* The person's own words: not ours to translate (nor a browser's). */}
          <p className="line-clamp-2 text-sm text-slate-300" title={task.input.prompt} translate="no">
            {task.input.prompt}
          </p>
          {task.createdBy ? (
            <p className="text-xs text-slate-400">
              {t("tasks.startedByName", { name: task.createdBy.name })}
            </p>
          ) : null}
          <TaskFacts task={task} />
        </div>
      </div>
      <TaskProgress task={task} query={query} />
      <TaskWarnings task={task} />
      {task.status === "completed" ? (
        <div className="space-y-2">
          <ResultVideo task={task} />
          <StorageNote task={task} />
          <div className="flex flex-wrap items-center gap-2">
            {task.downloadUrl ? (
              <a
                href={task.downloadUrl}
                download
                className="inline-flex h-8 items-center rounded-md border border-ink-600 bg-ink-800 px-2.5 text-xs font-medium text-slate-100 hover:bg-ink-700"
              >
                {t("common.download")}
              </a>
            ) : null}
            <FavouriteButton task={task} />
            {selection && task.videoUrl ? (
              <label className="ml-auto inline-flex h-8 cursor-pointer items-center gap-2 rounded-md px-1 text-xs text-slate-200">
                <input
                  type="checkbox"
                  checked={selection.checked}
                  onChange={(e) => selection.onChange(e.target.checked)}
                  className="h-4 w-4 accent-sky-400"
                />
                {t("compare.select")}
              </label>
            ) : null}
          </div>
        </div>
      ) : null}
      {task.status === "failed" ? (
        <div className="space-y-2 rounded-md border border-rose-400/30 bg-rose-500/10 p-2">
          <p className="text-sm text-rose-200">
            <FailureWords task={task} />
          </p>
          {onRetry ? (
            <Button size="sm" onClick={() => onRetry(task)}>
              {t("tasks.retryWithSettings")}
            </Button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}
