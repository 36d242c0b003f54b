"use client";

import { type InfiniteData, type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { type LiveHandle, type LiveMode, openLiveUpdates } from "../live/client";
import type { TaskPage, TaskView } from "../tasks/types";
import { fetchTasks, taskKeys } from "./api";

/*
 * One live stream per page (issue 16), shared by every component that shows tasks: opened by the first, closed
 * with the last. Each event is a task's whole state, written into React Query's cache for the task and for every
 * list that holds it. While the stream is healthy the task queries don't poll; when it isn't, `openLiveUpdates`
 * says "polling" and the queries go back to today's polling by themselves. Nothing here is shown as an error.
 */

let mode: LiveMode = "connecting";
let handle: LiveHandle | null = null;
let users = 0;
const modeListeners = new Set<() => void>();

function setMode(next: LiveMode) {
  if (mode === next) return;
  mode = next;
  for (const l of [...modeListeners]) l();
}

const newer = (a: TaskView, b: TaskView) => Date.parse(a.updatedAt) > Date.parse(b.updatedAt);

/**
 * Writes a task's state into its own query unless the cache already holds a newer one, and returns the newest.
 * Every writer goes through this: the stream, a list page, a submit's answer. A submit's answer can arrive after
 * the stream has already said the task finished (a fast task, three takes at once); written blindly it put the
 * card back to Pending, and with the stream healthy nothing polled it out of that.
 */
export function rememberTask(client: QueryClient, task: TaskView): TaskView {
  const cached = client.getQueryData<TaskView>(taskKeys.detail(task.id));
  if (cached && newer(cached, task)) return cached;
  client.setQueryData(taskKeys.detail(task.id), task);
  return task;
}

/** Writes a task's state into the cache: its own query, and its entry in every loaded list. */
export function applyTaskChange(client: QueryClient, task: TaskView) {
  const cached = client.getQueryData<TaskView>(taskKeys.detail(task.id));
  // An older state never replaces a newer one (a resync may carry what the stream already delivered).
  if (rememberTask(client, task) !== task) return;
  let listed = false;
  client.setQueriesData<InfiniteData<TaskPage>>({ queryKey: taskKeys.lists() }, (old) => {
    if (!old) return old;
    let changed = false;
    const pages = old.pages.map((page) => {
      if (!page.tasks.some((t) => t.id === task.id)) return page;
      changed = true;
      return { ...page, tasks: page.tasks.map((t) => (t.id === task.id ? task : t)) };
    });
    if (!changed) return old;
    listed = true;
    return { ...old, pages };
  });
  // A task started elsewhere (another tab, a teammate): newer than anything listed, so the lists load again.
  if (!listed && !cached) void client.invalidateQueries({ queryKey: taskKeys.lists() });
}

/**
 * Changes between the page's first data and the stream's opening are not replayed (a new stream starts at "now"),
 * so each time the stream becomes live the recent tasks are read once from the list, which asks no upstream.
 */
async function catchUp(client: QueryClient) {
  try {
    const page = await fetchTasks({ limit: 50 });
    for (const task of page.tasks) {
      const cached = client.getQueryData<TaskView>(taskKeys.detail(task.id));
      if (cached && Date.parse(task.updatedAt) > Date.parse(cached.updatedAt)) applyTaskChange(client, task);
    }
  } catch {
    // The stream carries later changes anyway, and polling takes over if the stream fails.
  }
}

function start(client: QueryClient) {
  handle = openLiveUpdates<TaskView>({
    onChange: (task) => applyTaskChange(client, task),
    onMode: (next) => {
      setMode(next);
      if (next === "live") void catchUp(client);
    },
    // Signed out or removed: no more stream; whatever is on screen polls (and gets the sign-in answer).
    onEnd: () => setMode("polling"),
    parse: (data) =>
      data && typeof data === "object" && typeof (data as TaskView).id === "string"
        ? (data as TaskView)
        : null,
  });
}

/** Keeps the page's stream open while the calling component is mounted; returns the stream's mode. */
export function useLiveMode(): LiveMode {
  const client = useQueryClient();
  useEffect(() => {
    users++;
    if (!handle) start(client);
    return () => {
      users--;
      if (users === 0) {
        handle?.close();
        handle = null;
        setMode("connecting");
      }
    };
  }, [client]);
  return useSyncExternalStore(
    (l) => {
      modeListeners.add(l);
      return () => void modeListeners.delete(l);
    },
    () => mode,
    () => "connecting",
  );
}
