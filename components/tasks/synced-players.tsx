"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Segmented } from "@/components/ui/segmented";
import { formatDuration } from "./format";

type AudioChoice = "result" | "source" | "none";

/**
 * Before and after side by side, driven by one play/pause and one seek bar. The timeline is the longer clip's
 * (an extension is 7 s longer than its source); the shorter one holds its last frame. Only one plays its sound.
 */
export function SyncedPlayers({ sourceUrl, resultUrl }: { sourceUrl: string; resultUrl: string | null }) {
  const t = useTranslations();
  const source = useRef<HTMLVideoElement>(null);
  const result = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const [audio, setAudio] = useState<AudioChoice>(resultUrl ? "result" : "source");

  const videos = () => [source.current, result.current].filter((v): v is HTMLVideoElement => v !== null);
  const longest = () =>
    videos().reduce<HTMLVideoElement | null>(
      (a, v) => (!a || (v.duration || 0) > (a.duration || 0) ? v : a),
      null,
    );

  // Metadata can arrive before hydration attaches onLoadedMetadata: read it once on mount too.
  useEffect(() => {
    const frame = requestAnimationFrame(() =>
      setDuration(Math.max(0, ...videos().map((v) => v.duration || 0))),
    );
    return () => cancelAnimationFrame(frame);
  }, [resultUrl]);

  useEffect(() => {
    if (source.current) source.current.muted = audio !== "source";
    if (result.current) result.current.muted = audio !== "result";
  }, [audio, resultUrl]);

  // While playing, keep the two within a few frames of each other and move the shared seek bar.
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const tick = () => {
      const master = longest();
      if (master) {
        setTime(master.currentTime);
        for (const v of videos()) {
          if (v === master || v.ended) continue;
          const target = Math.min(master.currentTime, v.duration || 0);
          if (Math.abs(v.currentTime - target) > 0.12 && master.currentTime < (v.duration || 0))
            v.currentTime = target;
        }
        if (master.ended) setPlaying(false);
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
    // videos/longest read refs only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playing]);

  function toggle() {
    if (playing) {
      videos().forEach((v) => v.pause());
      setPlaying(false);
      return;
    }
    const master = longest();
    if (master?.ended || (master && master.currentTime >= (master.duration || 0) - 0.05)) seek(0);
    for (const v of videos())
      if (v.currentTime < (v.duration || 0) - 0.05) void v.play().catch(() => undefined);
    setPlaying(true);
  }

  function seek(t: number) {
    for (const v of videos()) v.currentTime = Math.min(t, v.duration || 0);
    setTime(t);
  }

  const onMeta = () => setDuration(Math.max(0, ...videos().map((v) => v.duration || 0)));

  return (
    <div className="space-y-3">
      <div className="grid gap-4 md:grid-cols-2">
        <figure className="space-y-1">
          <figcaption className="text-xs font-medium uppercase tracking-wide text-slate-400">
            {t("tasks.before")}
          </figcaption>
          <video
            ref={source}
            src={sourceUrl}
            playsInline
            preload="auto"
            muted
            aria-label={t("tasks.sourceVideo")}
            onLoadedMetadata={onMeta}
            className="aspect-video w-full rounded-md bg-black object-contain"
          />
        </figure>
        <figure className="space-y-1">
          <figcaption className="text-xs font-medium uppercase tracking-wide text-slate-400">
            {t("tasks.after")}
          </figcaption>
          {resultUrl ? (
            <video
              ref={result}
              src={resultUrl}
              playsInline
              preload="auto"
              aria-label={t("tasks.resultVideo")}
              onLoadedMetadata={onMeta}
              className="aspect-video w-full rounded-md bg-black object-contain"
            />
          ) : (
            <div className="flex aspect-video items-center justify-center rounded-md border border-dashed border-ink-600 text-sm text-slate-400">
              {t("tasks.resultWillAppear")}
            </div>
          )}
        </figure>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={toggle}
          className="h-9 min-w-24 rounded-md bg-accent-500 px-3 text-sm font-medium text-ink-950 hover:bg-accent-400"
        >
          {playing ? t("tasks.pauseBoth") : t("tasks.playBoth")}
        </button>
        <input
          type="range"
          aria-label={t("tasks.seekBoth")}
          min={0}
          max={duration || 0}
          step={0.04}
          value={Math.min(time, duration || 0)}
          onChange={(e) => seek(Number(e.target.value))}
          className="min-w-40 flex-1 accent-sky-400"
        />
        <span className="text-xs tabular-nums text-slate-400">
          {formatDuration(time * 1000)} / {formatDuration(duration * 1000)}
        </span>
      </div>
      <Segmented
        name="audio"
        label={t("tasks.soundFrom")}
        value={audio}
        onChange={setAudio}
        options={[
          ...(resultUrl ? [{ value: "result" as const, label: t("tasks.after") }] : []),
          { value: "source" as const, label: t("tasks.before") },
          { value: "none" as const, label: t("tasks.mute") },
        ]}
      />
    </div>
  );
}
