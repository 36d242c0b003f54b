"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { useShortcuts } from "@/lib/client/shortcuts";

/** **Keyboard shortcuts**: every shortcut the page has registered, grouped by where it works. */
export default function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const t = useTranslations();
  const ref = useRef<HTMLDialogElement>(null);
  const shortcuts = useShortcuts();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const scopes = [...new Set(shortcuts.map((s) => s.scope))];
  return (
    <dialog
      ref={ref}
      aria-labelledby="shortcuts-title"
      onClose={onClose}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-ink-600 bg-ink-900 p-0 text-slate-100 backdrop:bg-black/60"
    >
      <div className="space-y-4 p-5">
        <h2 id="shortcuts-title" className="text-base font-semibold">
          {t("shortcuts.title")}
        </h2>
        {scopes.map((scope) => (
          <section key={scope} aria-label={t(scope)} className="space-y-2">
            <h3 className="text-xs font-medium uppercase tracking-wide text-slate-400">{t(scope)}</h3>
            <dl className="space-y-1.5">
              {shortcuts
                .filter((s) => s.scope === scope)
                .map((s) => (
                  <div key={s.id} className="flex items-center justify-between gap-4 text-sm">
                    <dt className="text-slate-200">{t(s.description)}</dt>
                    <dd className="flex shrink-0 gap-1.5">
                      {s.keys.map((k, i) => (
                        <span key={k} className="flex items-center gap-1.5">
                          {i > 0 ? <span className="text-xs text-slate-400">{t("shortcuts.or")}</span> : null}
                          <kbd className="rounded border border-ink-600 bg-ink-800 px-1.5 py-0.5 font-mono text-xs text-slate-100">
                            {k}
                          </kbd>
                        </span>
                      ))}
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
        <div className="flex justify-end">
          <Button onClick={onClose} autoFocus>
            {t("common.close")}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
