"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { type Problem, problemOf } from "@/lib/client/problem";
import { say } from "@/lib/i18n/message";

/**
 * The sign-in, passcode and invite forms' one way to post: JSON to our own route, busy while it runs, and on a
 * refusal the words to show (in the page's language): `errorOf` picks them (default: the route's message), and
 * `fallback` stands in for an answer that isn't ours. A network failure says so; `onDone` runs on success (the
 * page moves on, so busy is left as it is then).
 */
export function usePost(
  url: string,
  onDone: () => void,
  {
    errorOf = (problem) => problem.message,
    fallback,
  }: { errorOf?: (problem: Problem) => string; fallback?: string } = {},
) {
  const t = useTranslations();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function post(body: unknown) {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (res.ok) return onDone();
      setError(say(t, errorOf(await problemOf(res, fallback))));
    } catch {
      setError(t("errors.network"));
    }
    setBusy(false);
  }

  return { error, busy, post };
}
