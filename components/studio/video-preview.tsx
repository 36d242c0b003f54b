"use client";

import { cn } from "@/components/ui/cn";
import { useEffect, useRef, useState } from "react";
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
        message: "The clip took too long to load. Check that the link is public, or try again.",
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
  const error = probe.state === "error" && probe.url === url ? probe.message : undefined;

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
            aria-label="Preview of the source video"
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
                message:
                  "This URL could not be loaded as a video. Check that it is public and points at an MP4 or MOV file.",
              })
            }
          />
        ) : (
          <p className="px-6 text-center text-sm text-slate-500">
            Paste a video link or choose a file above, and the clip will preview here.
          </p>
        )}
      </div>
      <div aria-live="polite" className="min-h-5 text-xs">
        {valid && probe.state === "loading" ? <p className="text-slate-400">Loading the clip…</p> : null}
        {ready ? (
          <p className="text-slate-300" data-testid="video-measurements">
            {ready.durationSeconds.toFixed(1)} s · {ready.width}×{ready.height} ·{" "}
            {aspectLabel(ready.width, ready.height)}
          </p>
        ) : null}
        {error ? (
          <p className="text-amber-300" role="alert">
            {error}{" "}
            <button type="button" className="underline" onClick={() => setNonce((n) => n + 1)}>
              Retry
            </button>
          </p>
        ) : null}
        {ready && problems.length > 0 ? (
          <ul className="mt-1 space-y-0.5 text-rose-300" role="alert" aria-label="Problems with this clip">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
