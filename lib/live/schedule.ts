/**
 * When the server next asks FoxAPI about a running task (issue 16). A pure function of what the server knows: the
 * task's age, FoxAPI's `estimated_time` hint, and how long recent tasks of the same model and settings took here.
 *
 * FoxAPI has no callback for these models, so the delay between a task finishing upstream and the server knowing is
 * the gap between two status calls. Spreading calls evenly cannot both keep that gap under ~2 s and spend no more
 * calls than the browser's backoff did (5–6 for a 20 s task). Concentrating them where the task is likely to finish
 * can: a few sparse calls early, a dense window around the finish the history predicts, then a quick back-off for a
 * task that outruns it. See README.md in this folder for the figures and the reasoning.
 */

/** How long recent tasks of one model and settings took, submit to completion, in ms. */
export interface DurationSummary {
  samples: number;
  p10Ms: number;
  medianMs: number;
  p90Ms: number;
  /**
   * How precisely those durations are known: the median half-width of their spans (see `CompletionSpan`), 0 for
   * exact values. The window widens by it on both sides.
   */
  uncertaintyMs: number;
}

/**
 * What the server really knows of a finished task's duration: it was still running at the check at `afterMs` (age,
 * ms; 0 when no check saw it running) and finished by the check at `byMs`. Recording `byMs` alone made the history
 * late by the gap before the check that saw it done, and a late history places the window late, so the next task
 * is seen late too: the error fed itself (the benchmark showed 20 s tasks seen 9 s late, for good). The midpoint
 * with its half-width does not: a wide span widens the next window, whose denser checks give a narrow span.
 */
export interface CompletionSpan {
  afterMs: number;
  byMs: number;
}

export interface ScheduleInput {
  /** Recent durations of tasks with the same model and settings; `null` when there are none. */
  history: DurationSummary | null;
  /**
   * FoxAPI's `task_info.estimated_time` in seconds (45 in every documented example: a hint, not a promise). Kept
   * for logs and callers; the plan doesn't lean on it (see `likelyWindow`).
   */
  hintSeconds: number | null;
  /** STATUS_MIN_INTERVAL_MS: the spacing outside the dense window never goes below it. */
  minIntervalMs: number;
}

/** Past this age the server stops asking (the card offers to check again), as the browser's polling did. */
export const SCHEDULE_DEADLINE_MS = 30 * 60_000;
/** Fewer finished tasks than this and the history is widened, since two samples say little about the spread. */
export const MIN_SAMPLES = 3;
/** The slowest the early phase gets: a task that fails early (content policy) is still seen within this. */
export const EARLY_MAX_STEP_MS = 15_000;
/** The slowest spacing while a task outruns its history up to 3.5× the usual: keeps a 3× task's delay under 10 s. */
export const OUTLIER_MAX_STEP_MS = 8_000;
/** After 3.5× a known history's median, a quarter of the age up to this: a stuck task costs no more than it used to. */
export const LATE_MAX_STEP_MS = 20_000;
/** The widest spacing inside the window (a wide history): finer than the old 15 s ceiling. */
export const WINDOW_MAX_STEP_MS = 12_000;
/** Never two calls about one task closer than this, whatever the settings. */
export const ABSOLUTE_MIN_GAP_MS = 250;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Summarises recent durations (ms) into the figures the schedule reads; `null` for none. Non-finite or non-positive
 * values are ignored: a task with a broken clock must not pull the window to zero. Keep the input recent (for example
 * the last 20 completed tasks of the key, newest first): a provider's speed drifts.
 */
export function summarizeDurations(
  durationsMs: readonly (number | CompletionSpan)[],
): DurationSummary | null {
  const spans = durationsMs
    .map((d) => (typeof d === "number" ? { afterMs: d, byMs: d } : d))
    .filter((d) => Number.isFinite(d.byMs) && d.byMs > 0 && Number.isFinite(d.afterMs))
    .map((d) => {
      const after = Math.min(Math.max(0, d.afterMs), d.byMs);
      return { mid: (after + d.byMs) / 2, half: (d.byMs - after) / 2 };
    });
  if (spans.length === 0) return null;
  const sorted = spans.map((d) => d.mid).sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p10Ms: percentile(sorted, 10),
    medianMs: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    uncertaintyMs: percentile(
      spans.map((d) => d.half).sort((a, b) => a - b),
      50,
    ),
  };
}

/**
 * The history key: the model plus the settings that change how long a task takes (for example resolution), in a
 * stable order so `{a,b}` and `{b,a}` share a history. Prompts and URLs are not settings: leave them out.
 */
export function historyKey(
  model: string,
  settings: Record<string, string | number | boolean | null>,
): string {
  const parts = Object.keys(settings)
    .sort()
    .map((k) => `${k}=${String(settings[k])}`);
  return [model, ...parts].join(";");
}

/** The spacing inside the dense window. It may go below STATUS_MIN_INTERVAL_MS (see README: the window's calls are counted). */
export function denseStepFloor(minIntervalMs: number): number {
  return Math.max(ABSOLUTE_MIN_GAP_MS, Math.min(minIntervalMs, Math.max(1_000, minIntervalMs / 2)));
}

interface Window {
  lo: number;
  hi: number;
  expected: number;
  /** The late ceiling: LATE_MAX_STEP_MS, or the old 15 s while the history has fewer than MIN_SAMPLES tasks. */
  lateMax: number;
}

