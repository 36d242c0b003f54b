"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { problemOf } from "@/lib/client/problem";
import { say } from "@/lib/i18n/message";

/** An invited person chooses a password (and how their name shows), and is signed in. */
export function InviteAcceptForm({ token, email }: { token: string; email: string }) {
  const t = useTranslations();
  const router = useRouter();
  const [name, setName] = useState(email.split("@")[0] ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/invites/accept", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token, password, name }),
      });
      if (res.ok) {
        // Signed in: the studio, rendered afresh with the new session.
        router.replace("/");
        router.refresh();
        return;
      }
      const problem = await problemOf(res);
      setError(problem.fields.password ?? problem.message);
    } catch {
      setError(t("errors.network"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      aria-label={t("invite.title")}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {/* For password managers: the account this password belongs to. */}
      <input type="email" autoComplete="username" value={email} readOnly hidden />
      <div className="space-y-1.5">
        <label htmlFor="invite-name" className="text-sm font-medium text-slate-200">
          {t("invite.name")}
        </label>
        <input
          id="invite-name"
          autoComplete="name"
          maxLength={80}
          value={name}
          onChange={(e) => setName(e.target.value)}
          className={inputClass}
        />
      </div>
      <div className="space-y-1.5">
        <label htmlFor="invite-password" className="text-sm font-medium text-slate-200">
          {t("invite.password")}
        </label>
        <input
          id="invite-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "invite-error" : "invite-password-help"}
          className={inputClass}
        />
        <p id="invite-password-help" className="text-xs text-slate-400">
          {t("invite.passwordHelp")}
        </p>
        {error ? <FieldError id="invite-error">{say(t, error)}</FieldError> : null}
      </div>
      <Button type="submit" variant="primary" disabled={busy || password.length === 0} className="w-full">
        {t("invite.join")}
      </Button>
    </form>
  );
}
