"use client";

import { useTranslations } from "next-intl";
import { say } from "@/lib/i18n/message";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { cn } from "@/components/ui/cn";
import { setFavourite, taskKeys } from "@/lib/client/api";
import { applyTaskChange } from "@/lib/client/live";
import type { TaskView } from "@/lib/tasks/types";

/**
 * The team's favourite mark on a task: a toggle (aria-pressed) whose name never changes. The answer is written into
 * the cache like a live change, and filtered lists are read again (the task may have joined or left them).
 */
export function FavouriteButton({ task, className }: { task: TaskView; className?: string }) {
  const t = useTranslations();
  const client = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (next: boolean) => setFavourite(task.id, next),
    onSuccess: (updated) => {
      setProblem(null);
      applyTaskChange(client, updated);
      void client.invalidateQueries({
        queryKey: taskKeys.lists(),
        predicate: (q) => (q.queryKey[2] as { favourite?: boolean } | undefined)?.favourite === true,
      });
    },
    onError: (err) => setProblem(err instanceof Error ? say(t, err.message) : t("compare.favouriteFailed")),
  });
  const on = mutation.isPending ? mutation.variables : task.favourite;
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        aria-pressed={on}
        onClick={() => mutation.mutate(!on)}
        title={on ? t("compare.unfavourite") : t("compare.favourite")}
        className={cn(
          "inline-flex h-8 items-center gap-1 rounded-md border px-2 text-xs font-medium transition-colors",
          on
            ? "border-amber-300/60 bg-amber-400/15 text-amber-200 hover:bg-amber-400/25"
            : "border-ink-600 bg-ink-800 text-slate-200 hover:bg-ink-700",
          className,
        )}
      >
        <span aria-hidden="true">{on ? "★" : "☆"}</span>
        {t("compare.favouriteName")}
      </button>
      {problem ? (
        <span role="alert" className="text-xs text-rose-300">
          {problem}
        </span>
      ) : null}
    </span>
  );
}
