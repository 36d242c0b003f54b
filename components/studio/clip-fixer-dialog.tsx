"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { type Translate, say } from "@/lib/i18n/message";
import { Button } from "@/components/ui/button";
import { measureVideoFile } from "@/lib/client/uploads";
import type { MeasuredVideo } from "@/lib/models/media";
import { FixUnsupported, fixClip, isCancel } from "./clip-fix-convert";
import { type ClipPlan, type Framing, outputSizeFor, placeFrame, trimProblem } from "./clip-fix-plan";

/** What the trim is for, said under Start and End while they fit. */
function trimHint(t: Translate, plan: ClipPlan, name: string) {
  const range =
    plan.maxSeconds === undefined
      ? ""
      : plan.minSeconds !== undefined
        ? t("fixer.takesRange", { name, min: String(plan.minSeconds), max: String(plan.maxSeconds) })
        : t("fixer.takesUpTo", { name, max: String(plan.maxSeconds) });
  const keep = plan.keep === "end" ? t("fixer.keepsEnd", { name }) : t("fixer.keepsStart");
  return range ? `${range} ${keep}` : keep;
}

type Phase = { kind: "editing" } | { kind: "fixing"; share: number } | { kind: "failed"; message: string };

/**
 * "Fix the clip": trim, reframe and scale a local clip to the chosen model's rules, then hand the result to the
 * field's upload. A modal <dialog> (focus stays inside; Esc closes). Loaded on demand with Mediabunny.
 */
