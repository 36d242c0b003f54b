"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { problemOf } from "@/lib/client/problem";
import { say } from "@/lib/i18n/message";
import type { InviteView, Person, Role } from "@/lib/team/types";

const selectClass = `${inputClass} w-auto py-1.5`;

/**
 * /team for admins: invite (a one-time link to copy), the pending invites, and each person's role, daily limit and
 * removal. Each change is sent at once and the page's server data (the list, the Activity) is read again.
 */
export function TeamManager({
  people,
  invites,
  me,
}: {
  people: Person[];
  invites: InviteView[];
  me: string;
}) {
  const t = useTranslations();
  const format = useFormatter();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [inviteError, setInviteError] = useState<{ message: string; fields: Record<string, string> } | null>(
    null,
  );
  const [made, setMade] = useState<(InviteView & { link: string }) | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");

  async function invite() {
    setBusy(true);
    setInviteError(null);
    setCopied(false);
    try {
      const res = await fetch("/api/team/invites", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, role }),
      });
      if (!res.ok) {
        setInviteError(await problemOf(res));
        return;
      }
      setMade((await res.json()) as InviteView & { link: string });
      setEmail("");
      router.refresh();
    } catch {
      setInviteError({ message: t("errors.network"), fields: {} });
    } finally {
      setBusy(false);
    }
  }

  async function cancel(id: string) {
    const res = await fetch(`/api/team/invites/${encodeURIComponent(id)}`, { method: "DELETE" }).catch(
      () => null,
    );
    if (!res) setStatus(t("errors.network"));
    else if (!res.ok && res.status !== 404) setStatus((await problemOf(res)).message);
    else {
      if (made?.id === id) setMade(null);
      setStatus(t("team.inviteCancelled"));
      router.refresh();
    }
  }

  const emailError = inviteError?.fields.email;
  return (
    <div className="space-y-8">
      <section aria-labelledby="invite-heading" className="space-y-3">
        <h2 id="invite-heading" className="text-sm font-semibold text-slate-200">
          {t("team.inviteHeading")}
        </h2>
        <form
          aria-label={t("team.inviteHeading")}
          // Our own words for a bad email (in the page's language), not the browser's.
          noValidate
          className="flex flex-col gap-3 sm:flex-row sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            void invite();
          }}
        >
          <div className="flex-1 space-y-1.5">
            <label htmlFor="invite-email" className="text-sm font-medium text-slate-200">
              {t("team.email")}
            </label>
            <input
              id="invite-email"
              type="email"
              required
              autoComplete="off"
              placeholder={t("team.emailPlaceholder")}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={emailError ? true : undefined}
              aria-describedby={inviteError ? "invite-error" : undefined}
              className={inputClass}
            />
          </div>
          <div className="space-y-1.5">
            <label htmlFor="invite-role" className="text-sm font-medium text-slate-200">
              {t("team.role")}
            </label>
            <select
              id="invite-role"
              value={role}
              onChange={(e) => setRole(e.target.value === "admin" ? "admin" : "member")}
              className={`${selectClass} block`}
            >
              <option value="member">{t("team.roles.member")}</option>
              <option value="admin">{t("team.roles.admin")}</option>
            </select>
          </div>
          <Button type="submit" variant="primary" disabled={busy || email.trim() === ""}>
            {t("team.invite")}
          </Button>
        </form>
        {inviteError ? (
          <FieldError id="invite-error">{say(t, emailError ?? inviteError.message)}</FieldError>
        ) : null}
        {made ? (
          <div
            role="status"
            className="space-y-2 rounded-md border border-emerald-400/40 bg-emerald-500/10 p-3"
          >
            <p className="text-sm text-emerald-100">
              {t("team.inviteMade", {
                email: made.email,
                role: t(`team.roles.${made.role}`),
                date: format.dateTime(new Date(made.expiresAt), { dateStyle: "medium", timeStyle: "short" }),
              })}
            </p>
            <div className="flex gap-2">
              <label htmlFor="invite-link" className="sr-only">
                {t("team.inviteLink")}
              </label>
              <input
                id="invite-link"
                readOnly
                value={made.link}
                onFocus={(e) => e.currentTarget.select()}
                className={`${inputClass} font-mono text-xs`}
              />
              <Button
                type="button"
                onClick={() => {
                  void navigator.clipboard
                    ?.writeText(made.link)
                    .then(() => setCopied(true))
                    .catch(() => setCopied(false));
                }}
              >
                {copied ? t("team.copied") : t("team.copyLink")}
              </Button>
            </div>
          </div>
        ) : null}
        {invites.length > 0 ? (
          <div className="space-y-1.5">
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-400">
              {t("team.pending")}
            </h3>
            <ul
              aria-label={t("team.pending")}
              className="divide-y divide-ink-700 rounded-md border border-ink-700"
            >
              {invites.map((inv) => (
                <li key={inv.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
                  <span className="min-w-0 flex-1 truncate text-slate-100" translate="no">
                    {inv.email}
                  </span>
                  <span className="text-xs text-slate-400">{t(`team.roles.${inv.role}`)}</span>
                  <span className="text-xs text-slate-400" suppressHydrationWarning>
                    {t("team.expires", {
                      date: format.dateTime(new Date(inv.expiresAt), { dateStyle: "medium" }),
                    })}
                  </span>
                  <Button type="button" size="sm" onClick={() => void cancel(inv.id)}>
                    {t.rich("team.cancelInvite", {
                      email: inv.email,
                      sr: (chunks) => <span className="sr-only">{chunks}</span>,
                    })}
                  </Button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="people-heading" className="space-y-3">
        <h2 id="people-heading" className="text-sm font-semibold text-slate-200">
          {t("team.people")}
        </h2>
        <p className="text-xs text-slate-400">{t("team.dailyLimitHelp")}</p>
        <ul
          aria-label={t("team.people")}
          className="divide-y divide-ink-700 rounded-md border border-ink-700"
        >
          {people.map((person) => (
            <PersonRow key={person.id} person={person} isMe={person.id === me} onChanged={setStatus} />
          ))}
        </ul>
      </section>
      <p role="status" aria-live="polite" className="text-sm text-slate-300">
        {status}
      </p>
    </div>
  );
}

function PersonRow({
  person,
  isMe,
  onChanged,
}: {
  person: Person;
  isMe: boolean;
  onChanged: (words: string) => void;
}) {
  const t = useTranslations();
  const router = useRouter();
  const [limit, setLimit] = useState(person.dailyLimit === null ? "" : String(person.dailyLimit));
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const id = `person-${person.id}`;

  async function patch(body: { role?: Role; dailyLimit?: number | null }, done: string) {
    setError(null);
    const res = await fetch(`/api/team/people/${encodeURIComponent(person.id)}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).catch(() => null);
    if (!res) return setError(t("errors.network"));
    if (!res.ok) {
      const problem = await problemOf(res);
      return setError(problem.fields.dailyLimit ?? problem.fields.role ?? problem.message);
    }
    onChanged(done);
    router.refresh();
  }

  async function remove() {
    setError(null);
    const res = await fetch(`/api/team/people/${encodeURIComponent(person.id)}`, { method: "DELETE" }).catch(
      () => null,
    );
    if (!res) return setError(t("errors.network"));
    if (!res.ok) return setError((await problemOf(res)).message);
    setConfirming(false);
    onChanged(t("team.removed", { name: person.name }));
    router.refresh();
  }

  const saveLimit = () => {
    const text = limit.trim();
    if (text !== "" && !/^\d+$/.test(text)) return setError(t("team.limitWhole"));
    const value = text === "" ? null : Number(text);
    void patch(
      { dailyLimit: value },
      value === null
        ? t("team.limitCleared", { name: person.name })
        : t("team.limitSaved", { name: person.name, n: value }),
    );
  };

  return (
    <li aria-label={person.name} className="space-y-2 px-3 py-3 text-sm">
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-medium text-slate-100" translate="no">
          {person.name}
        </span>
        {isMe ? <span className="text-xs text-slate-400">{t("team.you")}</span> : null}
        <span className="min-w-0 truncate text-xs text-slate-400" translate="no">
          {person.email}
        </span>
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <label htmlFor={`${id}-role`} className="block text-xs text-slate-400">
            {t("team.role")}
          </label>
          <select
            id={`${id}-role`}
            value={person.role}
            onChange={(e) => {
              const next = e.target.value === "admin" ? "admin" : "member";
              void patch(
                { role: next },
                t("team.roleSaved", { name: person.name, role: t(`team.roles.${next}`) }),
              );
            }}
            className={selectClass}
          >
            <option value="member">{t("team.roles.member")}</option>
            <option value="admin">{t("team.roles.admin")}</option>
          </select>
        </div>
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            saveLimit();
          }}
        >
          <div className="space-y-1">
            <label htmlFor={`${id}-limit`} className="block text-xs text-slate-400">
              {t("team.dailyLimit")}
            </label>
            <input
              id={`${id}-limit`}
              inputMode="numeric"
              placeholder={t("team.noLimit")}
              value={limit}
              onChange={(e) => setLimit(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              className={`${inputClass} w-28 py-1.5`}
            />
          </div>
          <Button type="submit" size="sm">
            {t.rich("team.saveLimit", { sr: (chunks) => <span className="sr-only">{chunks}</span> })}
          </Button>
        </form>
        {isMe ? null : confirming ? (
          <div
            role="group"
            aria-label={t("team.confirmRemove", { name: person.name })}
            className="flex flex-wrap items-center gap-2"
          >
            <span className="text-xs text-rose-200">{t("team.confirmRemove", { name: person.name })}</span>
            <Button type="button" size="sm" variant="danger" onClick={() => void remove()}>
              {t("team.yesRemove")}
            </Button>
            <Button type="button" size="sm" onClick={() => setConfirming(false)}>
              {t("team.cancel")}
            </Button>
          </div>
        ) : (
          <Button type="button" size="sm" onClick={() => setConfirming(true)}>
            {t.rich("team.remove", {
              name: person.name,
              sr: (chunks) => <span className="sr-only">{chunks}</span>,
            })}
          </Button>
        )}
      </div>
      {error ? <FieldError id={`${id}-error`}>{say(t, error)}</FieldError> : null}
    </li>
  );
}
