"use client";

import { useTranslations } from "next-intl";
import { Suspense, lazy, useEffect, useId, useState, type DragEvent, type ReactNode } from "react";
import { say } from "@/lib/i18n/message";
import { cn } from "@/components/ui/cn";
import type { ClipFix } from "@/lib/models/definition";
import type { MeasuredVideo } from "@/lib/models/shared";
import { MAX_UPLOAD_BYTES, type UploadKind, acceptFor, formatBytes } from "@/lib/uploads/types";
import type { ClipPlan, planClipFix } from "./clip-fix-plan";
import { RecentUploads } from "./recent-uploads";
import { useUpload } from "./use-upload";

// The fixer and Mediabunny load only when the dialog opens: the studio's first load stays within its budget.
const ClipFixerDialog = lazy(() => import("./clip-fixer-dialog"));
const UploadStatus = lazy(() => import("./upload-status"));
const FixButton = lazy(() => import("./upload-status").then((m) => ({ default: m.FixButton })));

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes("Files");

/**
 * A URL field's local-file alternative: drop a file anywhere on the field, or choose one; it is checked, uploaded
 * with a progress bar that can be cancelled, and its public URL is put in the field. Or pick a recent upload.
 *
 * `fieldName` names the controls: "video" gives a file input named "Video file"; "Image 1" gives "Image 1 file".
 */
export function FileDrop({
  kind,
  fieldName,
  value,
  onUrl,
  onBusy,
  videoProblems,
  modelLabel,
  clipFix,
  modelName,
  compact = false,
  children,
}: {
  kind: UploadKind;
  fieldName: string;
  /** The field's current URL: a finished upload's note shows only while the field still holds its link. */
  value: string;
  onUrl: (url: string) => void;
  /** Told when this field starts and stops uploading (the form holds Generate meanwhile). */
  onBusy?: (id: string, busy: boolean) => void;
  videoProblems?: (video: MeasuredVideo) => string[];
  modelLabel?: string;
  /** How a refused local clip can be fixed for the chosen model, and the model's short name for messages. */
  clipFix?: ClipFix;
  modelName?: string;
  compact?: boolean;
  children: ReactNode;
}) {
  const t = useTranslations();
  const inputId = useId();
  const [fixing, setFixing] = useState<{ file: File; measured: MeasuredVideo; plan: ClipPlan } | null>(null);
  const [fixNote, setFixNote] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [pickerOpen, setPickerOpen] = useState(false);
  const { state, start, cancel, retry, pick } = useUpload({
    kind,
    videoProblems,
    modelLabel,
    onUrl,
    onBusy: (busy) => onBusy?.(inputId, busy),
  });
  // "Video file", "Image 1 file" ("视频文件"): the field's name leads, capitalized where the language has case.
  const named = t("uploads.fileLabel", { field: fieldName });
  const fileLabel = `${named.charAt(0).toUpperCase()}${named.slice(1)}`;
  const busy = state.phase === "uploading" || state.phase === "checking";
  const name = modelName ?? modelLabel ?? t("uploads.thisModel");
  // Offered only for a clip refused by the chosen model's own rules, which the browser could measure. The planner
  // comes with the first such clip (it is the clip fixer's, loaded with it), not with the studio.
  const refusedClip =
    state.phase === "refused" && clipFix && state.file && state.measured && state.checkedFor === modelLabel
      ? { file: state.file, measured: state.measured, clipFix }
      : null;
  const [planner, setPlanner] = useState<typeof planClipFix | null>(null);
  const wantsPlanner = refusedClip !== null && planner === null;
  useEffect(() => {
    if (wantsPlanner) void import("./clip-fix-plan").then((m) => setPlanner(() => m.planClipFix));
  }, [wantsPlanner]);
  const fixable =
    refusedClip && planner
      ? {
          file: refusedClip.file,
          measured: refusedClip.measured,
          plan: planner(refusedClip.measured, refusedClip.clipFix, name),
        }
      : null;

  return (
    <div
      onDragEnter={(e) => {
        if (hasFiles(e)) setDragging(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        const file = e.dataTransfer.files[0];
        if (file) void start(file);
      }}
      className={cn(
        // Long file names are truncated here; they must not widen the form on a phone.
        "relative rounded-md transition-colors [contain:inline-size]",
        dragging && "outline-2 outline-offset-4 outline-dashed outline-accent-400",
      )}
    >
      {children}
      <div
        className={cn(
          compact ? "mt-1.5" : "mt-2 rounded-md border border-dashed border-ink-600 bg-ink-900/40 px-3 py-2",
          !compact && dragging && "border-accent-400 bg-accent-500/10",
        )}
      >
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1.5 text-xs text-slate-400">
          {compact ? null : (
            <span>
              {dragging ? (
                <strong className="font-medium text-accent-400">{t("uploads.dropToUpload", { kind })}</strong>
              ) : (
                <>
                  {t("uploads.orDrop", { kind })}{" "}
                  <span className="hidden sm:inline">
                    {t("uploads.typesUpTo", { kind, max: formatBytes(MAX_UPLOAD_BYTES[kind]) })}
                  </span>
                </>
              )}
            </span>
          )}
          <label
            htmlFor={inputId}
            className={cn(
              "inline-flex h-8 cursor-pointer items-center gap-1.5 rounded-md border border-ink-600 bg-ink-800 px-2.5 text-xs font-medium text-slate-100 hover:bg-ink-700 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-400",
              busy && "pointer-events-none opacity-50",
            )}
          >
            <span aria-hidden="true">↑</span> {compact ? t("uploads.upload") : t("uploads.chooseFile")}
            <input
              id={inputId}
              type="file"
              accept={acceptFor(kind)}
              aria-label={fileLabel}
              disabled={busy}
              className="sr-only"
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                // Clear it so choosing the same file again still fires a change.
                e.currentTarget.value = "";
                if (file) void start(file);
              }}
            />
          </label>
          <RecentUploads
            kind={kind}
            open={pickerOpen}
            onToggle={() => setPickerOpen((o) => !o)}
            onPick={(u) => {
              setPickerOpen(false);
              pick(u);
            }}
            fieldName={fieldName}
            videoProblems={videoProblems}
            modelLabel={modelLabel}
          />
        </div>
        <div aria-live="polite" className="text-xs">
          {state.phase === "idle" ? null : (
            <Suspense fallback={null}>
              <UploadStatus
                state={state}
                value={value}
                fieldName={fieldName}
                modelLabel={modelLabel}
                onCancel={cancel}
                onRetry={() => retry()}
                onForce={() => retry({ force: true })}
                onFresh={() => retry({ fresh: true })}
                fix={
                  fixable ? (
                    <FixButton
                      reason={fixable.plan.unfixable}
                      onClick={() => {
                        setFixNote(null);
                        setFixing(fixable);
                      }}
                    />
                  ) : null
                }
              />
            </Suspense>
          )}
        </div>
        {fixNote && (state.phase === "uploading" || state.phase === "done") ? (
          <p className="mt-1 text-xs text-amber-300">{say(t, fixNote)}</p>
        ) : null}
      </div>
      {fixing ? (
        <Suspense fallback={null}>
          <ClipFixerDialog
            file={fixing.file}
            video={fixing.measured}
            plan={fixing.plan}
            name={name}
            videoProblems={videoProblems}
            onClose={() => setFixing(null)}
            onFixed={(file, note) => {
              setFixing(null);
              setFixNote(note);
              void start(file);
            }}
          />
        </Suspense>
      ) : null}
    </div>
  );
}
