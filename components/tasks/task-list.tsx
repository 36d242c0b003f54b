"use client";

import { AppLink } from "@/components/ui/app-link";
import { type UseQueryResult, useInfiniteQuery, useQueries, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useDeferredValue, useState } from "react";
import { say } from "@/lib/i18n/message";
import { Button } from "@/components/ui/button";
import { amountWords } from "@/components/ui/amount";
import { type TaskFilters, fetchTasks, taskKeys } from "@/lib/client/api";
import { rememberTask, useLiveMode } from "@/lib/client/live";
import { taskQueryOptions } from "@/lib/client/queries";
import { MODEL_IDS, modelInfo } from "@/lib/models/catalog";
import { COMPARE_MAX, COMPARE_MIN, compareHref } from "@/lib/tasks/compare-ids";
import { isFinished } from "@/lib/tasks/polling";
import type { TaskPage, TaskView } from "@/lib/tasks/types";
import { useUsage } from "@/lib/client/usage";
import { formatAmount } from "@/lib/pricing/format";
import { type CompareSelection, TaskCard } from "./task-card";
import { useDoneAlerts } from "./use-done-alerts";

type Entry = { task: TaskView; query: UseQueryResult<TaskView> };
type Item = { kind: "task"; entry: Entry } | { kind: "group"; groupId: string; entries: Entry[] };

/** The list in order, the takes of one click gathered where the first of them appears, in take order. */
function groupTakes(entries: Entry[]): Item[] {
  const items: Item[] = [];
  const groups = new Map<string, Entry[]>();
  for (const entry of entries) {
    const id = entry.task.groupId;
    if (!id) {
      items.push({ kind: "task", entry });
      continue;
    }
    const group = groups.get(id);
    if (group) group.push(entry);
    else {
      const list = [entry];
      groups.set(id, list);
      items.push({ kind: "group", groupId: id, entries: list });
    }
  }
  for (const list of groups.values()) list.sort((a, b) => (a.task.take ?? 0) - (b.task.take ?? 0));
  return items;
}

/** The UTC day so far, for the team: tasks started, what FoxAPI reserved, and the estimate at the operator's prices. */
function DayTotal({ priceUnit }: { priceUnit: string | null }) {
  const t = useTranslations();
  const usage = useUsage().data;
  if (!usage) return null;
  const { team } = usage;
  const parts = [t("tasks.dayTasks", { n: team.tasks })];
  if (team.reservedTasks > 0)
    parts.push(t("tasks.dayReserved", { amount: amountWords(t, team.creditsReserved, "credits") }));
  if (team.estimated !== null && priceUnit)
    parts.push(t("tasks.dayEstimated", { amount: formatAmount(team.estimated, priceUnit) }));
  return (
    <p className="text-xs text-slate-400" data-testid="day-total">
      <span className="text-slate-300">{t("tasks.dayTeam")}</span> {parts.join(" · ")}
      {usage.mine ? (
        <>
          {" · "}
          <span className="text-slate-300">{t("tasks.dayMine")}</span>{" "}
          {t("tasks.dayTasks", { n: usage.mine.tasks })}
        </>
      ) : null}
      {usage.cap ? ` · ${t("tasks.dayLeft", { left: usage.cap.left, limit: usage.cap.limit })}` : ""}
    </p>
  );
}

