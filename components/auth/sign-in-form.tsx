"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, describedBy, inputClass } from "@/components/ui/field";
import { usePost } from "./use-post";

/** The passcode form. On success the browser goes where it was headed (a path on this site only). */
export function SignInForm({ next }: { next: string }) {
  const t = useTranslations();
  const [passcode, setPasscode] = useState("");
  const { error, busy, post } = usePost("/api/session", () => window.location.assign(next), {
    fallback: t("signIn.failed"),
  });

  return (
    <form
      aria-label={t("signIn.title")}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void post({ passcode });
      }}
    >
      <Field id="passcode" label={t("signIn.passcode")} error={error ?? undefined}>
        <input
          id="passcode"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          value={passcode}
          onChange={(e) => setPasscode(e.target.value)}
          {...describedBy("passcode", error ?? undefined, false)}
          className={inputClass}
        />
      </Field>
      <Button type="submit" variant="primary" disabled={busy || passcode === ""} className="w-full">
        {busy ? t("signIn.signingIn") : t("signIn.title")}
      </Button>
    </form>
  );
}
