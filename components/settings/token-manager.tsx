"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { problemOf } from "@/lib/client/problem";
import { say } from "@/lib/i18n/message";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import type { TokenView } from "@/lib/auth/token-types";

/** Create (the secret is shown once, here), list and revoke the signed-in person's tokens. */
export function TokenManager({ initial }: { initial: TokenView[] }) {
  const t = useTranslations();
  const format = useFormatter();
  const [tokens, setTokens] = useState(initial);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/tokens", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name }),
      });
      if (!res.ok) {
        setError((await problemOf(res)).message);
        return;
      }
      const made = (await res.json()) as TokenView & { token: string };
      setCreated({ name: made.name ?? name, token: made.token });
      setTokens((list) => [
        { id: made.id, name: made.name, start: made.start, createdAt: made.createdAt },
        ...list,
      ]);
      setName("");
    } catch {
      setError(t("errors.network"));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    setError(null);
    const res = await fetch(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }).catch(() => null);
    if (!res) setError(t("errors.network"));
    else if (!res.ok && res.status !== 404) setError((await problemOf(res)).message);
    else setTokens((list) => list.filter((x) => x.id !== id));
  }

  return (
    <div className="space-y-6">
      <form
        aria-label={t("tokens.newToken")}
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <div className="flex-1 space-y-1.5">
          <label htmlFor="token-name" className="text-sm font-medium text-slate-200">
            {t("tokens.name")}
          </label>
          <input
            id="token-name"
            required
            maxLength={60}
            placeholder={t("tokens.namePlaceholder")}
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "token-error" : undefined}
            className={inputClass}
          />
        </div>
        <Button type="submit" variant="primary" disabled={busy || name.trim() === ""}>
          {busy ? t("tokens.creating") : t("tokens.create")}
        </Button>
      </form>
      {error ? <FieldError id="token-error">{say(t, error)}</FieldError> : null}
      {created ? (
        <div
          role="status"
          className="space-y-2 rounded-md border border-emerald-400/40 bg-emerald-500/10 p-3"
        >
          <p className="text-sm text-emerald-100">{t("tokens.created", { name: created.name })}</p>
          <label htmlFor="new-token" className="sr-only">
            {t("tokens.newToken")}
          </label>
          <input
            id="new-token"
            readOnly
            value={created.token}
            onFocus={(e) => e.currentTarget.select()}
            className={`${inputClass} font-mono text-xs`}
          />
        </div>
      ) : null}
      <section aria-labelledby="tokens-heading" className="space-y-2">
        <h2 id="tokens-heading" className="text-sm font-semibold text-slate-200">
          {t("tokens.yours")}
        </h2>
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-400">{t("tokens.none")}</p>
        ) : (
          <ul
            aria-label={t("tokens.yours")}
            className="divide-y divide-ink-700 rounded-md border border-ink-700"
          >
            {tokens.map((token) => (
              <li key={token.id} className="flex items-center gap-3 px-3 py-2 text-sm">
                <span className="min-w-0 flex-1 truncate text-slate-100" translate="no">
                  {token.name ?? t("tokens.unnamed")}
                </span>
                <code className="text-xs text-slate-400">{token.start ? `${token.start}…` : ""}</code>
                <span className="hidden text-xs text-slate-400 sm:inline" suppressHydrationWarning>
                  {format.dateTime(new Date(token.createdAt), { dateStyle: "medium" })}
                </span>
                <Button type="button" size="sm" onClick={() => void revoke(token.id)}>
                  {t.rich("tokens.revoke", {
                    name: token.name ?? t("tokens.token"),
                    sr: (chunks) => <span className="sr-only">{chunks}</span>,
                  })}
                </Button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
