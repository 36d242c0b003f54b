import { getLocale, getTranslations } from "next-intl/server";
import { cn } from "@/components/ui/cn";
import { LOCALES, LOCALE_NAMES } from "@/lib/i18n/locales";

/**
 * The Language control (语言): English or 中文, on every page. A server-rendered form with one button per
 * language, posted to /api/locale, which remembers the choice and sends the browser back to this page (its
 * Referer) in that language. No JavaScript: it adds nothing to the studio's first load, and works without it.
 */
export async function LanguageSwitch() {
  const [t, locale] = await Promise.all([getTranslations(), getLocale()]);
  return (
    <form method="post" action="/api/locale">
      <div
        role="group"
        aria-label={t("language.label")}
        className="flex items-center gap-0.5 rounded-md border border-ink-600 bg-ink-900 p-0.5"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="mx-1 h-3.5 w-3.5 text-slate-400" fill="none">
          <circle cx="10" cy="10" r="7.5" stroke="currentColor" strokeWidth="1.4" />
          <path
            d="M2.5 10h15M10 2.5c2.2 2.2 2.2 12.8 0 15M10 2.5c-2.2 2.2-2.2 12.8 0 15"
            stroke="currentColor"
            strokeWidth="1.4"
          />
        </svg>
        {LOCALES.map((l) => (
          <button
            key={l}
            type="submit"
            name="locale"
            value={l}
            lang={l}
            aria-pressed={l === locale}
            className={cn(
              "rounded px-1.5 py-0.5 text-xs",
              l === locale ? "bg-ink-700 font-medium text-slate-100" : "text-slate-400 hover:text-slate-100",
            )}
          >
            {LOCALE_NAMES[l]}
          </button>
        ))}
      </div>
    </form>
  );
}
