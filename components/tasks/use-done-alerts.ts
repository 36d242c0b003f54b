"use client";

import { useTranslations } from "next-intl";
import type { Translate } from "@/lib/i18n/message";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import { isFinished } from "@/lib/tasks/polling";
import type { TaskView } from "@/lib/tasks/types";

/*
 * "Done" (issue 14): when a task finishes while the page is hidden, the tab's title and favicon say how many
 * finished, and, if the browser allows, a notification says which (clicking it focuses that task). Driven by the
 * task states the list already holds (the live stream writes them into React Query's cache): no polling of its
 * own. Reset when the page is seen again. Permission is asked only from **Notify me**, never on load.
 */

/** The favicon badge and the notifications: fetched with the first task that finishes unseen, not with the page. */
const loadShow = () => import("./done-alerts-show");

export type NotifyPermission = NotificationPermission | "unsupported";

function currentPermission(): NotifyPermission {
  return typeof window !== "undefined" && "Notification" in window ? Notification.permission : "unsupported";
}

/** Permission changes only through **Notify me** (or the browser's settings, seen on the next render). */
const permissionListeners = new Set<() => void>();
const subscribePermission = (l: () => void) => {
  permissionListeners.add(l);
  return () => void permissionListeners.delete(l);
};

/** The element of a task's card; focused (and scrolled to) when its notification is clicked. */
export const taskAnchor = (id: string) => `task-${id}`;

/** Focuses a task's card; false when it isn't on the page (filtered out, or on an older page). */
export function focusTask(id: string): boolean {
  const el = document.getElementById(taskAnchor(id));
  if (!el) return false;
  el.scrollIntoView({ block: "center" });
  el.focus({ preventScroll: true });
  // The list can mount the card anew as the task's result arrives (it moves to its group), which drops focus to
  // the page. For a moment, put it back on the card, unless the person has moved focus somewhere else since.
  let checks = 0;
  const keep = () => {
    const card = document.getElementById(taskAnchor(id));
    const active = document.activeElement;
    if (card && card !== active && (!active || active === document.body)) card.focus({ preventScroll: true });
    if (++checks < 10 && (!active || active === document.body || active === card)) setTimeout(keep, 100);
  };
  setTimeout(keep, 100);
  return true;
}

function setTitle(t: Translate, finished: number, running: number) {
  document.title =
    finished > 0
      ? t("tasks.titleFinished", { n: finished })
      : running > 0
        ? t("tasks.titleRunning", { n: running })
        : "Retake";
}

/**
 * Watches the listed tasks for ones that finish while the page is hidden. The count lives outside React state:
 * the title and the favicon are the only things that show it.
 */
export function useDoneAlerts(tasks: TaskView[], running: number) {
  const t = useTranslations();
  const router = useRouter();
  const permission = useSyncExternalStore(
    subscribePermission,
    currentPermission,
    () => "unsupported" as const,
  );
  const unseen = useRef(0);
  const runningNow = useRef(running);
  /** Whether each task was finished when last seen: only a change to finished is news. */
  const seen = useRef(new Map<string, boolean>());

  useEffect(() => {
    const hidden = document.visibilityState === "hidden";
    let news = 0;
    const fresh: TaskView[] = [];
    for (const task of tasks) {
      const done = isFinished(task);
      const before = seen.current.get(task.id);
      seen.current.set(task.id, done);
      if (before !== false || !done || !hidden) continue;
      news++;
      fresh.push(task);
    }
    if (news > 0) {
      unseen.current += news;
      setTitle(t, unseen.current, runningNow.current);
      void loadShow().then((show) => {
        show.setFavicon(unseen.current);
        if (currentPermission() === "granted")
          for (const task of fresh)
            show.notifyDone(t, task, () => {
              window.focus();
              if (!focusTask(task.id)) router.push(`/tasks/${encodeURIComponent(task.id)}`);
            });
      });
    }
  }, [tasks, router, t]);

  useEffect(() => {
    runningNow.current = running;
    setTitle(t, unseen.current, running);
  }, [running, t]);

  useEffect(() => {
    const onVisibility = () => {
      if (document.visibilityState !== "visible" || unseen.current === 0) return;
      unseen.current = 0;
      setTitle(t, 0, runningNow.current);
      void loadShow().then((show) => show.setFavicon(unseen.current));
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, [t]);

  const requestPermission = useCallback(async () => {
    if (currentPermission() === "unsupported") return;
    try {
      await Notification.requestPermission();
    } finally {
      for (const l of [...permissionListeners]) l();
    }
  }, []);

  return { permission, requestPermission };
}