/** Where the task is likely to finish, or `null` when nothing is known. */
function likelyWindow(input: ScheduleInput): Window | null {
  const h = input.history;
  if (h && h.samples > 0) {
    const few = h.samples < MIN_SAMPLES;
    const guard =
      (few ? Math.max(2_000, 0.15 * h.medianMs) : Math.max(1_000, 0.02 * h.medianMs)) + h.uncertaintyMs;
    return {
      lo: h.p10Ms - guard,
      hi: h.p90Ms + guard,
      expected: h.medianMs,
      lateMax: few ? EARLY_MAX_STEP_MS : LATE_MAX_STEP_MS,
    };
  }
  // FoxAPI's hint alone doesn't place a window: it is 45 s in every documented example whatever the task, and a
  // window built on it put a 20 s task's first sight of completion at 34 s (13 s late, against the old backoff's
  // 2.5 s). Without a history the plan is the old backoff; the history takes over from the first finished task.
  return null;
}

/**
 * The browser's old backoff (2 s × 1.25ⁿ up to 15 s, one upstream call per poll with one page open), as check ages:
 * the budget. A task of length T cost as many calls as this has ages below T, plus the one that saw it finished.
 */
export function legacyPlan(minIntervalMs: number, deadlineMs = SCHEDULE_DEADLINE_MS): number[] {
  const plan: number[] = [];
  const first = Math.max(ABSOLUTE_MIN_GAP_MS, minIntervalMs);
  for (let t = first, gap = first; t <= deadlineMs; gap = Math.min(EARLY_MAX_STEP_MS, gap * 1.25), t += gap)
    plan.push(Math.ceil(t));
  return plan;
}

/** Calls the old backoff spent on a task of this length. */
export function legacyCalls(durationMs: number, minIntervalMs: number): number {
  const plan = legacyPlan(minIntervalMs, Math.max(durationMs + 60_000, 0));
  return plan.findIndex((p) => p >= durationMs) + 1;
}

/**
 * Every age (ms since the task was recorded) at which the server asks, in order, up to the deadline. Cheap (a few
 * hundred numbers at most), so callers recompute it rather than store it.
 */
export function checkPlan(input: ScheduleInput, deadlineMs = SCHEDULE_DEADLINE_MS): number[] {
  const min = Math.max(ABSOLUTE_MIN_GAP_MS, input.minIntervalMs);
  const dense = denseStepFloor(input.minIntervalMs);
  const plan: number[] = [];
  const push = (t: number) => {
    if (t <= deadlineMs) plan.push(Math.round(t));
  };
  const w = likelyWindow(input);

  // Nothing to go on: the old browser backoff, which costs exactly what it did.
  if (!w) return legacyPlan(input.minIntervalMs, deadlineMs);

  const lo = Math.max(min, w.lo);
  const hi = Math.max(lo, w.hi);

  // Early: a check half way, then every EARLY_MAX_STEP_MS at most; stop a minimum interval short of the window.
  for (let t = clamp(lo / 2, min, EARLY_MAX_STEP_MS); t < lo - min; t += clamp(t, min, EARLY_MAX_STEP_MS))
    push(t);

  // Dense: evenly over [lo, hi]. With a real history the window gets what the old backoff would have spent on a
  // task of the median length, less the early calls and the one before them: the same budget, moved to the finish.
  const steps = Math.max(2, legacyCalls(w.expected, input.minIntervalMs) - plan.length - 1);
  const step = clamp((hi - lo) / steps, dense, WINDOW_MAX_STEP_MS);
  // The last point is at or past `hi`, so the guard band is covered as densely as the rest.
  const n = Math.ceil((hi - lo) / step - 1e-9);
  for (let k = 0; k <= n; k++) push(lo + k * step);
  let t = lo + n * step;

  // Outlier: the gap doubles from the minimum interval up to a ceiling that keeps a 3× task's delay under 10 s;
  // past 3.5× the usual, a quarter of the age up to the late ceiling.
  let gap = min;
  while (t <= deadlineMs) {
    t += gap;
    push(t);
    gap =
      t < 3.5 * w.expected
        ? clamp(gap * 2, min, Math.max(min, OUTLIER_MAX_STEP_MS))
        : clamp(t / 4, min, Math.max(min, w.lateMax));
  }
  return plan;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * The age at which to ask next, given the age now and the age of the last call (`null`: none yet). A worker that was
 * away (restart, overload) asks at once, then picks the plan up again without bunching calls. `retryAfterMs` from a
 * 429 pushes the next call out.
 */
export function nextCheckAge(
  input: ScheduleInput,
  ageMs: number,
  lastCheckAgeMs: number | null,
  retryAfterMs = 0,
  deadlineMs = SCHEDULE_DEADLINE_MS,
): number | null {
  if (ageMs > deadlineMs) return null;
  const plan = checkPlan(input, deadlineMs);
  const gap = denseStepFloor(input.minIntervalMs);
  const after = lastCheckAgeMs === null ? -Infinity : lastCheckAgeMs + gap;
  const planned = plan.find((p) => p >= after) ?? null;
  if (planned === null) return null;
  const earliest = lastCheckAgeMs === null ? 0 : lastCheckAgeMs + Math.max(gap, retryAfterMs);
  // A planned age already passed while nobody asked means "now": the caller waits max(0, at - age).
  const at = Math.max(planned, earliest);
  return at > deadlineMs ? null : at;
}
