"use client";

import { Suspense, lazy, useId, useState, type DragEvent, type ReactNode } from "react";
import { useNow } from "@/components/tasks/use-now";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import type { ClipFix } from "@/lib/models/definition";
import type { MeasuredVideo } from "@/lib/models/shared";
import { MAX_UPLOAD_BYTES, type UploadKind, acceptFor, formatBytes, typeList } from "@/lib/uploads/types";
import { type ClipPlan, planClipFix } from "./clip-fix-plan";
import { RecentUploads, lifeOf } from "./recent-uploads";
import { type UploadState, useUpload } from "./use-upload";

// The fixer and Mediabunny load only when the dialog opens: the studio's first load stays within its budget.
const ClipFixerDialog = lazy(() => import("./clip-fixer-dialog"));

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
  const fileLabel = `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)} file`;
  const busy = state.phase === "uploading" || state.phase === "checking";
  const name = modelName ?? modelLabel ?? "this model";
  // Offered only for a clip refused by the chosen model's own rules, which the browser could measure.
  const fixable =
    state.phase === "refused" && clipFix && state.file && state.measured && state.checkedFor === modelLabel
      ? { file: state.file, measured: state.measured, plan: planClipFix(state.measured, clipFix, name) }
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
                <strong className="font-medium text-accent-400">Drop the {kind} to upload it</strong>
              ) : (
                <>
                  Or drop a {kind} here{" "}
                  <span className="hidden sm:inline">
                    ({typeList(kind)}, up to {formatBytes(MAX_UPLOAD_BYTES[kind])})
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
            <span aria-hidden="true">↑</span> {compact ? "Upload" : "Choose file"}
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
        {fixNote && (state.phase === "uploading" || state.phase === "done") ? (
          <p className="mt-1 text-xs text-amber-300">{fixNote}</p>
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

/** "Fix it for me", or the same button disabled with the reason when trimming and scaling cannot help. */
function FixButton({ reason, onClick }: { reason?: string; onClick: () => void }) {
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
        Fix it for me
      </Button>
      {reason ? (
        <span id={id} className="text-slate-400">
          {reason}
        </span>
      ) : null}
    </div>
  );
}

function UploadStatus({
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
  const now = useNow(60_000, state.phase === "done");
  const link = "underline decoration-slate-500 underline-offset-2 hover:text-slate-100";
  let body: ReactNode = null;
  switch (state.phase) {
    case "checking":
      body = <p className="text-slate-400">Checking {state.name}…</p>;
      break;
    case "refused":
      body = (
        <div role="alert" className="text-rose-300">
          <p className="font-medium">Not uploaded: {state.name}</p>
          <ul aria-label={`Problems with the ${fieldName} file`} className="mt-0.5 space-y-0.5">
            {state.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          {state.checkedFor && modelLabel && state.checkedFor !== modelLabel ? (
            <button type="button" className={cn(link, "mt-1 text-slate-300")} onClick={onRetry}>
              Check it for {modelLabel} instead
            </button>
          ) : null}
          {fix}
          {state.canForce ? (
            <button type="button" className={cn(link, "mt-1 text-slate-300")} onClick={onForce}>
              Upload it anyway
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
              aria-label={`Uploading ${state.name}`}
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
              aria-label={`Cancel the ${fieldName} upload`}
            >
              Cancel
            </Button>
          </div>
          <p className="truncate text-slate-400">
            Uploading {state.name} · <span className="tabular-nums">{pct}%</span> ·{" "}
            <span className="tabular-nums">
              {formatBytes(state.loaded)} of {formatBytes(state.total)}
            </span>
          </p>
        </div>
      );
      break;
    }
    case "done": {
      if (value.trim() !== state.upload.url) break;
      const life = lifeOf(state.upload, now);
      const expires = <span className={life.soon ? "text-amber-300" : undefined}>link {life.expires}</span>;
      body = (
        <p className="text-emerald-300">
          {state.how === "uploaded" ? (
            <>
              ✓ Uploaded {state.upload.filename} ({formatBytes(state.upload.size)}) · {expires}
            </>
          ) : state.how === "reused" ? (
            <>
              ✓ This file was uploaded {life.ago}: using that link ({life.expires}).{" "}
              <button type="button" className={cn(link, "text-slate-300")} onClick={onFresh}>
                Upload it again
              </button>
            </>
          ) : (
            <>
              ✓ Using {state.upload.filename} from recent uploads · {expires}
            </>
          )}
        </p>
      );
      break;
    }
    case "failed":
      body = (
        <p role="alert" className="text-rose-300">
          {state.name} was not uploaded: {state.message}{" "}
          <button
            type="button"
            className={cn(link, "text-slate-300")}
            onClick={onRetry}
            aria-label={`Try again: upload ${state.name}`}
          >
            Try again
          </button>
        </p>
      );
      break;
    case "cancelled":
      body = <p className="text-slate-400">Upload of {state.name} cancelled.</p>;
      break;
    case "idle":
      break;
  }
  return (
    <div aria-live="polite" className={cn("text-xs", body ? "mt-1.5" : undefined)}>
      {body}
    </div>
  );
}
