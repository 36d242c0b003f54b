"use client";

import { AppLink } from "@/components/ui/app-link";
import dynamic from "next/dynamic";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { say } from "@/lib/i18n/message";
import { useState } from "react";
import { cellsFor } from "@/components/compare/cells";
import { modelInfo, sourceUrl } from "@/lib/models/catalog";
import { fetchLineage, taskKeys } from "@/lib/client/api";
import { useLiveMode } from "@/lib/client/live";
import { taskQueryOptions } from "@/lib/client/queries";
import { isFinished } from "@/lib/tasks/polling";
import type { TaskLineage, TaskView } from "@/lib/tasks/types";
import { FavouriteButton } from "./favourite-button";
import { STATUS_KEYS, formatDuration } from "./format";
import { PromptWithRefs } from "./prompt-with-refs";
import { settingsOf } from "./settings";
import { StorageNote } from "./storage-note";
import { SyncedPlayers } from "./synced-players";
import { FailureWords, StatusWord, TaskProgress } from "./task-card";

function Lineage({ task, lineage }: { task: TaskView; lineage: TaskLineage | undefined }) {
  const t = useTranslations();
  if (!lineage || (lineage.ancestors.length === 0 && lineage.children.length === 0)) return null;
  const chain = [...lineage.ancestors, task];
  // Seconds one extension adds, from the definitions of the models in the chain.
  const perExtension = Math.max(0, ...chain.map((c) => modelInfo(c.model).addsSeconds));
  return (
    <section aria-labelledby="lineage-heading" className="space-y-2">
      <h2 id="lineage-heading" className="text-sm font-semibold text-slate-200">
        {t("tasks.chain")}
      </h2>
      <ol aria-label={t("tasks.chain")} className="flex flex-wrap items-center gap-2 text-sm">
        <li className="text-slate-400">{t("tasks.sourceClip")} →</li>
        {chain.map((c, i) => (
          <li key={c.id} className="flex items-center gap-2">
            {c.id === task.id ? (
              <span
                aria-current="page"
                className="rounded-md border border-accent-500 bg-accent-500/10 px-2 py-1 text-accent-400"
              >
                {t("tasks.thisTask", { noun: say(t, modelInfo(c.model).resultNoun) })}
              </span>
            ) : (
              <AppLink
                href={`/tasks/${encodeURIComponent(c.id)}`}
                className="rounded-md border border-ink-600 px-2 py-1 text-slate-200 hover:bg-ink-800"
              >
                {t("tasks.chainItem", { noun: say(t, modelInfo(c.model).resultNoun), n: i + 1 })}
              </AppLink>
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
            <AppLink
              href={`/tasks/${encodeURIComponent(c.id)}`}
              className="rounded-md border border-dashed border-ink-600 px-2 py-1 text-slate-300 hover:bg-ink-800"
            >
              {t("tasks.next", {
                noun: say(t, modelInfo(c.model).resultNoun).toLowerCase(),
                status: t(STATUS_KEYS[c.status]).toLowerCase(),
              })}
            </AppLink>
          </li>
        ))}
      </ol>
      <p className="text-xs text-slate-400" data-testid="chain-length">
        {lineage.extensions > 0
          ? t("tasks.extensions", { n: lineage.extensions, secs: perExtension })
          : t("tasks.noExtensions")}
        {lineage.totalSeconds !== null && lineage.sourceSeconds !== null
          ? t("tasks.chainTotal", {
              source: lineage.sourceSeconds.toFixed(1),
              total: lineage.totalSeconds.toFixed(1),
            })
          : lineage.extensions > 0
            ? t("tasks.chainAdded", { secs: lineage.extensions * perExtension })
            : t("tasks.chainEnd")}
      </p>
    </section>
  );
}

// The full-screen view is loaded only when someone presses Present.
const PresentView = dynamic(() => import("@/components/present/present-view").then((m) => m.PresentView), {
  ssr: false,
});

/** Before and after for a model that starts from a still image: the image beside the result. */
function StillAndResult({ imageUrl, resultUrl }: { imageUrl: string; resultUrl: string | null }) {
  const t = useTranslations();
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img
        src={imageUrl}
        alt={t("tasks.sourceImage")}
        className="max-h-80 w-full rounded-md bg-black object-contain"
      />
      {resultUrl ? (
        <video
          src={resultUrl}
          controls
          playsInline
          preload="metadata"
          aria-label={t("tasks.resultVideo")}
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
  const t = useTranslations();
  const format = useFormatter();
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
  const [presenting, setPresenting] = useState(false);
  const fmt = (iso: string | null) =>
    iso ? format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "medium" }) : "—";
  const id = encodeURIComponent(task.id);

  return (
    <article aria-label={t("tasks.taskName", { id: task.id })} className="space-y-6">
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
            {copied ? t("tasks.copied") : t("tasks.copyId")}
          </button>
        </span>
        <span className="ml-auto flex items-center gap-2">
          <FavouriteButton task={task} />
          <button
            type="button"
            onClick={() => {
              for (const v of document.querySelectorAll("video")) v.pause();
              setPresenting(true);
            }}
            className="inline-flex h-8 items-center rounded-md border border-ink-600 bg-ink-800 px-2.5 text-xs font-medium text-slate-100 hover:bg-ink-700"
          >
            {t("compare.present")}
          </button>
        </span>
      </div>
      {!isFinished(task) ? <TaskProgress task={task} query={query} /> : null}
      {task.status === "failed" ? (
        <p
          role="alert"
          className="rounded-md border border-rose-400/30 bg-rose-500/10 p-3 text-sm text-rose-200"
        >
          <FailureWords task={task} />
        </p>
      ) : null}

      {modelInfo(task.model).source.kind === "video" ? (
        <SyncedPlayers sourceUrl={sourceUrl(task.input)} resultUrl={task.videoUrl} />
      ) : (
        <StillAndResult imageUrl={sourceUrl(task.input)} resultUrl={task.videoUrl} />
      )}
      <StorageNote task={task} />

      <nav aria-label={t("tasks.actions")} className="flex flex-wrap gap-2">
        {task.videoUrl ? (
          <>
            <AppLink href={`/?from=${id}&action=extend`} className={actionClass}>
              {t("tasks.extendThis")}
            </AppLink>
            <AppLink href={`/?from=${id}&action=edit`} className={actionClass}>
              {t("tasks.editThis")}
            </AppLink>
          </>
        ) : null}
        <AppLink href={`/?from=${id}&action=reuse`} className={actionClass}>
          {t("tasks.useSettings")}
        </AppLink>
        {task.downloadUrl ? (
          <a
            href={task.downloadUrl}
            download
            className={`${actionClass} border-accent-500 bg-accent-500 text-ink-950 hover:bg-accent-400`}
          >
            {t("common.download")}
          </a>
        ) : null}
      </nav>

      <Lineage task={task} lineage={lineage.data} />
      {presenting ? (
        <PresentView
          cells={cellsFor([task])}
          startIndex={1}
          title={`${modelInfo(task.model).label}: ${task.input.prompt.slice(0, 60)}`}
          onClose={() => {
            setPresenting(false);
          }}
        />
      ) : null}

      <section aria-labelledby="prompt-heading" className="space-y-1">
        <h2 id="prompt-heading" className="text-sm font-semibold text-slate-200">
          {t("models.common.prompt")}
        </h2>
        <PromptWithRefs input={task.input} />
      </section>
      <div className="grid gap-6 md:grid-cols-2">
        <section aria-labelledby="settings-heading" className="space-y-1">
          <h2 id="settings-heading" className="text-sm font-semibold text-slate-200">
            {t("tasks.settings")}
          </h2>
          <dl className="grid grid-cols-[minmax(0,9rem)_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
            {settingsOf(task, t).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-400">{k}</dt>
                <dd className="break-all text-slate-200">{v}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section aria-labelledby="timing-heading" className="space-y-1">
          <h2 id="timing-heading" className="text-sm font-semibold text-slate-200">
            {t("tasks.timing")}
          </h2>
          <dl className="grid grid-cols-[minmax(0,9rem)_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
            {task.createdBy ? (
              <>
                <dt className="text-slate-400">{t("tasks.startedBy")}</dt>
                <dd className="text-slate-200">{task.createdBy.name}</dd>
              </>
            ) : null}
            <dt className="text-slate-400">{t("tasks.submitted")}</dt>
            <dd className="text-slate-200" suppressHydrationWarning>
              {fmt(task.createdAt)}
            </dd>
            <dt className="text-slate-400">{t("tasks.finished")}</dt>
            <dd className="text-slate-200" suppressHydrationWarning>
              {fmt(task.completedAt)}
            </dd>
            <dt className="text-slate-400">{t("tasks.tookLabel")}</dt>
            <dd className="text-slate-200">
              {task.completedAt
                ? formatDuration(Date.parse(task.completedAt) - Date.parse(task.createdAt))
                : "—"}
            </dd>
          </dl>
        </section>
      </div>
      <AppLink href="/" className="inline-block text-sm text-accent-400 hover:underline">
        {t("tasks.back")}
      </AppLink>
    </article>
  );
}
