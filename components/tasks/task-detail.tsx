"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { modelInfo, sourceUrl } from "@/lib/models/catalog";
import { fetchLineage, taskKeys } from "@/lib/client/api";
import { useLiveMode } from "@/lib/client/live";
import { taskQueryOptions } from "@/lib/client/queries";
import { isFinished } from "@/lib/tasks/polling";
import type { TaskLineage, TaskView } from "@/lib/tasks/types";
import { formatDuration } from "./format";
import { PromptWithRefs } from "./prompt-with-refs";
import { StorageNote } from "./storage-note";
import { SyncedPlayers } from "./synced-players";
import { StatusWord, TaskProgress } from "./task-card";

/** The settings table: the model, its own settings in its own words, its reference media, the source. */
function settingsOf(task: TaskView): [string, string][] {
  const info = modelInfo(task.model);
  const rows: [string, string][] = [["Model", info.label]];
  for (const field of info.settings) rows.push([field.label, field.display(task.input[field.name])]);
  rows.push(...info.mediaRows(task.input));
  rows.push([info.source.settingsLabel, sourceUrl(task.input)]);
  if (task.sourceMeta)
    rows.push([
      "Source clip",
      `${task.sourceMeta.durationSeconds.toFixed(1)} s · ${String(task.sourceMeta.width)}×${String(task.sourceMeta.height)}`,
    ]);
  return rows;
}

function Lineage({ task, lineage }: { task: TaskView; lineage: TaskLineage | undefined }) {
  if (!lineage || (lineage.ancestors.length === 0 && lineage.children.length === 0)) return null;
  const chain = [...lineage.ancestors, task];
  // Seconds one extension adds, from the definitions of the models in the chain.
  const perExtension = Math.max(0, ...chain.map((t) => modelInfo(t.model).addsSeconds));
  return (
    <section aria-labelledby="lineage-heading" className="space-y-2">
      <h2 id="lineage-heading" className="text-sm font-semibold text-slate-200">
        Chain
      </h2>
      <ol aria-label="Chain" className="flex flex-wrap items-center gap-2 text-sm">
        <li className="text-slate-400">Source clip →</li>
        {chain.map((t, i) => (
          <li key={t.id} className="flex items-center gap-2">
            {t.id === task.id ? (
              <span
                aria-current="page"
                className="rounded-md border border-accent-500 bg-accent-500/10 px-2 py-1 text-accent-400"
              >
                {modelInfo(t.model).resultNoun} (this task)
              </span>
            ) : (
              <Link
                href={`/tasks/${encodeURIComponent(t.id)}`}
                className="rounded-md border border-ink-600 px-2 py-1 text-slate-200 hover:bg-ink-800"
              >
                {modelInfo(t.model).resultNoun} {i + 1}
              </Link>
            )}
            {i < chain.length - 1 ? (
              <span aria-hidden="true" className="text-slate-500">
                →
              </span>
            ) : null}
          </li>
        ))}
        {lineage.children.map((c) => (
          <li key={c.id} className="flex items-center gap-2">
            <span aria-hidden="true" className="text-slate-500">
              →
            </span>
            <Link
              href={`/tasks/${encodeURIComponent(c.id)}`}
              className="rounded-md border border-dashed border-ink-600 px-2 py-1 text-slate-300 hover:bg-ink-800"
            >
              Next: {modelInfo(c.model).resultNoun.toLowerCase()} ({c.status})
            </Link>
          </li>
        ))}
      </ol>
      <p className="text-xs text-slate-400" data-testid="chain-length">
        {lineage.extensions > 0
          ? `${String(lineage.extensions)} extension${lineage.extensions === 1 ? "" : "s"} × ${String(perExtension)} s`
          : "No extensions"}
        {lineage.totalSeconds !== null && lineage.sourceSeconds !== null
          ? ` on a ${lineage.sourceSeconds.toFixed(1)} s source: ${lineage.totalSeconds.toFixed(1)} s in all.`
          : lineage.extensions > 0
            ? ` = ${String(lineage.extensions * perExtension)} s added to the source.`
            : "."}
      </p>
    </section>
  );
}

/** Before and after for a model that starts from a still image: the image beside the result. */
function StillAndResult({ imageUrl, resultUrl }: { imageUrl: string; resultUrl: string | null }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={imageUrl} alt="Source image" className="max-h-80 w-full rounded-md bg-black object-contain" />
      {resultUrl ? (
        <video
          src={resultUrl}
          controls
          playsInline
          preload="metadata"
          aria-label="Result video"
          className="max-h-80 w-full rounded-md bg-black object-contain"
        />
      ) : null}
    </div>
  );
}

