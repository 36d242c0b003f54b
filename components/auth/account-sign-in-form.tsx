"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, describedBy, inputClass } from "@/components/ui/field";
import { usePost } from "./use-post";

/** Accounts mode: email and password, posted to our own /api/session. One message for any wrong pair. */
export function AccountSignInForm({ next }: { next: string }) {
  const t = useTranslations();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { error, busy, post } = usePost("/api/session", () => window.location.assign(next), {
    fallback: t("signIn.failed"),
  });

  return (
    <form
      aria-label={t("signIn.title")}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void post({ email, password });
      }}
    >
      <Field id="email" label={t("signIn.email")}>
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
      </Field>
      <Field id="password" label={t("signIn.password")} error={error ?? undefined}>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          {...describedBy("password", error ?? undefined, false)}
          className={inputClass}
        />
      </Field>
      <Button type="submit" variant="primary" disabled={busy || !email || !password} className="w-full">
        {busy ? t("signIn.signingIn") : t("signIn.title")}
      </Button>
    </form>
  );
}
