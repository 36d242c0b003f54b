"use client";

import { useTranslations } from "next-intl";
import { Suspense, lazy, useId } from "react";
import { msg } from "@/lib/i18n/message";
import { cn } from "@/components/ui/cn";
import type { MeasuredVideo } from "@/lib/models/media";
import { type UploadKind, type UploadView, formatRemaining } from "@/lib/uploads/types";

const RecentUploadsPanel = lazy(() => import("./recent-uploads-panel"));

/** How long ago, as a catalog key (lib/i18n/message.ts). */
function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return msg("uploads.justNow");
  if (minutes < 60) return msg("uploads.minAgo", { n: String(minutes) });
  return msg("uploads.hoursAgo", { n: String(Math.floor(minutes / 60)) });
}

/** "uploaded 5 min ago · expires in 71 h", the words the picker and the field status share (catalog keys). */
export function lifeOf(upload: UploadView, now: number): { ago: string; expires: string; soon: boolean } {
  const left = upload.expiresAt - now;
  return {
    ago: ago(now - upload.createdAt),
    expires: formatRemaining(left),
    soon: left < 6 * 3600_000,
  };
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
  const t = useTranslations();
  const panelId = useId();

  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={onToggle}
        className="inline-flex h-8 items-center gap-1 rounded-md px-2.5 text-xs font-medium text-slate-300 hover:bg-ink-800 hover:text-slate-100"
      >
        {t("uploads.recent")}
        <span aria-hidden="true" className={cn("inline-block transition-transform", open && "rotate-180")}>
          ▾
        </span>
      </button>
      {open ? (
        <Suspense
          fallback={
            <p id={panelId} className="basis-full px-1 py-2 text-xs text-slate-400">
              {t("uploads.loadingRecent")}
            </p>
          }
        >
          <RecentUploadsPanel
            panelId={panelId}
            kind={kind}
            onPick={onPick}
            fieldName={fieldName}
            videoProblems={videoProblems}
            modelLabel={modelLabel}
          />
        </Suspense>
      ) : null}
    </>
  );
}
