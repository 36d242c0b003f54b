"use client";

import { useInfiniteQuery, useQueries } from "@tanstack/react-query";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { fetchTasks, taskKeys } from "@/lib/client/api";
import { taskQueryOptions } from "@/lib/client/queries";
import { isFinished } from "@/lib/tasks/polling";
import type { TaskPage, TaskView } from "@/lib/tasks/types";
import { TaskCard } from "./task-card";

/** The Tasks list: every recorded task, newest first, each followed to the end. */
export function TaskList({
  initialPage,
  onRetry,
}: {
  initialPage: TaskPage;
  onRetry: (task: TaskView) => void;
}) {
  const list = useInfiniteQuery({
    queryKey: taskKeys.list(),
    queryFn: ({ pageParam }) => fetchTasks({ cursor: pageParam, limit: 20 }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initialPage], pageParams: [null] },
    staleTime: 10_000,
  });
  const tasks = list.data.pages.flatMap((p) => p.tasks);
  const queries = useQueries({ queries: tasks.map((t) => taskQueryOptions(t)) });
  const live = queries.map((q, i) => q.data ?? tasks[i]!);
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
      {tasks.length === 0 ? (
        <div className="rounded-lg border border-dashed border-ink-600 p-6 text-center text-sm text-slate-400">
          <p className="font-medium text-slate-300">No tasks yet.</p>
          <p className="mt-1">
            Choose a model, paste a video link, describe the change, and press Generate. Your tasks will
            appear here and keep going if you reload.
          </p>
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
