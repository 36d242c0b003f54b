import { NextIntlClientProvider, createTranslator } from "next-intl";
import type { ReactNode } from "react";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import { type Translate, say } from "../i18n/message";

const catalogs = { en, "zh-CN": zhCN } as const;

/** Component tests render inside the provider the layout gives pages, in English unless told otherwise. */
export function Intl({ children, locale = "en" }: { children: ReactNode; locale?: keyof typeof catalogs }) {
  return (
    <NextIntlClientProvider locale={locale} messages={catalogs[locale]} timeZone="UTC">
      {children}
    </NextIntlClientProvider>
  );
}

export function translator(locale: keyof typeof catalogs = "en"): Translate {
  const t = createTranslator({ locale, messages: catalogs[locale] });
  return (key, values) => t(key as never, values as never);
}

/** What a person reading `locale` sees for a message a shared module returned (a catalog key, or plain text). */
export function words(text: string, locale: keyof typeof catalogs = "en"): string {
  return say(translator(locale), text);
}

/** Every string in a value (results, reports, error fields) as an English reader sees it. */
export function english<T>(value: T): T {
  const t = translator("en");
  const walk = (v: unknown): unknown =>
    typeof v === "string"
      ? say(t, v)
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
          : v;
  return walk(value) as T;
}