export default function ClipFixerDialog({
  file,
  video,
  plan,
  name,
  videoProblems,
  onClose,
  onFixed,
}: {
  file: File;
  video: MeasuredVideo;
  plan: ClipPlan;
  /** The model's short name, for messages ("Kling"). */
  name: string;
  videoProblems?: (video: MeasuredVideo) => string[];
  onClose: () => void;
  /** The fixed file, already re-measured against the model's rules. */
  onFixed: (file: File, note: string | null) => void;
}) {
  const t = useTranslations();
  const ids = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const frameVideo = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const job = useRef<{ cancel: () => void } | null>(null);
  const [start, setStart] = useState(plan.start);
  const [end, setEnd] = useState(plan.end);
  const [framing, setFraming] = useState<Framing>("crop");
  const [size, setSize] = useState(plan.defaultSize);
  const [shownAt, setShownAt] = useState(plan.start);
  const [phase, setPhase] = useState<Phase>({ kind: "editing" });
  const [frameReady, setFrameReady] = useState(0);
  const [src] = useState(() => URL.createObjectURL(file));

  const out = outputSizeFor(video, plan, size) ?? { width: video.width, height: video.height };
  const problem = trimProblem(plan, start, end, name);
  const fixing = phase.kind === "fixing";

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
    return () => URL.revokeObjectURL(src);
  }, [src]);
  // Leaving stops the work.
  useEffect(() => () => job.current?.cancel(), []);

  // The frame at the time being edited, drawn as the output will frame it.
  useEffect(() => {
    const v = frameVideo.current;
    if (v && Number.isFinite(shownAt) && v.readyState >= 1)
      v.currentTime = Math.min(Math.max(0, shownAt), Math.max(0, video.durationSeconds - 0.05));
  }, [shownAt, video.durationSeconds, frameReady]);
  const draw = () => {
    const c = canvas.current;
    const v = frameVideo.current;
    const ctx = c?.getContext("2d");
    if (!c || !v || !ctx || v.videoWidth === 0) return;
    c.width = out.width;
    c.height = out.height;
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, c.width, c.height);
    const at = placeFrame({ width: v.videoWidth, height: v.videoHeight }, out, framing);
    ctx.drawImage(v, at.x, at.y, at.width, at.height);
  };
  useEffect(draw);

  const close = () => {
    job.current?.cancel();
    onClose();
  };

  const run = async () => {
    if (problem) return;
    setPhase({ kind: "fixing", share: 0 });
    const h = fixClip(file, { start, end, size: outputSizeFor(video, plan, size), framing }, (share) =>
      setPhase((p) => (p.kind === "fixing" ? { kind: "fixing", share } : p)),
    );
    job.current = h;
    try {
      const result = await h.promise;
      // Measured again, as the upload would measure any file, with the same rules.
      const measured = await measureVideoFile(result.file);
      const left = videoProblems?.(measured) ?? [];
      if (left.length > 0)
        return setPhase({
          kind: "failed",
          message: t("fixer.stillBreaks", { problems: left.map((p) => say(t, p)).join(" ") }),
        });
      job.current = null;
      onFixed(result.file, result.audioNote);
    } catch (err) {
      if (isCancel(err)) setPhase({ kind: "editing" });
      else
        setPhase({
          kind: "failed",
          message: err instanceof FixUnsupported ? say(t, err.message) : t("fixer.failedGeneric"),
        });
    } finally {
      if (job.current === h) job.current = null;
    }
  };

  const pct = fixing ? Math.min(100, Math.floor(phase.share * 100)) : 0;
  const seconds = (n: number) => t("fixer.seconds", { n: n.toFixed(2) });
  const label = "block text-xs font-medium text-slate-300";
  const input =
    "mt-1 h-9 w-full rounded-md border border-ink-600 bg-ink-900 px-2 text-sm tabular-nums text-slate-100 focus-visible:outline-2 focus-visible:outline-accent-400";

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${ids}-title`}
      aria-modal="true"
      onCancel={(e) => {
        // Esc: close through React, so the parent unmounts the dialog and any running fix is cancelled.
        e.preventDefault();
        close();
      }}
      className="m-auto w-[min(40rem,calc(100vw-1.5rem))] max-h-[calc(100dvh-1.5rem)] overflow-y-auto rounded-lg border border-ink-600 bg-ink-800 p-4 text-sm text-slate-200 shadow-xl backdrop:bg-black/60"
    >
      <h2 id={`${ids}-title`} className="text-base font-semibold text-slate-50">
        {t("fixer.title")}
      </h2>
      <p className="mt-1 text-xs text-slate-400">
        {t("fixer.summary", {
          name: file.name,
          secs: seconds(video.durationSeconds),
          size: `${String(video.width)}×${String(video.height)}`,
          outSize: `${String(out.width)}×${String(out.height)}`,
          outSecs: seconds(Math.max(0, end - start)),
        })}
      </p>

      <div className="mt-3 grid gap-3 sm:grid-cols-[1fr_14rem]">
        <div>
          <canvas
            ref={canvas}
            role="img"
            aria-label={t("fixer.frameName")}
            className="block aspect-video max-h-64 w-full rounded-md bg-black object-contain"
            style={{ aspectRatio: `${String(out.width)} / ${String(out.height)}` }}
          />
          <video
            ref={frameVideo}
            src={src}
            muted
            playsInline
            preload="auto"
            className="hidden"
            onLoadedMetadata={() => setFrameReady((n) => n + 1)}
            onSeeked={draw}
            onLoadedData={draw}
          />
          <label className={`${label} mt-2`} htmlFor={`${ids}-scrub`}>
            {t("fixer.frameAt", { at: seconds(shownAt) })}
          </label>
          <input
            id={`${ids}-scrub`}
            type="range"
            min={0}
            max={video.durationSeconds}
            step={0.01}
            value={shownAt}
            disabled={fixing}
            onChange={(e) => setShownAt(Number(e.currentTarget.value))}
            className="w-full accent-accent-500"
          />
        </div>

        <div className="space-y-3">
          <fieldset disabled={fixing}>
            <legend className="text-xs font-semibold text-slate-200">{t("fixer.trim")}</legend>
            <div className="mt-1 grid grid-cols-2 gap-2">
              <label className={label}>
                {t("fixer.start")}
                <input
                  type="number"
                  min={0}
                  max={video.durationSeconds}
                  step={0.01}
                  value={start}
                  className={input}
                  aria-describedby={`${ids}-trim`}
                  onChange={(e) => {
                    const n = e.currentTarget.valueAsNumber;
                    setStart(n);
                    if (Number.isFinite(n)) setShownAt(n);
                  }}
                />
              </label>
              <label className={label}>
                {t("fixer.end")}
                <input
                  type="number"
                  min={0}
                  max={video.durationSeconds}
                  step={0.01}
                  value={end}
                  className={input}
                  aria-describedby={`${ids}-trim`}
                  onChange={(e) => {
                    const n = e.currentTarget.valueAsNumber;
                    setEnd(n);
                    if (Number.isFinite(n)) setShownAt(Math.max(0, n - 0.05));
                  }}
                />
              </label>
            </div>
            <p
              id={`${ids}-trim`}
              className={problem ? "mt-1 text-xs text-rose-300" : "mt-1 text-xs text-slate-400"}
            >
              {problem ? say(t, problem) : trimHint(t, plan, name)}
            </p>
          </fieldset>

          {plan.aspect ? (
            <fieldset disabled={fixing} role="radiogroup" aria-labelledby={`${ids}-framing`}>
              <legend id={`${ids}-framing`} className="text-xs font-semibold text-slate-200">
                {t("fixer.framing", { aspect: plan.aspect })}
              </legend>
              <div className="mt-1 flex gap-3">
                {(["crop", "pad"] as const).map((f) => (
                  <label key={f} className="flex items-center gap-1.5 text-sm">
                    <input
                      type="radio"
                      name={`${ids}-framing`}
                      value={f}
                      checked={framing === f}
                      onChange={() => setFraming(f)}
                      className="accent-accent-500"
                    />
                    {f === "crop" ? t("fixer.crop") : t("fixer.pad")}
                  </label>
                ))}
              </div>
              <p className="mt-1 text-xs text-slate-400">
                {framing === "crop" ? t("fixer.cropHelp") : t("fixer.padHelp")}
              </p>
            </fieldset>
          ) : null}

          {plan.sizes.length > 0 ? (
            <fieldset disabled={fixing} role="radiogroup" aria-labelledby={`${ids}-size`}>
              <legend id={`${ids}-size`} className="text-xs font-semibold text-slate-200">
                {t("fixer.outputSize")}
              </legend>
              <div className="mt-1 flex gap-3">
                {plan.sizes.map((s) => (
                  <label key={s} className="flex items-center gap-1.5 text-sm">
                    <input
                      type="radio"
                      name={`${ids}-size`}
                      value={s}
                      checked={size === s}
                      onChange={() => setSize(s)}
                      className="accent-accent-500"
                    />
                    {s}p
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
        </div>
      </div>

      <div aria-live="polite" className="mt-3 text-xs">
        {fixing ? (
          <div className="flex items-center gap-2">
            <div
              role="progressbar"
              aria-label={t("fixer.fixing")}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              className="h-1.5 min-w-0 flex-1 overflow-hidden rounded-full bg-ink-700"
            >
              <div className="h-full rounded-full bg-accent-500" style={{ width: `${String(pct)}%` }} />
            </div>
            <span className="tabular-nums text-slate-400">{pct}%</span>
          </div>
        ) : phase.kind === "failed" ? (
          <p role="alert" className="text-rose-300">
            {phase.message}
          </p>
        ) : null}
      </div>

      <div className="mt-3 flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          {t("common.cancel")}
        </Button>
        <Button variant="primary" onClick={() => void run()} disabled={fixing || problem !== null}>
          {t("fixer.fixAndUpload")}
        </Button>
      </div>
    </dialog>
  );
}
