/**
 * The languages Retake speaks, and how a request's language is chosen: the person's choice (a cookie set by the
 * Language control), else the browser's `Accept-Language`, else English. URLs carry no locale. Pure: shared by the
 * pages' request config, the route handlers' error messages and the browser's Language control.
 */
export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
/** next-intl's own cookie name, so its conventions (and anyone reading them) apply. */
export const LOCALE_COOKIE = "NEXT_LOCALE";
/** A year: the choice is remembered until it is changed. */
export const LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600;

/**
 * Each language's name in itself, as a language menu shows it: the same words whatever the page's language, so
 * they are data here rather than catalog entries.
 */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "中文" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The best of our locales for an `Accept-Language` header: any `zh*` is Simplified Chinese, any `en*` English. */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranges = acceptLanguage
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranges) {
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return DEFAULT_LOCALE;
}

/** The person's choice when it names one of ours, else their browser's languages. */
export function resolveLocale(cookie: string | null | undefined, acceptLanguage: string | null | undefined) {
  return isLocale(cookie) ? cookie : negotiateLocale(acceptLanguage);
}

/** A cookie's value from a `Cookie` request header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The language of an API request: the Language cookie, else `Accept-Language`. */
export function requestLocale(request: Request): Locale {
  return resolveLocale(
    cookieValue(request.headers.get("cookie"), LOCALE_COOKIE),
    request.headers.get("accept-language"),
  );
}
