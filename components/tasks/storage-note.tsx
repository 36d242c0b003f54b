"use client";

import { useTranslations } from "next-intl";
import type { TaskView } from "@/lib/tasks/types";
import { useNow } from "./use-now";

/** Whether a result is safe in our storage, or still only on the provider's link (with the time it has left). */
export function StorageNote({ task }: { task: TaskView }) {
  const t = useTranslations();
  const now = useNow(60_000, task.storage === "provider");
  if (!task.storage) return null;
  if (task.storage === "stored")
    return (
      <p className="text-xs text-emerald-300" data-storage="stored">
        {t("tasks.stored")}
      </p>
    );
  const left = task.resultExpiresAt ? Date.parse(task.resultExpiresAt) - now : null;
  const words =
    left === null
      ? ""
      : left <= 0
        ? ` ${t("tasks.providerExpired")}`
        : ` ${t("tasks.providerExpires", {
            h: Math.floor(left / 3600_000),
            min: Math.floor((left % 3600_000) / 60_000),
          })}`;
  return (
    <p className="text-xs text-amber-300" data-storage="provider">
      {t("tasks.copying")}
      {words}
    </p>
  );
}
