"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { usePost } from "@/components/auth/use-post";
import { Button } from "@/components/ui/button";
import { Field, describedBy, inputClass } from "@/components/ui/field";

/** An invited person chooses a password (and how their name shows), and is signed in. */
export function InviteAcceptForm({ token, email }: { token: string; email: string }) {
  const t = useTranslations();
  const router = useRouter();
  const [name, setName] = useState(email.split("@")[0] ?? "");
  const [password, setPassword] = useState("");
  const { error, busy, post } = usePost(
    "/api/invites/accept",
    () => {
      // Signed in: the studio, rendered afresh with the new session.
      router.replace("/");
      router.refresh();
    },
    { errorOf: (problem) => problem.fields.password ?? problem.message },
  );

  return (
    <form
      aria-label={t("invite.title")}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void post({ token, password, name });
      }}
    >
      {/* For password managers: the account this password belongs to. */}
      <input type="email" autoComplete="username" value={email} readOnly hidden />
      <Field id="invite-name" label={t("invite.name")}>
        <input
          id="invite-name"
          autoComplete="name"
          maxLength={80}
          value={name}
          onChange={(e) => setName(e.target.value)}
          className={inputClass}
        />
      </Field>
      <Field
        id="invite-password"
        label={t("invite.password")}
        help={t("invite.passwordHelp")}
        error={error ?? undefined}
      >
        <input
          id="invite-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          {...describedBy("invite-password", error ?? undefined)}
          className={inputClass}
        />
      </Field>
      <Button type="submit" variant="primary" disabled={busy || password.length === 0} className="w-full">
        {t("invite.join")}
      </Button>
    </form>
  );
}
