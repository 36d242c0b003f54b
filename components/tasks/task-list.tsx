"use client";

import { useInfiniteQuery, useQueries } from "@tanstack/react-query";
import { useDeferredValue, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { type TaskFilters, fetchTasks, taskKeys } from "@/lib/client/api";
import { useLiveMode } from "@/lib/client/live";
import { taskQueryOptions } from "@/lib/client/queries";
import { MODEL_IDS, modelInfo } from "@/lib/models/catalog";
import { isFinished } from "@/lib/tasks/polling";
import type { TaskPage, TaskView } from "@/lib/tasks/types";
import { TaskCard } from "./task-card";

// The filters sit on one line beside each other when there is room, stacked on a phone.
const filterClass =
  "h-8 min-w-0 rounded-md border border-ink-600 bg-ink-900 px-2 text-xs text-slate-100 placeholder:text-slate-500 focus:border-accent-500";

/** The Tasks list: every recorded task, newest first, filterable, each followed to the end. */
export function TaskList({
  initialPage,
  onRetry,
}: {
  initialPage: TaskPage;
  onRetry: (task: TaskView) => void;
}) {
  const [search, setSearch] = useState("");
  const [model, setModel] = useState("");
  const [status, setStatus] = useState("");
  const q = useDeferredValue(search.trim());
  const filters: TaskFilters = {
    ...(model ? { model } : {}),
    ...(status ? { status } : {}),
    ...(q ? { q } : {}),
  };
  const unfiltered = Object.keys(filters).length === 0;

  const list = useInfiniteQuery({
    queryKey: taskKeys.list(filters),
    queryFn: ({ pageParam }) => fetchTasks({ cursor: pageParam, limit: 20, ...filters }),
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

  useEffect(() => {
    document.title = running > 0 ? `(${String(running)} running) Retake` : "Retake";
  }, [running]);

  return (
    <section aria-labelledby="tasks-heading" className="space-y-3">
      <div className="flex items-baseline justify-between">
        <h2 id="tasks-heading" className="text-base font-semibold text-slate-100">
          Tasks
        </h2>
        <span className="text-xs text-slate-400" aria-live="polite">
          {running > 0 ? `${String(running)} running` : tasks.length > 0 ? "All finished" : ""}
        </span>
      </div>
      {unfiltered && tasks.length === 0 && !list.isFetching ? null : (
        <div
          role="search"
          aria-label="Filter tasks"
          className="grid grid-cols-2 gap-2 sm:grid-cols-[minmax(0,1fr)_auto_auto]"
        >
          <input
            type="search"
            aria-label="Search prompts"
            placeholder="Search prompts"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className={`${filterClass} col-span-2 sm:col-span-1`}
          />
          <select
            aria-label="Filter by model"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            className={filterClass}
          >
            <option value="">All models</option>
            {MODEL_IDS.map((id) => (
              <option key={id} value={id}>
                {modelInfo(id).label}
              </option>
            ))}
          </select>
          <select
            aria-label="Filter by status"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            className={filterClass}
          >
            <option value="">Any status</option>
            <option value="pending">Pending</option>
            <option value="processing">Processing</option>
            <option value="completed">Completed</option>
            <option value="failed">Failed</option>
          </select>
        </div>
      )}
      {tasks.length === 0 ? (
        <div className="rounded-lg border border-dashed border-ink-600 p-6 text-center text-sm text-slate-400">
          {unfiltered ? (
            <>
              <p className="font-medium text-slate-300">No tasks yet.</p>
              <p className="mt-1">
                Choose a model, paste a video link, describe the change, and press Generate. Your tasks will
                appear here and keep going if you reload.
              </p>
            </>
          ) : (
            <p>{list.isFetching ? "Searching…" : "No tasks match these filters."}</p>
          )}
        </div>
      ) : (
        <ul aria-label="Tasks" className="space-y-3">
          {live.map((task, i) => (
            <li key={task.id}>
              <TaskCard task={task} query={queries[i]!} onRetry={onRetry} />
            </li>
          ))}
        </ul>
      )}
      {list.isError ? (
        <p role="alert" className="text-xs text-rose-300">
          Couldn&apos;t load tasks: {list.error.message}
        </p>
      ) : null}
      {list.hasNextPage ? (
        <Button
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
          className="w-full"
        >
          {list.isFetchingNextPage ? "Loading…" : "Show older tasks"}
        </Button>
      ) : null}
    </section>
  );
}
