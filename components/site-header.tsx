import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { getEnv } from "@/lib/env";

/** The top bar: the simulator badge, the open-to-anyone warning, and sign-out when a passcode is in use. */
export function SiteHeader() {
  const env = getEnv();
  const passcode = Boolean(env.ACCESS_PASSCODE);
  return (
    <header className="border-b border-ink-800 bg-ink-950/80">
      <div className="mx-auto flex max-w-7xl items-center gap-3 px-4 py-3 sm:px-6">
        <Link
          href="/"
          className="flex items-center gap-2 text-base font-semibold tracking-tight text-slate-100"
        >
          <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm bg-accent-500" />
          Retake
        </Link>
        <span className="hidden text-sm text-slate-400 sm:inline">Edit and extend videos with AI</span>
        <div className="ml-auto flex items-center gap-2">
          {env.simulator ? (
            <span
              className="rounded-full border border-amber-400/40 bg-amber-400/10 px-2.5 py-0.5 text-xs font-medium text-amber-200"
              title="No FoxAPI key is configured: the built-in simulator answers, and nothing is charged."
            >
              Simulated results
            </span>
          ) : null}
          {passcode ? <SignOutButton /> : null}
        </div>
      </div>
      {!env.simulator && !passcode ? (
        <p
          role="alert"
          className="border-t border-rose-400/30 bg-rose-500/10 px-4 py-2 text-center text-sm text-rose-200"
        >
          No passcode is set: anyone who can reach this server can spend the FoxAPI account&apos;s credits.
          Set ACCESS_PASSCODE and restart.
        </p>
      ) : null}
    </header>
  );
}
