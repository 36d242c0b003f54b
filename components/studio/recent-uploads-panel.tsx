"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { say } from "@/lib/i18n/message";
import { useNow } from "@/components/tasks/use-now";
import { fetchUploads, uploadKeys } from "@/lib/client/uploads";
import { type MeasuredVideo, aspectLabel } from "@/lib/models/media";
import { type UploadKind, type UploadView, formatBytes } from "@/lib/uploads/types";
import { lifeOf } from "./recent-uploads";

function describeVideo(meta: MeasuredVideo): string {
  // Seconds ("s"), pixels and ratios read the same in every language we speak.
  return `${meta.durationSeconds.toFixed(1)} s · ${String(meta.width)}×${String(meta.height)} · ${aspectLabel(meta.width, meta.height)}`;
}

/**
 * The list behind **Recent uploads**: loaded only when a person opens it (with the uploads client it needs), so
 * the studio's first load carries just the button.
 */
export default function RecentUploadsPanel({
  panelId,
  kind,
  onPick,
  fieldName,
  videoProblems,
  modelLabel,
}: {
  panelId: string;
  kind: UploadKind;
  onPick: (upload: UploadView) => void;
  fieldName: string;
  videoProblems?: (video: MeasuredVideo) => string[];
  modelLabel?: string;
}) {
  const t = useTranslations();
  const now = useNow(60_000, true);
  const query = useQuery({ queryKey: uploadKeys.recent, queryFn: fetchUploads });
  const items = (query.data ?? []).filter((u) => u.kind === kind && u.expiresAt > now);

  return (
    <div id={panelId} className="min-w-0 basis-full rounded-md border border-ink-700 bg-ink-950/60 p-2">
      {query.isPending ? (
        <p className="px-1 py-2 text-xs text-slate-400">{t("uploads.loadingRecent")}</p>
      ) : query.isError ? (
        <p role="alert" className="px-1 py-2 text-xs text-rose-300">
          {t("uploads.recentFailed")}{" "}
          <button type="button" className="underline" onClick={() => void query.refetch()}>
            {t("common.retry")}
          </button>
        </p>
      ) : items.length === 0 ? (
        <p className="px-1 py-2 text-xs text-slate-400">{t("uploads.noneRecent", { kind })}</p>
      ) : (
        <ul aria-label={t("uploads.recentKind", { kind })} className="max-h-72 space-y-1.5 overflow-y-auto">
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
                    {u.meta ? ` · ${describeVideo(u.meta)}` : ""} ·{" "}
                    {t("uploads.uploadedAgo", { ago: say(t, life.ago) })} ·{" "}
                    <span className={life.soon ? "text-amber-300" : undefined}>{say(t, life.expires)}</span>
                  </p>
                  {misfit && modelLabel ? (
                    <p className="text-xs text-amber-300">
                      {t("uploads.breaksLimits", { model: modelLabel })}
                    </p>
                  ) : null}
                </div>
                <button
                  type="button"
                  onClick={() => onPick(u)}
                  aria-label={t("uploads.useFor", { name: u.filename, field: fieldName })}
                  className="h-8 shrink-0 rounded-md border border-ink-600 bg-ink-800 px-2.5 text-xs font-medium text-slate-100 hover:bg-ink-700"
                >
                  {t("uploads.use")}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
