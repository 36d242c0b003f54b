import "server-only";
import { createTranslator } from "next-intl";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import { type Locale, requestLocale } from "./locales";
import { type Translate, say } from "./message";

const CATALOGS: Record<Locale, Record<string, unknown>> = { en, "zh-CN": zhCN };
const translators = new Map<Locale, Translate>();

/** A translator over a whole catalog, for words the server says outside a page (API errors). */
export function translatorFor(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    const translate = createTranslator({ locale, messages: CATALOGS[locale] });
    t = (key, values) => translate(key as never, values as never);
    translators.set(locale, t);
  }
  return t;
}

/** Whether a catalog has a key (codes without their own words keep the message they were thrown with). */
export function hasMessage(locale: Locale, key: string): boolean {
  let node: unknown = CATALOGS[locale];
  for (const part of key.split(".")) {
    if (!node || typeof node !== "object" || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  // A message is a string, or (precompiled at build) an array; a namespace is a plain object.
  return typeof node === "string" || Array.isArray(node);
}

/** An API message in the request's language: encoded messages translated, plain ones as they are. */
export function localize(request: Request | null, text: string): string {
  return say(translatorFor(request ? requestLocale(request) : "en"), text);
}

export { requestLocale };

/**
 * A task as an API answer: its warnings (recorded as catalog keys, so every reader gets their own language) in
 * the request's language.
 */
export function localizeWarnings<T extends { warnings?: Record<string, string> | null }>(
  request: Request,
  task: T,
): T {
  if (!task.warnings || Object.keys(task.warnings).length === 0) return task;
  const t = translatorFor(requestLocale(request));
  return {
    ...task,
    warnings: Object.fromEntries(Object.entries(task.warnings).map(([k, v]) => [k, say(t, v)])),
  };
}