const actionClass =
  "inline-flex h-9 items-center rounded-md border border-ink-600 bg-ink-800 px-3 text-sm font-medium text-slate-100 hover:bg-ink-700";

/** The task page's live body: follows the task while unfinished; before and after, settings, actions, chain. */
export function TaskDetail({ initial, initialLineage }: { initial: TaskView; initialLineage: TaskLineage }) {
  const live = useLiveMode();
  const query = useQuery(taskQueryOptions(initial, live));
  const task = query.data;
  const lineage = useQuery({
    queryKey: taskKeys.lineage(task.id),
    queryFn: () => fetchLineage(task.id),
    initialData: initialLineage,
    // A chain grows from other pages ("Extend this"): always re-read it when the page is shown.
    initialDataUpdatedAt: 0,
    staleTime: 0,
  });
  const [copied, setCopied] = useState(false);
  const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");
  const id = encodeURIComponent(task.id);

  return (
    <article aria-label={`Task ${task.id}`} className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold text-slate-100">{modelInfo(task.model).label}</h1>
        <StatusWord status={task.status} />
        <span className="flex items-center gap-2 text-xs text-slate-400">
          <code className="break-all">{task.id}</code>
          <button
            type="button"
            className="rounded border border-ink-600 px-1.5 py-0.5 hover:bg-ink-800"
            onClick={() => {
              void navigator.clipboard
                ?.writeText(task.id)
                .then(() => setCopied(true))
                .catch(() => setCopied(false));
            }}
          >
            {copied ? "Copied" : "Copy id"}
          </button>
        </span>
      </div>
      {!isFinished(task) ? <TaskProgress task={task} query={query} /> : null}
      {task.status === "failed" ? (
        <p
          role="alert"
          className="rounded-md border border-rose-400/30 bg-rose-500/10 p-3 text-sm text-rose-200"
        >
          {task.error?.message ?? "The task failed."}
        </p>
      ) : null}

      {modelInfo(task.model).source.kind === "video" ? (
        <SyncedPlayers sourceUrl={sourceUrl(task.input)} resultUrl={task.videoUrl} />
      ) : (
        <StillAndResult imageUrl={sourceUrl(task.input)} resultUrl={task.videoUrl} />
      )}
      <StorageNote task={task} />

      <nav aria-label="Actions" className="flex flex-wrap gap-2">
        {task.videoUrl ? (
          <>
            <Link href={`/?from=${id}&action=extend`} className={actionClass}>
              Extend this
            </Link>
            <Link href={`/?from=${id}&action=edit`} className={actionClass}>
              Edit this
            </Link>
          </>
        ) : null}
        <Link href={`/?from=${id}&action=reuse`} className={actionClass}>
          Use these settings
        </Link>
        {task.downloadUrl ? (
          <a
            href={task.downloadUrl}
            download
            className={`${actionClass} border-accent-500 bg-accent-500 text-ink-950 hover:bg-accent-400`}
          >
            Download
          </a>
        ) : null}
      </nav>

      <Lineage task={task} lineage={lineage.data} />

      <section aria-labelledby="prompt-heading" className="space-y-1">
        <h2 id="prompt-heading" className="text-sm font-semibold text-slate-200">
          Prompt
        </h2>
        <PromptWithRefs input={task.input} />
      </section>
      <div className="grid gap-6 md:grid-cols-2">
        <section aria-labelledby="settings-heading" className="space-y-1">
          <h2 id="settings-heading" className="text-sm font-semibold text-slate-200">
            Settings
          </h2>
          <dl className="grid grid-cols-[minmax(0,9rem)_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
            {settingsOf(task).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-400">{k}</dt>
                <dd className="break-all text-slate-200">{v}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section aria-labelledby="timing-heading" className="space-y-1">
          <h2 id="timing-heading" className="text-sm font-semibold text-slate-200">
            Timing
          </h2>
          <dl className="grid grid-cols-[minmax(0,9rem)_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-400">Submitted</dt>
            <dd className="text-slate-200" suppressHydrationWarning>
              {fmt(task.createdAt)}
            </dd>
            <dt className="text-slate-400">Finished</dt>
            <dd className="text-slate-200" suppressHydrationWarning>
              {fmt(task.completedAt)}
            </dd>
            <dt className="text-slate-400">Took</dt>
            <dd className="text-slate-200">
              {task.completedAt
                ? formatDuration(Date.parse(task.completedAt) - Date.parse(task.createdAt))
                : "—"}
            </dd>
          </dl>
        </section>
      </div>
      <Link href="/" className="inline-block text-sm text-accent-400 hover:underline">
        ← Back to the studio
      </Link>
    </article>
  );
}
