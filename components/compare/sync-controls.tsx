"use client";

import { useTranslations } from "next-intl";

import { formatDuration } from "@/components/tasks/format";
import { cn } from "@/components/ui/cn";
import type { SyncGroup } from "./use-sync-group";

/** One Play all / Pause all, one seek bar and the time, for a synced group of players. */
export function SyncControls({ group, className }: { group: SyncGroup; className?: string }) {
  const t = useTranslations();
  return (
    <div className={cn("flex flex-wrap items-center gap-3", className)}>
      <button
        type="button"
        onClick={group.toggle}
        className="h-9 min-w-24 rounded-md bg-accent-500 px-3 text-sm font-medium text-ink-950 hover:bg-accent-400"
      >
        {group.playing ? t("compare.pauseAll") : t("compare.playAll")}
      </button>
      <input
        type="range"
        aria-label={t("compare.seek")}
        min={0}
        max={group.duration || 0}
        step={0.04}
        value={Math.min(group.time, group.duration || 0)}
        onChange={(e) => group.seek(Number(e.target.value))}
        className="min-w-40 flex-1 accent-sky-400"
      />
      <span className="text-xs tabular-nums text-slate-300">
        {formatDuration(group.time * 1000)} / {formatDuration(group.duration * 1000)}
      </span>
    </div>
  );
}
