"use client";

import { useTranslations } from "next-intl";
import { useId, type ReactNode } from "react";
import { say } from "@/lib/i18n/message";
import { useNow } from "@/components/tasks/use-now";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { formatBytes } from "@/lib/uploads/types";
import { lifeOf } from "./recent-uploads";
import type { UploadState } from "./use-upload";

/*
 * What a file field says once a file is chosen: checking, refused (and how to fix it), the upload's progress, done,
 * failed or cancelled. Loaded with the first file, not with the studio; the field's polite live region (in
 * file-drop.tsx) is on the page from the start, so what appears in it is announced.
 */

/** "Fix it for me", or the same button disabled with the reason when trimming and scaling cannot help. */
export function FixButton({ reason, onClick }: { reason?: string; onClick: () => void }) {
  const t = useTranslations();
  const id = useId();
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-2">
      <Button
        size="sm"
        variant="secondary"
        onClick={onClick}
        disabled={Boolean(reason)}
        aria-describedby={reason ? id : undefined}
      >
        {t("fixer.fixForMe")}
      </Button>
      {reason ? (
        <span id={id} className="text-slate-400">
          {say(t, reason)}
        </span>
      ) : null}
    </div>
  );
}

export default function UploadStatus({
  state,
  value,
  fieldName,
  modelLabel,
  onCancel,
  onRetry,
  onForce,
  onFresh,
  fix,
}: {
  fix?: ReactNode;
  state: UploadState;
  value: string;
  fieldName: string;
  modelLabel?: string;
  onCancel: () => void;
  onRetry: () => void;
  onForce: () => void;
  onFresh: () => void;
}) {
  const t = useTranslations();
  const now = useNow(60_000, state.phase === "done");
  const link = "underline decoration-slate-500 underline-offset-2 hover:text-slate-100";
  let body: ReactNode = null;
  switch (state.phase) {
    case "checking":
      body = <p className="text-slate-400">{t("uploads.checking", { name: state.name })}</p>;
      break;
    case "refused":
      body = (
        <div role="alert" className="text-rose-300">
          <p className="font-medium">{t("uploads.notUploaded", { name: state.name })}</p>
          <ul aria-label={t("uploads.problemsWith", { field: fieldName })} className="mt-0.5 space-y-0.5">
            {state.problems.map((p) => (
              <li key={p}>{say(t, p)}</li>
            ))}
          </ul>
          {state.checkedFor && modelLabel && state.checkedFor !== modelLabel ? (
            <button type="button" className={cn(link, "mt-1 text-slate-300")} onClick={onRetry}>
              {t("uploads.checkFor", { model: modelLabel })}
            </button>
          ) : null}
          {fix}
          {state.canForce ? (
            <button type="button" className={cn(link, "mt-1 text-slate-300")} onClick={onForce}>
              {t("uploads.uploadAnyway")}
            </button>
          ) : null}
        </div>
      );
      break;
    case "uploading": {
      const pct = state.total > 0 ? Math.min(100, Math.floor((state.loaded / state.total) * 100)) : 0;
      body = (
        <div className="space-y-1">
          <div className="flex items-center gap-2">
            <div
              role="progressbar"
              aria-label={t("uploads.uploadingName", { name: state.name })}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              className="h-1.5 min-w-0 flex-1 overflow-hidden rounded-full bg-ink-700"
            >
              <div
                className="h-full rounded-full bg-accent-500 transition-[width]"
                style={{ width: `${String(pct)}%` }}
              />
            </div>
            <Button
              size="sm"
              variant="ghost"
              onClick={onCancel}
              aria-label={t("uploads.cancelUpload", { field: fieldName })}
            >
              {t("common.cancel")}
            </Button>
          </div>
          <p className="truncate text-slate-400">
            {t("uploads.uploadingName", { name: state.name })} · <span className="tabular-nums">{pct}%</span>{" "}
            ·{" "}
            <span className="tabular-nums">
              {t("uploads.bytesOf", { loaded: formatBytes(state.loaded), total: formatBytes(state.total) })}
            </span>
          </p>
        </div>
      );
      break;
    }
    case "done": {
      if (value.trim() !== state.upload.url) break;
      const life = lifeOf(state.upload, now);
      const expires = (
        <span className={life.soon ? "text-amber-300" : undefined}>
          {t("uploads.linkExpires", { expires: say(t, life.expires) })}
        </span>
      );
      body = (
        <p className="text-emerald-300">
          {state.how === "uploaded" ? (
            <>
              {t("uploads.uploaded", { name: state.upload.filename, size: formatBytes(state.upload.size) })} ·{" "}
              {expires}
            </>
          ) : state.how === "reused" ? (
            <>
              {t("uploads.reused", { ago: say(t, life.ago), expires: say(t, life.expires) })}{" "}
              <button type="button" className={cn(link, "text-slate-300")} onClick={onFresh}>
                {t("uploads.uploadAgain")}
              </button>
            </>
          ) : (
            <>
              {t("uploads.usingRecent", { name: state.upload.filename })} · {expires}
            </>
          )}
        </p>
      );
      break;
    }
    case "failed":
      body = (
        <p role="alert" className="text-rose-300">
          {t("uploads.failed", { name: state.name, message: say(t, state.message) })}{" "}
          <button
            type="button"
            className={cn(link, "text-slate-300")}
            onClick={onRetry}
            aria-label={t("uploads.tryAgainName", { name: state.name })}
          >
            {t("uploads.tryAgain")}
          </button>
        </p>
      );
      break;
    case "cancelled":
      body = <p className="text-slate-400">{t("uploads.cancelled", { name: state.name })}</p>;
      break;
    case "idle":
      break;
  }
  return body ? <div className="mt-1.5">{body}</div> : null;
}
