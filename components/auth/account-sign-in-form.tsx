"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { problemOf } from "@/lib/client/problem";

/** Accounts mode: email and password, posted to our own /api/session. One message for any wrong pair. */
export function AccountSignInForm({ next }: { next: string }) {
  const t = useTranslations();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
      if (res.ok) {
        window.location.assign(next);
        return;
      }
      setError((await problemOf(res, t("signIn.failed"))).message);
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
        <label htmlFor="email" className="text-sm font-medium text-slate-200">
          {t("signIn.email")}
        </label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className={inputClass}
        />
      </div>
      <div className="space-y-1.5">
        <label htmlFor="password" className="text-sm font-medium text-slate-200">
          {t("signIn.password")}
        </label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "sign-in-error" : undefined}
          className={inputClass}
        />
        {error ? <FieldError id="sign-in-error">{error}</FieldError> : null}
      </div>
      <Button type="submit" variant="primary" disabled={busy || !email || !password} className="w-full">
        {busy ? t("signIn.signingIn") : t("signIn.title")}
      </Button>
    </form>
  );
}