/** The takes of one click, shown together, with **Compare takes** once two or more are done. */
function TakeGroup({
  entries,
  onRetry,
  selectionOf,
}: {
  entries: Entry[];
  onRetry: (task: TaskView) => void;
  selectionOf: (id: string) => CompareSelection;
}) {
  const t = useTranslations();
  const done = entries.filter((e) => e.task.status === "completed");
  const first = entries[0]!.task;
  const label = t("tasks.takesOf", { n: entries.length, model: modelInfo(first.model).label });
  return (
    <section aria-label={label} className="space-y-2 rounded-lg border border-ink-700/70 bg-ink-900/40 p-2">
      <div className="flex flex-wrap items-center justify-between gap-2 px-1">
        <h3 className="text-xs font-medium text-slate-300">
          {label} <span className="text-slate-400">{`· ${t("tasks.takesDone", { n: done.length })}`}</span>
        </h3>
        {done.length >= 2 ? (
          <a
            href={`/compare?ids=${done.map((e) => encodeURIComponent(e.task.id)).join(",")}`}
            className="inline-flex h-8 items-center rounded-md bg-accent-500 px-2.5 text-xs font-medium text-ink-950 hover:bg-accent-400"
          >
            {t("tasks.compareTakes")}
          </a>
        ) : null}
      </div>
      <ul aria-label={t("tasks.takesList", { label })} className="space-y-2">
        {entries.map((e) => (
          <li key={e.task.id}>
            <TaskCard task={e.task} query={e.query} onRetry={onRetry} selection={selectionOf(e.task.id)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

// The filters sit on one line beside each other when there is room, stacked on a phone.
const filterClass =
  "h-8 min-w-0 rounded-md border border-ink-600 bg-ink-900 px-2 text-xs text-slate-100 placeholder:text-slate-500 focus:border-accent-500";

/** The Tasks list: every recorded task, newest first, filterable, each followed to the end. */
export function TaskList({
  initialPage,
  onRetry,
  accounts = false,
  priceUnit = null,
}: {
  initialPage: TaskPage;
  onRetry: (task: TaskView) => void;
  /** Accounts mode: the Mine / Everyone switch, and each card names who started it. */
  accounts?: boolean;
  /** PRICE_UNIT when the operator set prices: the day's estimated total is shown in it. */
  priceUnit?: string | null;
}) {
  const t = useTranslations();
  const [mine, setMine] = useState(false);
  const [search, setSearch] = useState("");
  const [model, setModel] = useState("");
  const [status, setStatus] = useState("");
  const [favourites, setFavourites] = useState(false);
  // Tasks ticked "Select to compare", in the order they were ticked (the grid's order).
  const [selected, setSelected] = useState<string[]>([]);
  const [selectionNote, setSelectionNote] = useState("");
  const q = useDeferredValue(search.trim());
  const filters: TaskFilters = {
    ...(model ? { model } : {}),
    ...(status ? { status } : {}),
    ...(q ? { q } : {}),
    ...(mine ? { mine: true } : {}),
    ...(favourites ? { favourite: true } : {}),
  };
  const unfiltered = Object.keys(filters).length === 0;

  const client = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: taskKeys.list(filters),
    queryFn: async ({ pageParam }) => {
      const page = await fetchTasks({ cursor: pageParam, limit: 20, ...filters });
      // A card shows its task's own query, which a list page would otherwise never move forward.
      return { ...page, tasks: page.tasks.map((task) => rememberTask(client, task)) };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    ...(unfiltered ? { initialData: { pages: [initialPage], pageParams: [null] } } : {}),
    staleTime: 10_000,
    placeholderData: (previous) => previous,
  });
  const tasks = list.data?.pages.flatMap((p) => p.tasks) ?? [];
  const liveMode = useLiveMode();
  const queries = useQueries({ queries: tasks.map((t) => taskQueryOptions(t, liveMode)) });
  const live = queries.map((query, i) => query.data ?? tasks[i]!);
  const running = live.filter((t) => !isFinished(t)).length;
  const { permission, requestPermission } = useDoneAlerts(live, running);
  const items = groupTakes(live.map((task, i) => ({ task, query: queries[i]! })));

  const selectionOf = (id: string): CompareSelection => ({
    checked: selected.includes(id),
    onChange: (checked) => select(id, checked),
  });
  const select = (id: string, checked: boolean) => {
    if (!checked) {
      setSelected((ids) => ids.filter((x) => x !== id));
      setSelectionNote("");
    } else if (selected.length >= COMPARE_MAX) {
      setSelectionNote(t("compare.atMost", { max: COMPARE_MAX }));
    } else {
      setSelected((ids) => (ids.includes(id) ? ids : [...ids, id]));
      setSelectionNote("");
    }
  };

  return (
    <section aria-labelledby="tasks-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="tasks-heading" className="text-base font-semibold text-slate-100">
          {t("tasks.heading")}
        </h2>
        <div className="flex items-center gap-3">
          <span className="text-xs text-slate-400" aria-live="polite">
            {running > 0
              ? t("tasks.running", { n: running })
              : tasks.length > 0
                ? t("tasks.allFinished")
                : ""}
          </span>
          {permission === "default" ? (
            <Button size="sm" variant="ghost" onClick={() => void requestPermission()}>
              {t("tasks.notifyMe")}
            </Button>
          ) : permission === "granted" ? (
            <span className="text-xs text-slate-400">{t("tasks.notificationsOn")}</span>
          ) : permission === "denied" ? (
            <span className="text-xs text-slate-400" title={t("tasks.notificationsBlockedHelp")}>
              {t("tasks.notificationsBlocked")}
            </span>
          ) : null}
        </div>
        {selected.length > 0 ? (
          <span className="ml-auto flex items-center gap-2">
            <span className="text-xs text-slate-300">{t("compare.selected", { n: selected.length })}</span>
            {selected.length >= COMPARE_MIN ? (
              <AppLink
                href={compareHref(selected)}
                className="inline-flex h-8 items-center rounded-md bg-accent-500 px-2.5 text-xs font-medium text-ink-950 hover:bg-accent-400"
              >
                {t("compare.compare")}
              </AppLink>
            ) : (
              <span className="text-xs text-slate-400">{t("compare.oneMore")}</span>
            )}
            <Button size="sm" variant="ghost" onClick={() => (setSelected([]), setSelectionNote(""))}>
              {t("compare.clear")}
            </Button>
          </span>
        ) : null}
      </div>
      {selectionNote ? (
        <p role="status" className="text-xs text-amber-300">
          {selectionNote}
        </p>
      ) : null}
      {accounts ? (
        <div
          role="group"
          aria-label={t("tasks.whose")}
          className="inline-flex rounded-md border border-ink-600 p-0.5"
        >
          {(
            [
              [false, "tasks.everyone"],
              [true, "tasks.mine"],
            ] as const
          ).map(([value, label]) => (
            <button
              key={label}
              type="button"
              aria-pressed={mine === value}
              onClick={() => setMine(value)}
              className={`rounded px-2.5 py-1 text-xs ${
                mine === value ? "bg-ink-700 text-slate-100" : "text-slate-400 hover:text-slate-100"
              }`}
            >
              {t(label)}
            </button>
          ))}
        </div>
      ) : null}
      <DayTotal priceUnit={priceUnit} />
      {unfiltered && tasks.length === 0 && !list.isFetching ? null : (
        <div
          role="search"
          aria-label={t("tasks.filter")}
          className="grid grid-cols-2 gap-2 sm:grid-cols-[minmax(0,1fr)_auto_auto_auto]"
        >
          <input
            type="search"
            aria-label={t("tasks.search")}
            placeholder={t("tasks.search")}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className={`${filterClass} col-span-2 sm:col-span-1`}
          />
          <select
            aria-label={t("tasks.filterModel")}
            value={model}
            onChange={(e) => setModel(e.target.value)}
            className={filterClass}
          >
            <option value="">{t("tasks.allModels")}</option>
            {MODEL_IDS.map((id) => (
              <option key={id} value={id}>
                {modelInfo(id).label}
              </option>
            ))}
          </select>
          <select
            aria-label={t("tasks.filterStatus")}
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            className={filterClass}
          >
            <option value="">{t("tasks.anyStatus")}</option>
            {(["pending", "processing", "completed", "failed"] as const).map((s) => (
              <option key={s} value={s}>
                {t(`tasks.status.${s}`)}
              </option>
            ))}
          </select>
          <label className="col-span-2 inline-flex h-8 items-center gap-2 rounded-md border border-ink-600 bg-ink-900 px-2 text-xs text-slate-100 sm:col-span-1">
            <input
              type="checkbox"
              checked={favourites}
              onChange={(e) => setFavourites(e.target.checked)}
              className="h-4 w-4 accent-amber-300"
            />
            {t("compare.favourites")}
          </label>
        </div>
      )}
      {tasks.length === 0 ? (
        <div className="rounded-lg border border-dashed border-ink-600 p-6 text-center text-sm text-slate-400">
          {unfiltered ? (
            <>
              <p className="font-medium text-slate-300">{t("tasks.emptyTitle")}</p>
              <p className="mt-1">{t("tasks.emptyBody")}</p>
            </>
          ) : (
            <p>{list.isFetching ? t("tasks.searching") : t("tasks.noMatch")}</p>
          )}
        </div>
      ) : (
        <ul aria-label={t("tasks.heading")} className="space-y-3">
          {items.map((item) =>
            item.kind === "task" ? (
              <li key={item.entry.task.id}>
                <TaskCard
                  task={item.entry.task}
                  query={item.entry.query}
                  onRetry={onRetry}
                  selection={selectionOf(item.entry.task.id)}
                />
              </li>
            ) : (
              <li key={item.groupId}>
                <TakeGroup entries={item.entries} onRetry={onRetry} selectionOf={selectionOf} />
              </li>
            ),
          )}
        </ul>
      )}
      {list.isError ? (
        <p role="alert" className="text-xs text-rose-300">
          {t("tasks.loadFailed", { message: say(t, list.error.message) })}
        </p>
      ) : null}
      {list.hasNextPage ? (
        <Button
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
          className="w-full"
        >
          {list.isFetchingNextPage ? t("common.loading") : t("tasks.showOlder")}
        </Button>
      ) : null}
    </section>
  );
}
