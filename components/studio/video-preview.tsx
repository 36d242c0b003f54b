"use client";

import { cn } from "@/components/ui/cn";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { msg, say } from "@/lib/i18n/message";
import { aspectLabel, type MeasuredVideo } from "@/lib/models/media";

export type ProbeState =
  | { state: "idle" }
  | { state: "loading"; url: string }
  | { state: "ready"; url: string; video: MeasuredVideo }
  | { state: "error"; url: string; message: string };

const LOAD_TIMEOUT_MS = 20_000;

/**
 * Plays the clip as soon as its metadata loads and reports its measured duration and size. The box keeps its
 * height whatever happens, so the form never jumps.
 */
export function VideoPreview({
  url,
  probe,
  onProbe,
  problems,
}: {
  url: string;
  probe: ProbeState;
  onProbe: (probe: ProbeState) => void;
  problems: string[];
}) {
  const t = useTranslations();
  const ref = useRef<HTMLVideoElement>(null);
  const [nonce, setNonce] = useState(0);
  const valid = /^https?:\/\/\S+$/i.test(url);

  useEffect(() => {
    if (!valid) {
      onProbe({ state: "idle" });
      return;
    }
    const video = ref.current;
    // Metadata may already be in (a cached clip): report it rather than "loading".
    if (video && video.readyState >= 1 && video.videoWidth > 0) {
      onProbe({
        state: "ready",
        url,
        video: { durationSeconds: video.duration, width: video.videoWidth, height: video.videoHeight },
      });
      return;
    }
    onProbe({ state: "loading", url });
    const timer = setTimeout(() => {
      onProbe({
        state: "error",
        url,
        message: msg("studio.preview.tooSlow"),
      });
    }, LOAD_TIMEOUT_MS);
    const clear = () => clearTimeout(timer);
    video?.addEventListener("loadedmetadata", clear);
    video?.addEventListener("error", clear);
    return () => {
      clear();
      video?.removeEventListener("loadedmetadata", clear);
      video?.removeEventListener("error", clear);
    };
    // onProbe is stable (a state setter wrapper); re-run only for a new URL or a retry.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, valid, nonce]);

  const ready = probe.state === "ready" && probe.url === url ? probe.video : undefined;
  const error = probe.state === "error" && probe.url === url ? say(t, probe.message) : undefined;

  return (
    <div className="space-y-2">
      <div
        className={cn(
          "relative flex h-44 items-center justify-center overflow-hidden rounded-md border sm:h-56",
          // Same height either way, so nothing jumps when a clip loads; an empty box reads as a place to fill.
          valid ? "border-ink-700 bg-black" : "border-dashed border-ink-600 bg-ink-900",
        )}
      >
        {valid ? (
          <video
            key={`${url}#${String(nonce)}`}
            ref={ref}
            src={url}
            controls
            muted
            playsInline
            preload="metadata"
            aria-label={t("studio.preview.name")}
            className="h-full w-full object-contain"
            onLoadedMetadata={(e) => {
              const v = e.currentTarget;
              onProbe({
                state: "ready",
                url,
                video: { durationSeconds: v.duration, width: v.videoWidth, height: v.videoHeight },
              });
            }}
            onError={() =>
              onProbe({
                state: "error",
                url,
                message: msg("studio.preview.notAVideo"),
              })
            }
          />
        ) : (
          <p className="px-6 text-center text-sm text-slate-400">{t("studio.preview.empty")}</p>
        )}
      </div>
      <div aria-live="polite" className="min-h-5 text-xs">
        {valid && probe.state === "loading" ? (
          <p className="text-slate-400">{t("studio.preview.loading")}</p>
        ) : null}
        {ready ? (
          <p className="text-slate-300" data-testid="video-measurements">
            {t("studio.preview.measured", {
              secs: ready.durationSeconds.toFixed(1),
              size: `${String(ready.width)}×${String(ready.height)}`,
              aspect: aspectLabel(ready.width, ready.height),
            })}
          </p>
        ) : null}
        {error ? (
          <p className="text-amber-300" role="alert">
            {error}{" "}
            <button type="button" className="underline" onClick={() => setNonce((n) => n + 1)}>
              {t("common.retry")}
            </button>
          </p>
        ) : null}
        {ready && problems.length > 0 ? (
          // The alert wraps the list: a list keeps its own role, so its items stay list items.
          <div role="alert">
            <ul className="mt-1 space-y-0.5 text-rose-300" aria-label={t("studio.preview.problems")}>
              {problems.map((p) => (
                <li key={p}>{say(t, p)}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </div>
  );
}
