import { getLocale, getMessages } from "next-intl/server";
import type { ReactNode } from "react";
import { I18nClient } from "./i18n-client";

/**
 * The catalog namespaces client components use. Only these (and only the page's language) are sent to the
 * browser; the rest (page titles, the header's server-rendered words, API messages) stay on the server.
 */
export const CLIENT_NAMESPACES = [
  "common",
  "cost",
  "compare",
  "present",
  "shortcuts",
  "tokens",
  "team",
  "invite",
  "signIn",
  "studio",
  "models",
  "validation",
  "media",
  "uploads",
  "fixer",
  "tasks",
  "errors",
] as const;

export async function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, messages] = await Promise.all([getLocale(), getMessages()]);
  const picked = Object.fromEntries(
    CLIENT_NAMESPACES.flatMap((ns) => (ns in messages ? [[ns, messages[ns]]] : [])),
  );
  return (
    <I18nClient locale={locale} messages={picked}>
      {children}
    </I18nClient>
  );
}
