/**
 * One task type from every shape FoxAPI has documented (shared/foxapi-contract.md §2): `results[].url`,
 * `results[]` as strings, `output.url`, `output.urls[]`; `error` as an object or a string; unknown statuses.
 */
export const TASK_STATUSES = ["pending", "processing", "completed", "failed", "unknown"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface NormalizedTask {
  id: string;
  model: string | null;
  status: TaskStatus;
  /** The status word the upstream used, kept for unknown ones. */
  rawStatus: string | null;
  progress: number;
  /** Milliseconds since the epoch, when the upstream said. */
  createdAt: number | null;
  estimatedSeconds: number | null;
  resultUrl: string | null;
  error: { code: string; message: string } | null;
  /** What FoxAPI reserved for the task (`usage.credits_reserved`), when it says; its own unit, never a price. */
  creditsReserved: number | null;
}

export function isTerminal(status: TaskStatus): boolean {
  return status === "completed" || status === "failed";
}

/** Characters a task id may have before it goes into an upstream path. The prefix is never checked. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function isSafeTaskId(id: string): boolean {
  return TASK_ID_PATTERN.test(id) && !id.includes("..");
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
const num = (v: unknown): number | null => {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
};

/**
 * A result URL we are willing to hand to a browser: absolute http(s), or (simulator only) a path on our own
 * origin. Anything else (`javascript:`, `data:`) is dropped.
 */
export function safeUrl(v: unknown, allowRootRelative: boolean): string | null {
  const s = str(v);
  if (!s) return null;
  if (allowRootRelative && s.startsWith("/") && !s.startsWith("//")) return s;
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
  } catch {
    return null;
  }
}

export function extractResultUrl(raw: Json, allowRootRelative = false): string | null {
  const results = raw.results;
  if (Array.isArray(results) && results.length > 0) {
    const first: unknown = results[0];
    const url = safeUrl(isObject(first) ? first.url : first, allowRootRelative);
    if (url) return url;
  }
  const output = raw.output;
  if (isObject(output)) {
    const url = safeUrl(output.url, allowRootRelative);
    if (url) return url;
    if (Array.isArray(output.urls)) {
      const first = safeUrl(output.urls[0], allowRootRelative);
      if (first) return first;
    }
  }
  return null;
}

function normalizeStatus(raw: unknown): { status: TaskStatus; cancelled: boolean } {
  const s = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  switch (s) {
    case "pending":
    case "queued":
    case "submitted":
      return { status: "pending", cancelled: false };
    case "processing":
    case "running":
    case "in_progress":
      return { status: "processing", cancelled: false };
    case "completed":
    case "succeeded":
    case "success":
      return { status: "completed", cancelled: false };
    case "failed":
    case "failure":
    case "error":
      return { status: "failed", cancelled: false };
    case "cancelled":
    case "canceled":
      // An older copy of the doc lists `cancelled`: it is as final as a failure.
      return { status: "failed", cancelled: true };
    default:
      return { status: "unknown", cancelled: false };
  }
}

function normalizeError(raw: Json): { code: string; message: string } | null {
  const e = raw.error;
  if (isObject(e)) {
    const message = str(e.message) ?? str(e.msg);
    const code = str(e.code) ?? str(e.type) ?? "generation_failed";
    return message || str(e.code) ? { code, message: message ?? code } : null;
  }
  const asString = str(e) ?? str(raw.fail_reason) ?? str(raw.failure_reason);
  return asString ? { code: "generation_failed", message: asString } : null;
}

function toMillis(v: unknown): number | null {
  const n = num(v);
  if (n !== null) return n > 1e12 ? Math.round(n) : Math.round(n * 1000);
  const s = str(v);
  if (s) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  return null;
}

/** Throws only when the body is not a task at all (no id); every other oddity becomes a sane value. */
export function normalizeTask(
  raw: unknown,
  options: { allowRootRelativeUrls?: boolean } = {},
): NormalizedTask {
  if (!isObject(raw)) throw new TypeError("The task is not a JSON object.");
  const data = isObject(raw.data) && raw.id === undefined ? raw.data : raw;
  const id = str(data.id) ?? str(data.task_id);
  if (!id) throw new TypeError("The task has no id.");

  const { status: baseStatus, cancelled } = normalizeStatus(data.status);
  let status = baseStatus;
  const resultUrl = extractResultUrl(data, options.allowRootRelativeUrls ?? false);
  let error = normalizeError(data);
  if (cancelled) error ??= { code: "cancelled", message: "The task was cancelled." };
  if (status === "failed")
    error ??= { code: "generation_failed", message: "The provider reported a failure without a reason." };
  if (status !== "failed" && status !== "unknown") error = null;
  // A status-less body that carries an error is a failure in any shape we know of.
  if (status === "unknown" && error && data.status === undefined) status = "failed";

  const taskInfo = isObject(data.task_info) ? data.task_info : {};
  let progress = num(data.progress) ?? 0;
  if (progress > 0 && progress <= 1 && !Number.isInteger(progress)) progress *= 100;
  progress = Math.min(100, Math.max(0, Math.round(progress)));
  if (status === "completed") progress = 100;

  const estimated = num(taskInfo.estimated_time) ?? num(data.estimated_time);
  const usage = isObject(data.usage) ? data.usage : {};
  const reserved = num(usage.credits_reserved);
  return {
    id,
    model: str(data.model),
    status,
    rawStatus: str(data.status),
    progress,
    createdAt: toMillis(data.created ?? data.created_at),
    estimatedSeconds: estimated !== null && estimated >= 0 ? Math.round(estimated) : null,
    resultUrl,
    error,
    creditsReserved: reserved !== null && reserved >= 0 ? reserved : null,
  };
}
