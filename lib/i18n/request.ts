import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE, resolveLocale } from "./locales";

/**
 * next-intl's request config for pages: the locale from the person's choice (the Language cookie) or their
 * browser, and that locale's catalog only.
 */
export default getRequestConfig(async () => {
  const locale = resolveLocale(
    (await cookies()).get(LOCALE_COOKIE)?.value,
    (await headers()).get("accept-language"),
  );
  const messages = ((await import(`../../messages/${locale}.json`)) as { default: Record<string, unknown> })
    .default;
  return { locale, messages };
});
