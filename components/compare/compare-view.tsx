"use client";

import { useTranslations } from "next-intl";
import { say } from "@/lib/i18n/message";

import { AppLink } from "@/components/ui/app-link";
import dynamic from "next/dynamic";
import { useQueries } from "@tanstack/react-query";
import { useState } from "react";
import { FavouriteButton } from "@/components/tasks/favourite-button";
import { seedOf, settingsOf } from "@/components/tasks/settings";
import { StatusWord } from "@/components/tasks/task-card";
import { Segmented } from "@/components/ui/segmented";
import { useLiveMode } from "@/lib/client/live";
import { taskQueryOptions } from "@/lib/client/queries";
import { modelInfo } from "@/lib/models/catalog";
import type { TaskView } from "@/lib/tasks/types";
import { type Cell, cellsFor } from "./cells";
import { SyncControls } from "./sync-controls";
import { useSyncGroup } from "./use-sync-group";

const PresentView = dynamic(() => import("@/components/present/present-view").then((m) => m.PresentView), {
  ssr: false,
});

const actionClass =
  "inline-flex h-8 items-center rounded-md border border-ink-600 bg-ink-800 px-2.5 text-xs font-medium text-slate-100 hover:bg-ink-700";

/** What a result cell says about its task: model, prompt, seed, settings, and what can be done with it. */
function CellDetails({ task }: { task: TaskView }) {
  const t = useTranslations();
  const id = encodeURIComponent(task.id);
  const info = modelInfo(task.model);
  const seedLabel = info.settings.find((f) => f.name === "seed")?.label;
  const hidden = new Set([
    t("studio.model"),
    say(t, info.source.settingsLabel),
    ...(seedLabel ? [say(t, seedLabel)] : []),
  ]);
  const rows = settingsOf(task, t).filter(([k]) => !hidden.has(k));
  return (
    <div className="space-y-2">
      <p className="line-clamp-3 text-sm text-slate-200" title={task.input.prompt} translate="no">
        {task.input.prompt}
      </p>
      <dl className="grid grid-cols-[minmax(0,7rem)_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs">
        <dt className="text-slate-400">{t("models.veo.seed")}</dt>
        <dd className="break-all text-slate-200">{seedOf(task, t)}</dd>
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-400">{k}</dt>
            <dd className="break-all text-slate-200">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="flex flex-wrap items-center gap-2">
        <FavouriteButton task={task} />
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
        <AppLink href={`/tasks/${id}`} className="text-xs text-accent-400 hover:underline">
          {t.rich("tasks.open", { id: task.id, sr: (chunks) => <span className="sr-only">{chunks}</span> })}
        </AppLink>
      </div>
    </div>
  );
}

function CellMedia({
  cell,
  register,
}: {
  cell: Cell;
  register: (key: string) => (el: HTMLVideoElement | null) => void;
}) {
  const t = useTranslations();
  if (cell.kind === "video" && cell.url)
    return (
      <video
        ref={register(cell.key)}
        src={cell.url}
        playsInline
        preload="auto"
        aria-label={t("compare.videoOf", { label: cell.label })}
        className="aspect-video w-full rounded-md bg-black object-contain"
      />
    );
  if (cell.kind === "image" && cell.url) {
    return (
      // eslint-disable-next-line @next/next/no-img-element
      <img
        src={cell.url}
        alt={t("compare.imageOf", { label: cell.label })}
        className="aspect-video w-full rounded-md bg-black object-contain"
      />
    );
  }
  return (
    <div className="flex aspect-video items-center justify-center rounded-md border border-dashed border-ink-600 text-sm text-slate-400">
      {cell.task?.status === "failed" ? t("compare.failedNoResult") : t("tasks.resultWillAppear")}
    </div>
  );
}

/** The compare page's body: the results (and their source) side by side as one synced group of players. */
export function CompareView({ initialTasks }: { initialTasks: TaskView[] }) {
  const t = useTranslations();
  const live = useLiveMode();
  const queries = useQueries({ queries: initialTasks.map((task) => taskQueryOptions(task, live)) });
  const tasks = queries.map((q, i) => q.data ?? initialTasks[i]!);
  const cells = cellsFor(tasks).map((c) => ({ ...c, label: say(t, c.label) }));
  const firstResult = cells.find((c) => c.task && c.kind === "video")?.key ?? null;
  const [sound, setSound] = useState<string>(firstResult ?? "none");
  const group = useSyncGroup(firstResult);
  const [presenting, setPresenting] = useState<{ time: number } | null>(null);
  const videoCells = cells.filter((c) => c.kind === "video");

  const chooseSound = (key: string) => {
    setSound(key);
    group.setSoundFrom(key === "none" ? null : key);
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold text-slate-100">{t("compare.title", { n: tasks.length })}</h1>
        <button
          type="button"
          onClick={() => {
            group.pause();
            setPresenting({ time: group.time });
          }}
          className="ml-auto inline-flex h-9 items-center rounded-md border border-ink-600 bg-ink-800 px-3 text-sm font-medium text-slate-100 hover:bg-ink-700"
        >
          {t("compare.present")}
        </button>
      </div>
      <div className="sticky top-0 z-10 -mx-4 space-y-3 border-b border-ink-700 bg-ink-950 px-4 py-3 sm:-mx-6 sm:px-6">
        <SyncControls group={group} />
        <Segmented
          name="compare-sound"
          wrap
          label={t("tasks.soundFrom")}
          value={sound}
          onChange={chooseSound}
          options={[
            ...videoCells.map((c) => ({ value: c.key, label: c.label })),
            { value: "none", label: t("tasks.mute") },
          ]}
        />
      </div>
      <ul aria-label={t("compare.compared")} className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {cells.map((cell) => (
          <li key={cell.key}>
            <figure
              aria-label={cell.label}
              className="space-y-2 rounded-lg border border-ink-700 bg-ink-900 p-3"
            >
              <figcaption className="flex flex-wrap items-center gap-2">
                <span className="text-sm font-semibold text-slate-100">{cell.label}</span>
                {cell.task ? (
                  <>
                    <span className="text-xs text-slate-300">{modelInfo(cell.task.model).label}</span>
                    {cell.task.status !== "completed" ? <StatusWord status={cell.task.status} /> : null}
                  </>
                ) : (
                  <span className="text-xs text-slate-400">{t("compare.sourceNote")}</span>
                )}
              </figcaption>
              <CellMedia cell={cell} register={group.register} />
              {cell.task ? <CellDetails task={cell.task} /> : null}
            </figure>
          </li>
        ))}
      </ul>
      {presenting ? (
        <PresentView
          cells={cells}
          startIndex={cells.findIndex((c) => c.key === firstResult)}
          startTime={presenting.time}
          title={t("compare.title", { n: tasks.length })}
          onClose={() => {
            setPresenting(null);
          }}
        />
      ) : null}
    </div>
  );
}
