import type { ReactNode } from "react";
import { LanguageSwitch } from "@/components/language-switch";

/** The small centred card of the pages before the studio (sign-in, an invite): the name, Language, a title. */
export function AuthCard({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <div className="w-full max-w-sm space-y-6 rounded-lg border border-ink-700 bg-ink-900 p-6">
        <div className="space-y-1">
          <div className="flex items-center justify-between gap-2">
            <p className="flex items-center gap-2 text-base font-semibold text-slate-100">
              <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm bg-accent-500" />
              Retake
            </p>
            <LanguageSwitch />
          </div>
          <h1 className="text-lg font-semibold text-slate-100">{title}</h1>
          {intro ? <p className="text-sm text-slate-400">{intro}</p> : null}
        </div>
        {children}
      </div>
    </main>
  );
}
