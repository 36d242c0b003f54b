"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useNow } from "@/components/tasks/use-now";
import { cn } from "@/components/ui/cn";
import { fetchUploads, uploadKeys } from "@/lib/client/uploads";
import { type MeasuredVideo, aspectLabel } from "@/lib/models/media";
import { type UploadKind, type UploadView, formatBytes, formatRemaining } from "@/lib/uploads/types";

function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${String(minutes)} min ago`;
  return `${String(Math.floor(minutes / 60))} h ago`;
}

/** "uploaded 5 min ago · expires in 71 h", the words the picker and the field status share. */
export function lifeOf(upload: UploadView, now: number): { ago: string; expires: string; soon: boolean } {
  const left = upload.expiresAt - now;
  return {
    ago: ago(now - upload.createdAt),
    expires: left > 0 ? `expires in ${formatRemaining(left)}` : "expired",
    soon: left < 6 * 3600_000,
  };
}

function describeVideo(meta: MeasuredVideo): string {
  return `${meta.durationSeconds.toFixed(1)} s · ${String(meta.width)}×${String(meta.height)} · ${aspectLabel(meta.width, meta.height)}`;
}

/**
 * Files uploaded in the last 72 hours (shared by everyone using this server), so the same file is not uploaded
 * twice. Each says when its public link expires upstream.
 */
export function RecentUploads({
  kind,
  open,
  onToggle,
  onPick,
  fieldName,
  videoProblems,
  modelLabel,
}: {
  kind: UploadKind;
  open: boolean;
  onToggle: () => void;
  onPick: (upload: UploadView) => void;
  /** The field it fills, for accessible names: "video", "Image 1". */
  fieldName: string;
  videoProblems?: (video: MeasuredVideo) => string[];
  modelLabel?: string;
}) {
  const panelId = useId();
  const now = useNow(60_000, open);
  const query = useQuery({ queryKey: uploadKeys.recent, queryFn: fetchUploads, enabled: open });
  const items = (query.data ?? []).filter((u) => u.kind === kind && u.expiresAt > now);

  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={onToggle}
        className="inline-flex h-8 items-center gap-1 rounded-md px-2.5 text-xs font-medium text-slate-300 hover:bg-ink-800 hover:text-slate-100"
      >
        Recent uploads
        <span aria-hidden="true" className={cn("inline-block transition-transform", open && "rotate-180")}>
          ▾
        </span>
      </button>
      {open ? (
        <div id={panelId} className="min-w-0 basis-full rounded-md border border-ink-700 bg-ink-950/60 p-2">
          {query.isPending ? (
            <p className="px-1 py-2 text-xs text-slate-400">Loading recent uploads…</p>
          ) : query.isError ? (
            <p role="alert" className="px-1 py-2 text-xs text-rose-300">
              Could not load recent uploads.{" "}
              <button type="button" className="underline" onClick={() => void query.refetch()}>
                Retry
              </button>
            </p>
          ) : items.length === 0 ? (
            <p className="px-1 py-2 text-xs text-slate-400">
              No {kind === "video" ? "videos" : "images"} uploaded in the last 72 hours. Uploaded files are
              kept that long, then FoxAPI deletes them.
            </p>
          ) : (
            <ul aria-label={`Recent ${kind} uploads`} className="max-h-72 space-y-1.5 overflow-y-auto">
              {items.map((u) => {
                const life = lifeOf(u, now);
                const misfit = u.meta && videoProblems ? videoProblems(u.meta).length > 0 : false;
                return (
                  <li
                    key={u.id}
                    className="flex items-center gap-2.5 rounded-md border border-ink-700 bg-ink-900 p-2"
                  >
                    <div className="flex h-10 w-10 shrink-0 items-center justify-center overflow-hidden rounded bg-black text-[10px] font-semibold uppercase text-slate-400">
                      {u.kind === "image" ? (
                        // eslint-disable-next-line @next/next/no-img-element
                        <img src={u.url} alt="" className="h-full w-full object-cover" />
                      ) : (
                        <span aria-hidden="true">{u.filename.split(".").pop()}</span>
                      )}
                    </div>
                    <div className="min-w-0 flex-1">
                      <p className="truncate text-sm text-slate-100" title={u.filename}>
                        {u.filename}
                      </p>
                      <p className="text-xs text-slate-400">
                        {formatBytes(u.size)}
                        {u.meta ? ` · ${describeVideo(u.meta)}` : ""} · uploaded {life.ago} ·{" "}
                        <span className={life.soon ? "text-amber-300" : undefined}>{life.expires}</span>
                      </p>
                      {misfit && modelLabel ? (
                        <p className="text-xs text-amber-300">Breaks {modelLabel}&apos;s limits</p>
                      ) : null}
                    </div>
                    <button
                      type="button"
                      onClick={() => onPick(u)}
                      aria-label={`Use ${u.filename} for the ${fieldName}`}
                      className="h-8 shrink-0 rounded-md border border-ink-600 bg-ink-800 px-2.5 text-xs font-medium text-slate-100 hover:bg-ink-700"
                    >
                      Use
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      ) : null}
    </>
  );
}
