"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { say } from "@/lib/i18n/message";
import { SyncControls } from "@/components/compare/sync-controls";
import type { Cell } from "@/components/compare/cells";
import { useSyncGroup } from "@/components/compare/use-sync-group";
import { cn } from "@/components/ui/cn";
import { modelInfo } from "@/lib/models/catalog";

/**
 * Results shown to a room: full screen where the browser allows it (else a fixed overlay), no form. Every clip plays
 * in one synced group; the current one is big and has the sound, the others wait small below it. Arrow keys move
 * between them, Esc leaves. Loaded only when someone presses Present.
 */
export function PresentView({
  cells: given,
  startIndex = 0,
  startTime = 0,
  title,
  onClose,
}: {
  cells: Cell[];
  startIndex?: number;
  startTime?: number;
  title: string;
  onClose: () => void;
}) {
  const t = useTranslations();
  // A cell's label is a catalog key (cells.ts) or words already said; `say` leaves words as they are.
  const cells = given.map((c) => ({ ...c, label: say(t, c.label) }));
  const [index, setIndex] = useState(Math.min(Math.max(0, startIndex), cells.length - 1));
  const group = useSyncGroup(cells[index]?.key ?? null);
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  const current = cells[index]!;

  const { setSoundFrom } = group;
  useEffect(() => setSoundFrom(current.kind === "video" ? current.key : null), [current, setSoundFrom]);

  // Start where the page was.
  useEffect(() => {
    const frame = requestAnimationFrame(() => group.seek(startTime));
    return () => cancelAnimationFrame(frame);
    // Once, on open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Full screen when allowed; leaving full screen (Esc in most browsers) leaves the view too.
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    // Focus goes back to what opened the view (the Present button) once it closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    el.focus();
    let entered = false;
    const onChange = () => {
      if (document.fullscreenElement === el) entered = true;
      else if (entered) close.current();
    };
    document.addEventListener("fullscreenchange", onChange);
    if (document.fullscreenEnabled && !document.fullscreenElement)
      el.requestFullscreen?.().catch(() => undefined);
    return () => {
      document.removeEventListener("fullscreenchange", onChange);
      const restore = () => opener?.isConnected && opener.focus();
      if (document.fullscreenElement === el) void document.exitFullscreen().then(restore, restore);
      else restore();
    };
  }, []);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
      return;
    }
    // The seek bar keeps its own arrows.
    if ((e.target as HTMLElement).tagName === "INPUT") return;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") {
      e.preventDefault();
      setIndex((i) => (i + 1) % cells.length);
    } else if (e.key === "ArrowLeft" || e.key === "ArrowUp") {
      e.preventDefault();
      setIndex((i) => (i - 1 + cells.length) % cells.length);
    } else if (e.key === "Tab") {
      // Keep focus inside the view.
      const focusable = dialog.current?.querySelectorAll<HTMLElement>("button, input, [tabindex='0']");
      if (!focusable || focusable.length === 0) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      if (e.shiftKey && (document.activeElement === first || document.activeElement === dialog.current)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  const captionOf = (cell: Cell) =>
    cell.task ? `${cell.label} · ${modelInfo(cell.task.model).label}` : cell.label;

  return (
    <div
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-label={t("present.name", { title })}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      className="fixed inset-0 z-50 flex flex-col gap-3 overflow-auto bg-black p-3 text-slate-100 outline-none sm:p-5"
    >
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-base font-semibold">{captionOf(current)}</h2>
        <span className="text-sm text-slate-300" aria-live="polite">
          {t("present.position", { n: index + 1, total: cells.length })}
        </span>
        <span className="hidden text-xs text-slate-400 sm:inline">{t("present.keys")}</span>
        <div className="ml-auto flex gap-2">
          <button
            type="button"
            onClick={() => setIndex((i) => (i - 1 + cells.length) % cells.length)}
            className="h-9 rounded-md border border-ink-600 px-3 text-sm hover:bg-ink-800"
          >
            {t("present.previous")}
          </button>
          <button
            type="button"
            onClick={() => setIndex((i) => (i + 1) % cells.length)}
            className="h-9 rounded-md border border-ink-600 px-3 text-sm hover:bg-ink-800"
          >
            {t("present.next")}
          </button>
          <button
            type="button"
            onClick={onClose}
            className="h-9 rounded-md border border-ink-600 px-3 text-sm hover:bg-ink-800"
          >
            {t("present.leave")}
          </button>
        </div>
      </div>
      {current.task ? (
        <p className="line-clamp-2 text-sm text-slate-300" title={current.task.input.prompt} translate="no">
          {current.task.input.prompt}
        </p>
      ) : null}
      <div className="flex min-h-0 flex-1 flex-col gap-3">
        {cells.map((cell, i) => {
          const big = i === index;
          return (
            <figure
              key={cell.key}
              className={cn(big ? "min-h-0 flex-1" : "hidden")}
              aria-hidden={big ? undefined : true}
            >
              {cell.kind === "video" && cell.url ? (
                <video
                  ref={group.register(cell.key)}
                  src={cell.url}
                  playsInline
                  preload="auto"
                  aria-label={t("compare.videoOf", { label: cell.label })}
                  className="h-full max-h-[calc(100vh-12rem)] w-full bg-black object-contain"
                />
              ) : cell.kind === "image" && cell.url ? (
                // eslint-disable-next-line @next/next/no-img-element
                <img
                  src={cell.url}
                  alt={t("compare.imageOf", { label: cell.label })}
                  className="h-full max-h-[calc(100vh-12rem)] w-full object-contain"
                />
              ) : (
                <div className="flex h-full min-h-40 items-center justify-center text-slate-400">
                  {t("present.noResult")}
                </div>
              )}
            </figure>
          );
        })}
      </div>
      <SyncControls group={group} />
      <ol aria-label={t("present.results")} className="flex flex-wrap gap-2">
        {cells.map((cell, i) => (
          <li key={cell.key}>
            <button
              type="button"
              aria-current={i === index ? "true" : undefined}
              onClick={() => setIndex(i)}
              className={cn(
                "h-8 rounded-md border px-2 text-xs",
                i === index
                  ? "border-accent-500 bg-accent-500/15 text-accent-400"
                  : "border-ink-600 text-slate-300 hover:bg-ink-800",
              )}
            >
              {captionOf(cell)}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
