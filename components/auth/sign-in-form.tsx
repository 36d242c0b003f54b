"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";

/** The passcode form. On success the browser goes where it was headed (a path on this site only). */
export function SignInForm({ next }: { next: string }) {
  const t = useTranslations();
  const [passcode, setPasscode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ passcode }),
      });
      if (res.ok) {
        window.location.assign(next);
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(body?.error?.message ?? t("signIn.failed"));
    } catch {
      setError(t("errors.network"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      aria-label={t("signIn.title")}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="space-y-1.5">
        <label htmlFor="passcode" className="text-sm font-medium text-slate-200">
          {t("signIn.passcode")}
        </label>
        <input
          id="passcode"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          value={passcode}
          onChange={(e) => setPasscode(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "passcode-error" : undefined}
          className={inputClass}
        />
        {error ? <FieldError id="passcode-error">{error}</FieldError> : null}
      </div>
      <Button type="submit" variant="primary" disabled={busy || passcode === ""} className="w-full">
        {busy ? t("signIn.signingIn") : t("signIn.title")}
      </Button>
    </form>
  );
}
