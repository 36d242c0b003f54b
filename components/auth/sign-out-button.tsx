"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

/** Ends the session on the server, then shows the sign-in page. */
export function SignOutButton() {
  const t = useTranslations();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        // A full page load, so nothing cached from the session survives in this tab.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        void fetch("/api/session", { method: "DELETE" }).finally(() => window.location.assign("/sign-in"));
      }}
      className="rounded-md border border-ink-600 px-2.5 py-1 text-xs text-slate-300 hover:bg-ink-800 hover:text-slate-100"
    >
      {busy ? t("signIn.signingOut") : t("signIn.signOut")}
    </button>
  );
}
