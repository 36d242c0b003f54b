import "server-only";
import { ApiError } from "../api/errors";
import type { Caller } from "../api/guards";
import { type Translate, msg } from "../i18n/message";
import { modelInfo } from "../models/catalog";
import { round } from "../pricing/price";
import { getTaskStore } from "../tasks";
import type { UsageGroup } from "../tasks/store";
import { utcDay } from "../tasks/submissions";
import { toCsv } from "./csv";

/*
 * The usage report (issue 12, `/usage` and `GET /api/usage/report`): tasks per person and per model over a UTC
 * day, ISO week or calendar month, with what FoxAPI reserved for them. Who sees what is decided here, on the
 * server: an admin every person, a member only their own tasks, and a mode without accounts everyone's tasks
 * as one person ("Everyone": `person` null).
 */

export const PERIODS = ["day", "week", "month"] as const;
export type Period = (typeof PERIODS)[number];

export interface UsagePerson {
  id: string;
  name: string;
  email: string | null;
}

export interface UsageReportRow {
  /** Null for tasks nobody is recorded for: every task in modes without accounts, older tasks in accounts mode. */
  person: UsagePerson | null;
  /** The model's id (screens show its label from lib/models). */
  model: string;
  tasks: number;
  /** The sum of FoxAPI's `credits_reserved` over the `tasksWithCredits` tasks that had a figure. */
  creditsReserved: number;
  tasksWithCredits: number;
}

export interface UsageReport {
  period: Period;
  /** The period as `[from, to)`, ISO timestamps in UTC (`to` is the first instant after it). */
  from: string;
  to: string;
  /** What `creditsReserved` is counted in: FoxAPI's own credits (not PRICE_UNIT, which is the operator's). */
  unit: "credits";
  /** Whether the caller sees the whole team (admins, modes without accounts) or only their own tasks. */
  scope: "everyone" | "mine";
  /** Whether rows have people (accounts mode); without accounts each model has one row for everyone. */
  people: boolean;
  rows: UsageReportRow[];
  totals: { tasks: number; creditsReserved: number; tasksWithCredits: number };
}

export interface UsageFilter {
  period: Period;
  /** YYYY-MM-DD, any day of the period. */
  date: string;
}

const DAY_MS = 86_400_000;

/** The period containing `date` (UTC) as epoch ms `[from, to)`: a day, its ISO week (Monday first), its month. */
export function periodRange(period: Period, date: string): { from: number; to: number } {
  const day = Date.parse(`${date}T00:00:00.000Z`);
  if (period === "day") return { from: day, to: day + DAY_MS };
  if (period === "week") {
    const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
    const from = day - sinceMonday * DAY_MS;
    return { from, to: from + 7 * DAY_MS };
  }
  const d = new Date(day);
  return {
    from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

/** A calendar date written YYYY-MM-DD that exists (no 2031-02-30), in years 2000-9999. */
function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value < "2000") return false;
  const t = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isFinite(t) && utcDay(t) === value;
}

/**
 * `period` and `date` from a query string: the period defaults to the day and the date to today (UTC). Anything
 * else is a 400 `invalid_filter` that says what to send.
 */
export function parseUsageFilter(params: URLSearchParams, now = Date.now()): UsageFilter {
  const period = params.get("period") ?? "day";
  const date = params.get("date") || utcDay(now);
  if (!(PERIODS as readonly string[]).includes(period))
    throw new ApiError(400, "invalid_filter", msg("usagePage.errors.period", { given: period.slice(0, 20) }));
  if (!isDate(date))
    throw new ApiError(400, "invalid_filter", msg("usagePage.errors.date", { given: date.slice(0, 20) }));
  return { period: period as Period, date };
}

function person(group: UsageGroup): UsagePerson | null {
  if (group.createdBy === null) return null;
  return {
    id: group.createdBy,
    name: group.userName ?? group.createdByName ?? group.createdBy,
    email: group.userEmail,
  };
}

