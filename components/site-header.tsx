import { AppLink } from "@/components/ui/app-link";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "@/components/language-switch";
import { SignOutButton } from "@/components/auth/sign-out-button";
import type { Caller } from "@/lib/api/guards";
import { getEnv } from "@/lib/env";

/**
 * The top bar: the simulator badge, the Language control, the open-to-anyone warning, and sign-out when a
 * passcode or accounts are in use; in accounts mode, who is signed in and a link to their API tokens.
 */
export async function SiteHeader({ caller }: { caller?: Caller }) {
  const t = await getTranslations();
  const env = getEnv();
  const passcode = Boolean(env.ACCESS_PASSCODE) || env.authMode === "accounts";
  const person = caller?.kind === "user" ? caller : null;
  return (
    <header className="border-b border-ink-800 bg-ink-950/80">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-2 px-4 py-3 sm:px-6">
        <AppLink
          href="/"
          className="flex items-center gap-2 text-base font-semibold tracking-tight text-slate-100"
        >
          <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm bg-accent-500" />
          Retake
        </AppLink>
        <span className="hidden text-sm text-slate-400 sm:inline">{t("header.tagline")}</span>
        {/* On a phone the links wrap to a second line instead of widening the page. */}
        <div className="ml-auto flex flex-wrap items-center justify-end gap-2">
          {env.simulator ? (
            <span
              className="rounded-full border border-amber-400/40 bg-amber-400/10 px-2.5 py-0.5 text-xs font-medium text-amber-200"
              title={t("header.simulatedTitle")}
            >
              {t("header.simulated")}
            </span>
          ) : null}
          {person ? (
            <>
              <span className="hidden text-xs text-slate-400 sm:inline" title={person.email}>
                {person.name}
                {person.role === "admin" ? ` · ${t("header.admin")}` : ""}
              </span>
              {person.role === "admin" ? (
                <AppLink
                  href="/team"
                  className="rounded-md px-2 py-1 text-xs text-slate-300 hover:bg-ink-800 hover:text-slate-100"
                >
                  {t("header.team")}
                </AppLink>
              ) : null}
              <AppLink
                href="/settings/tokens"
                className="rounded-md px-2 py-1 text-xs text-slate-300 hover:bg-ink-800 hover:text-slate-100"
              >
                {t("header.apiTokens")}
              </AppLink>
            </>
          ) : null}
          {/* Usage in every mode: without accounts it is the team's, by model. */}
          <AppLink
            href="/usage"
            className="rounded-md px-2 py-1 text-xs text-slate-300 hover:bg-ink-800 hover:text-slate-100"
          >
            {t("header.usage")}
          </AppLink>
          <LanguageSwitch />
          {passcode ? <SignOutButton /> : null}
        </div>
      </div>
      {!env.simulator && !passcode ? (
        <p
          role="alert"
          className="border-t border-rose-400/30 bg-rose-500/10 px-4 py-2 text-center text-sm text-rose-200"
        >
          {t("header.noPasscode")}
        </p>
      ) : null}
    </header>
  );
}
