"use client";

import type { TaskView } from "@/lib/tasks/types";
import { useNow } from "./use-now";

/** Whether a result is safe in our storage, or still only on the provider's link (with the time it has left). */
export function StorageNote({ task }: { task: TaskView }) {
  const now = useNow(60_000, task.storage === "provider");
  if (!task.storage) return null;
  if (task.storage === "stored")
    return (
      <p className="text-xs text-emerald-300" data-storage="stored">
        ✓ Saved on this server: the link won&apos;t expire.
      </p>
    );
  const left = task.resultExpiresAt ? Date.parse(task.resultExpiresAt) - now : null;
  const words =
    left === null
      ? ""
      : left <= 0
        ? " The provider's link has expired."
        : ` The provider's link expires in ${left >= 3600_000 ? `${String(Math.floor(left / 3600_000))} h ` : ""}${String(Math.floor((left % 3600_000) / 60_000))} min.`;
  return (
    <p className="text-xs text-amber-300" data-storage="provider">
      Copying to this server…{words}
    </p>
  );
}
