import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { FieldError, inputClass } from "@/components/ui/field";
import { SiteHeader } from "@/components/site-header";
import { ApiError } from "@/lib/api/errors";
import { requirePageCaller } from "@/lib/auth/page-guard";
import { say } from "@/lib/i18n/message";
import { modelInfo } from "@/lib/models/catalog";
import {
  PERIODS,
  type UsageFilter,
  type UsageReport,
  parseUsageFilter,
  personLabel,
  usageReport,
} from "@/lib/usage/report";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t("meta.usageTitle") };
}

const DAY_MS = 86_400_000;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function queryOf(raw: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ["period", "date"]) {
    const value = raw[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) params.set(name, first);
  }
  return params;
}

// /usage - tasks per person and model for a UTC day, ISO week or month, with the credits FoxAPI reserved, and the
// same as CSV. A plain GET form: it works without JavaScript. Admins see everyone; a member only their own.
export default async function UsagePage({ searchParams }: { searchParams: SearchParams }) {
  const caller = await requirePageCaller("/usage");
  const t = await getTranslations();
  const format = await getFormatter();
  const query = queryOf(await searchParams);

  // Which control the error is about: the period's radios or the date.
  const badPeriod = !(PERIODS as readonly string[]).includes(query.get("period") ?? "day");
  let filter: UsageFilter;
  let error: string | null = null;
  let report: UsageReport | null = null;
  try {
    filter = parseUsageFilter(query);
    report = await usageReport(caller, filter);
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== "invalid_filter") throw err;
    error = say(t, err.message);
    filter = parseUsageFilter(new URLSearchParams());
  }

  const number = (n: number) => format.number(n, { maximumFractionDigits: 4 });
  const range = report
    ? format.dateTimeRange(new Date(report.from), new Date(Date.parse(report.to) - DAY_MS), {
        dateStyle: "medium",
        timeZone: "UTC",
      })
    : "";
  const csvHref = `/api/usage/report?${new URLSearchParams({ period: filter.period, date: filter.date, format: "csv" }).toString()}`;
  const cell = "px-3 py-2";

  return (
    <>
      <SiteHeader caller={caller} />
      <main className="mx-auto max-w-4xl space-y-6 px-4 py-6 sm:px-6">
        <div className="space-y-1">
          <h1 className="text-lg font-semibold text-slate-100">{t("usagePage.title")}</h1>
          <p className="text-sm text-slate-400">
            {report?.scope === "mine" ? t("usagePage.introMine") : t("usagePage.intro")}
          </p>
        </div>

        <form
          method="get"
          action="/usage"
          aria-label={t("usagePage.filters")}
          className="flex flex-col gap-4 sm:flex-row sm:flex-wrap sm:items-end"
        >
          <fieldset className="space-y-1.5" aria-describedby={error && badPeriod ? "usage-error" : undefined}>
            <legend className="mb-1.5 text-sm font-medium text-slate-200">{t("usagePage.period")}</legend>
            <div className="inline-flex rounded-md border border-ink-600 bg-ink-900 p-0.5">
              {PERIODS.map((p) => (
                <label
                  key={p}
                  className="cursor-pointer rounded px-3 py-1.5 text-sm text-slate-300 transition-colors hover:text-slate-100 has-[:checked]:bg-accent-500 has-[:checked]:font-medium has-[:checked]:text-ink-950 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-400"
                >
                  <input
                    type="radio"
                    name="period"
                    value={p}
                    defaultChecked={filter.period === p}
                    className="sr-only"
                  />
                  {t(`usagePage.${p}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="space-y-1.5">
            <label htmlFor="usage-date" className="block text-sm font-medium text-slate-200">
              {t("usagePage.date")}
            </label>
            <input
              id="usage-date"
              type="date"
              name="date"
              required
              defaultValue={filter.date}
              aria-invalid={error && !badPeriod ? true : undefined}
              aria-describedby={error && !badPeriod ? "usage-error" : undefined}
              className={`${inputClass} [color-scheme:dark] sm:w-44`}
            />
          </div>
          <div className="flex items-center gap-3">
            <button
              type="submit"
              className="inline-flex h-9 items-center justify-center rounded-md bg-accent-500 px-3 text-sm font-medium text-ink-950 transition-colors hover:bg-accent-400"
            >
              {t("usagePage.show")}
            </button>
            {report ? (
              <a
                href={csvHref}
                download
                className="inline-flex h-9 items-center justify-center rounded-md border border-ink-600 bg-ink-800 px-3 text-sm font-medium text-slate-100 transition-colors hover:bg-ink-700"
              >
                {t("usagePage.download")}
              </a>
            ) : null}
          </div>
        </form>

        {error ? <FieldError id="usage-error">{error}</FieldError> : null}

        {report ? (
          <section aria-labelledby="usage-range" className="space-y-2">
            <h2 id="usage-range" className="text-sm font-semibold text-slate-200">
              {t("usagePage.range", { range })}
            </h2>
            {report.rows.length === 0 ? (
              <p className="rounded-md border border-ink-700 px-3 py-6 text-center text-sm text-slate-400">
                {t("usagePage.empty")}
              </p>
            ) : (
              <>
                <div
                  role="region"
                  aria-labelledby="usage-range"
                  tabIndex={0}
                  className="overflow-x-auto rounded-md border border-ink-700"
                >
                  <table className="w-full text-sm">
                    <caption className="sr-only">{t("usagePage.caption", { range })}</caption>
                    <thead className="break-keep bg-ink-900 text-left text-xs text-slate-400">
                      <tr>
                        <th scope="col" className={`${cell} font-medium`}>
                          {t("usagePage.person")}
                        </th>
                        <th scope="col" className={`${cell} font-medium`}>
                          {t("usagePage.model")}
                        </th>
                        <th scope="col" className={`${cell} text-right font-medium`}>
                          {t("usagePage.tasks")}
                        </th>
                        <th scope="col" className={`${cell} text-right font-medium`}>
                          {t("usagePage.credits")}
                        </th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-ink-800">
                      {report.rows.map((row) => (
                        <tr key={`${row.person?.id ?? ""}/${row.model}`}>
                          <td className={`${cell} text-slate-100`}>
                            <span className="block" translate={row.person ? "no" : undefined}>
                              {personLabel(report, row, t)}
                            </span>
                            {row.person?.email ? (
                              <span
                                className="block text-xs [overflow-wrap:anywhere] text-slate-400"
                                translate="no"
                              >
                                {row.person.email}
                              </span>
                            ) : null}
                          </td>
                          <td className={`${cell} text-slate-200`} translate="no">
                            {modelInfo(row.model).label}
                          </td>
                          <td className={`${cell} text-right tabular-nums text-slate-100`}>
                            {number(row.tasks)}
                          </td>
                          <td className={`${cell} text-right tabular-nums text-slate-100`}>
                            {number(row.creditsReserved)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                    <tfoot className="border-t border-ink-600 bg-ink-900/60 font-medium">
                      <tr>
                        <th scope="row" colSpan={2} className={`${cell} text-left text-slate-200`}>
                          {t("usagePage.total")}
                        </th>
                        <td className={`${cell} text-right tabular-nums text-slate-100`}>
                          {number(report.totals.tasks)}
                        </td>
                        <td className={`${cell} text-right tabular-nums text-slate-100`}>
                          {number(report.totals.creditsReserved)}
                        </td>
                      </tr>
                    </tfoot>
                  </table>
                </div>
                <p className="text-xs text-slate-400">
                  {t("usagePage.coverage", {
                    withCredits: number(report.totals.tasksWithCredits),
                    tasks: report.totals.tasks,
                  })}
                </p>
              </>
            )}
          </section>
        ) : null}
      </main>
    </>
  );
}