/** Rows for one person: the same model's groups summed (without accounts, everyone is one person). */
function merge(rows: UsageReportRow[]): UsageReportRow[] {
  const byKey = new Map<string, UsageReportRow>();
  for (const row of rows) {
    const key = `${row.person?.id ?? ""}\u0000${row.model}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...row });
    else {
      seen.tasks += row.tasks;
      seen.creditsReserved = round(seen.creditsReserved + row.creditsReserved);
      seen.tasksWithCredits += row.tasksWithCredits;
    }
  }
  return [...byKey.values()];
}

/**
 * The report `caller` may see. A member (or anyone signed in as a person who is not an admin) gets only the
 * tasks they started, filtered in the query; tokens never get here (the route refuses them).
 */
export async function usageReport(caller: Caller, filter: UsageFilter): Promise<UsageReport> {
  const { from, to } = periodRange(filter.period, filter.date);
  const people = caller.kind === "user" || caller.kind === "token";
  const mine = people && caller.role !== "admin";
  if (mine && !caller.userId)
    throw new ApiError(403, "admin_only", "Only a person's own usage is open to them.");
  const groups = await getTaskStore().usageByPerson(from, to, mine ? caller.userId : undefined);
  const rows = merge(
    groups.map((g) => ({
      person: people ? person(g) : null,
      model: g.model,
      tasks: g.tasks,
      creditsReserved: round(g.creditsReserved),
      tasksWithCredits: g.tasksWithCredits,
    })),
  ).sort(
    (a, b) =>
      // People by name (nobody last), then models by id.
      Number(a.person === null) - Number(b.person === null) ||
      (a.person?.name ?? "").localeCompare(b.person?.name ?? "") ||
      (a.person?.id ?? "").localeCompare(b.person?.id ?? "") ||
      a.model.localeCompare(b.model),
  );
  const totals = { tasks: 0, creditsReserved: 0, tasksWithCredits: 0 };
  for (const row of rows) {
    totals.tasks += row.tasks;
    totals.creditsReserved = round(totals.creditsReserved + row.creditsReserved);
    totals.tasksWithCredits += row.tasksWithCredits;
  }
  return {
    period: filter.period,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    unit: "credits",
    scope: mine ? "mine" : "everyone",
    people,
    rows,
    totals,
  };
}

/** The CSV's columns (machine names: the file is for spreadsheets and scripts, in any language). */
export const CSV_HEADER = ["person", "email", "model", "tasks", "credits_reserved", "tasks_with_credits"];

/**
 * The person a row is about, in words: their name, or "Everyone" in a mode without accounts, or "Not recorded"
 * for tasks started before accounts.
 */
export function personLabel(report: Pick<UsageReport, "people">, row: UsageReportRow, t: Translate): string {
  if (row.person) return row.person.name;
  return report.people ? t("usagePage.notRecorded") : t("usagePage.everyone");
}

/**
 * The report as CSV (`toCsv`): one line per person and model, models by their names; no totals line. It starts
 * with a byte order mark: without one, Excel reads a CSV in the system's legacy code page, and a name like 李雷
 * turns to mojibake; spreadsheets and `csv` readers that know UTF-8 skip it (Python: encoding="utf-8-sig").
 */
export function usageCsv(report: UsageReport, t: Translate): string {
  return (
    "\uFEFF" +
    toCsv([
      CSV_HEADER,
      ...report.rows.map((row) => [
        personLabel(report, row, t),
        row.person?.email ?? "",
        modelInfo(row.model).label,
        row.tasks,
        row.creditsReserved,
        row.tasksWithCredits,
      ]),
    ])
  );
}

/** `retake-usage-<period>-<first day>.csv`. */
export function csvFilename(report: UsageReport): string {
  return `retake-usage-${report.period}-${report.from.slice(0, 10)}.csv`;
}
