import { msg } from "../i18n/message";
import {
  type GenerationRequest,
  fieldErrors,
  generationRequestSchema,
  isModelId,
  modelInfo,
  toUpstreamBody,
} from "../models";
import type { FoxClient } from "../foxapi/client";
import { UpstreamError } from "../foxapi/errors";
import {
  type NormalizedTask,
  TASK_STATUSES,
  type TaskStatus,
  isSafeTaskId,
  isTerminal,
} from "../foxapi/normalize";
import { createHash, randomUUID } from "node:crypto";
import { ApiError, storedApiError } from "../api/errors";
import {
  type DurationSummary,
  SCHEDULE_DEADLINE_MS,
  type CompletionSpan,
  historyKey,
  nextCheckAge,
  summarizeDurations,
} from "../live/schedule";
import type { Archiver } from "./archive";
import type { MediaChecker } from "./media-check";
import {
  type PersonLimit,
  type Submission,
  createSubmissions,
  hashRequest,
  secondsToNextDay,
  utcDay,
} from "./submissions";
import { isTakeCount, MAX_TAKES, takeKey, takeRequests } from "./takes";
import type { CostRow, TaskRecord, TaskStore } from "./store";
import type { SourceMeta, TaskLineage, TaskPage, TaskView, UsageTotals, UsageView } from "./types";
import { type PriceTable, estimateCost, round, settingsKey, settingsOf } from "../pricing/price";

export interface TaskServiceOptions {
  store: TaskStore;
  client: FoxClient;
  /** The upstream is asked about one task at most once per this interval, however many viewers poll. */
  minIntervalMs: number;
  now?: () => number;
  /** Copies completed results into our storage; without one, results stay on the provider's link. */
  archiver?: Archiver;
  /** Looks at the request's media links before anything is spent. */
  mediaCheck?: MediaChecker;
  /** MAX_TASKS_PER_DAY: submits reserved per UTC day, counted in the store. */
  maxTasksPerDay?: number;
  /**
   * A viewer's poll waits at most this long for the upstream; past it, the stored status is answered (with when it
   * was last checked) and the refresh goes on behind it. Default 2500 ms, so a poll is answered within 3 s.
   */
  answerWithinMs?: number;
  /** Names this process in the leases it takes (a random id by default): one replica of several. */
  owner?: string;
  /**
   * Live results (issue 16): the server follows each running task itself, on the schedule of lib/live/schedule.ts,
   * holding its status lease throughout (one follower per task across replicas); viewers' reads then answer what
   * is stored. Off by default so tests drive refreshes themselves; the app turns it on.
   */
  follow?: boolean;
}

export interface SubmitMeta {
  parentId?: string | null;
  sourceMeta?: unknown;
  /** Scopes idempotency keys: one team member's key never answers for another's. */
  sessionId?: string;
  idempotencyKey?: string | null;
  /** The signed-in person starting it (accounts mode), recorded on the task. */
  createdBy?: { id: string; name: string } | null;
  /** Their own daily limit (accounts mode), checked with the team's cap in the same reservation. */
  person?: PersonLimit | null;
}

/** One take of a batch that could not be started: its place and the error it met. */
export interface TakeFailure {
  take: number;
  status: number;
  code: string;
  message: string;
}

/** The takes of one click: the tasks started (or replayed), in take order, and the takes that failed. */
export interface BatchResult {
  groupId: string;
  tasks: TaskView[];
  failures: TakeFailure[];
  warnings: Record<string, string>;
  /** True when every take repeats an earlier submit with the same key (no new upstream call). */
  replayed: boolean;
}

export interface SubmitResult {
  task: TaskView;
  /** Links our server couldn't confirm, by field. */
  warnings: Record<string, string>;
  /** True when this answer repeats an earlier submit with the same key (no new upstream call). */
  replayed: boolean;
}

/**
 * Submit failures after which the upstream may still have created (and charged for) the task: no answer, a cut or
 * unreadable answer, or a 5xx (contract §3: "submits: never retry blindly"). They count against the daily cap and
 * their key is never sent again. Every other failure is a definite refusal: nothing was created.
 */
const OUTCOME_UNKNOWN = new Set<string>([
  "submit_outcome_unknown",
  "upstream_error",
  "upstream_unavailable",
  "upstream_bad_response",
  "upstream_timeout",
]);

/** Durations remembered per history key: the schedule looks at the last 20 of the same model and settings. */
const HISTORY_SIZE = 20;

/** The settings that change how long a task takes (duration, resolution, audio…): lib/pricing's `settingsOf`. */
function settingsOfInput(input: string): Record<string, string | number | boolean | null> {
  try {
    return settingsOf(JSON.parse(input) as Record<string, unknown>);
  } catch {
    return {};
  }
}

const keyOf = (r: Pick<TaskRecord, "model" | "input">) => historyKey(r.model, settingsOfInput(r.input));

/** A submit still marked "sending" after this long, with nothing in flight, lost its process. */
const STUCK_SUBMIT_MS = 60_000;

/**
 * How long a replica may hold a task's status lease: past the longest status read (three 10 s tries with
 * Retry-After waits of up to 10 s), so a live holder keeps it; a dead one's runs out and another replica asks.
 */
const STATUS_LEASE_MS = 60_000;
/**
 * A followed task's lease lasts until its next planned check plus this: if the follower dies (a crash, a hard
 * kill), another replica's sweep takes the task up this soon after the check that didn't happen.
 */
const FOLLOW_LEASE_MARGIN_MS = 10_000;
/** How long a result copy may hold its lease: the archiver's own time cap (5 min), with room. */
const ARCHIVE_LEASE_MS = 6 * 60_000;

/** FoxAPI's result links expire 24 hours after completion (contract §2). */
export const PROVIDER_LINK_TTL_MS = 24 * 3600_000;

export function toView(r: TaskRecord): TaskView {
  const input = JSON.parse(r.input) as GenerationRequest;
  const hasVideo = r.status === "completed" && r.resultUrl !== null;
  return {
    id: r.id,
    model: input.model,
    status: r.status,
    progress: r.progress,
    input,
    parentId: r.parentId,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    completedAt: r.completedAt === null ? null : new Date(r.completedAt).toISOString(),
    checkedAt: r.checkedAt === null ? null : new Date(r.checkedAt).toISOString(),
    estimatedSeconds: r.estimatedSeconds,
    videoUrl: hasVideo ? `/api/generations/${encodeURIComponent(r.id)}/video` : null,
    downloadUrl: hasVideo ? `/api/generations/${encodeURIComponent(r.id)}/video?download=1` : null,
    upstreamResultUrl: r.resultUrl,
    storage: !hasVideo ? null : r.archiveStatus === "stored" ? "stored" : "provider",
    resultExpiresAt: r.resultExpiresAt === null ? null : new Date(r.resultExpiresAt).toISOString(),
    sourceMeta: parseSourceMeta(r.sourceMeta),
    warnings: parseWarnings(r.warnings ?? null),
    creditsReserved: r.creditsReserved ?? null,
    groupId: r.groupId ?? null,
    take: r.take ?? null,
    favourite: Boolean(r.favourite),
    error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? r.errorCode } : null,
    createdBy: r.createdBy ? { id: r.createdBy, name: r.createdByName ?? "" } : null,
  };
}

function parseInput(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseWarnings(text: string | null): Record<string, string> | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== "object") return null;
    const out = Object.fromEntries(
      Object.entries(v as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === "string",
      ),
    );
    return Object.keys(out).length > 0 ? out : null;
  } catch {
    return null;
  }
}

function parseSourceMeta(text: string | null): SourceMeta | null {
  if (!text) return null;
  try {
    // "null" (no measurements) parses to null: check before reading a field, rather than throw and catch.
    const v = JSON.parse(text) as SourceMeta | null;
    return typeof v?.durationSeconds === "number" ? v : null;
  } catch {
    return null;
  }
}

/** What the browser measured of the source clip, if it sent something sane. */
export function cleanSourceMeta(value: unknown): SourceMeta | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  const ok = (n: unknown, max: number): n is number =>
    typeof n === "number" && Number.isFinite(n) && n > 0 && n <= max;
  if (!ok(v.durationSeconds, 24 * 3600) || !ok(v.width, 20_000) || !ok(v.height, 20_000)) return null;
  return {
    durationSeconds: Math.round(v.durationSeconds * 1000) / 1000,
    width: Math.round(v.width),
    height: Math.round(v.height),
  };
}

function patchFrom(task: NormalizedTask, now: number, previous?: TaskRecord): Partial<TaskRecord> {
  return {
    status: task.status,
    rawStatus: task.rawStatus,
    // Progress never goes backwards on screen, even if a provider reports it that way.
    progress: Math.max(task.progress, previous && !isTerminal(previous.status) ? previous.progress : 0),
    resultUrl: task.resultUrl ?? previous?.resultUrl ?? null,
    errorCode: task.error?.code ?? null,
    errorMessage: task.error?.message ?? null,
    estimatedSeconds: task.estimatedSeconds ?? previous?.estimatedSeconds ?? null,
    creditsReserved: task.creditsReserved ?? previous?.creditsReserved ?? null,
    upstreamCreatedAt: task.createdAt ?? previous?.upstreamCreatedAt ?? null,
    updatedAt: now,
    checkedAt: now,
    completedAt: isTerminal(task.status) ? (previous?.completedAt ?? now) : null,
    resultExpiresAt:
      task.status === "completed" && task.resultUrl
        ? (previous?.resultExpiresAt ?? (previous?.completedAt ?? now) + PROVIDER_LINK_TTL_MS)
        : (previous?.resultExpiresAt ?? null),
  };
}

const CURSOR = /^(\d{1,15}):(.+)$/;

export function encodeCursor(r: Pick<TaskRecord, "createdAt" | "id">): string {
  return Buffer.from(`${String(r.createdAt)}:${r.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const m = CURSOR.exec(Buffer.from(cursor, "base64url").toString());
  if (!m)
    throw new ApiError(400, "invalid_cursor", "That page cursor is not valid; start from the first page.");
  return { createdAt: Number(m[1]), id: m[2]! };
}

export function createTaskService(options: TaskServiceOptions) {
  const { store, client, minIntervalMs } = options;
  const now = options.now ?? Date.now;
  const answerWithinMs = options.answerWithinMs ?? 2_500;
  /** Concurrent refreshes of one task share one upstream call; `startedAt` bounds how long a viewer waits on it. */
  const inFlight = new Map<string, { promise: Promise<TaskView>; startedAt: number }>();

  const archiving = new Map<string, Promise<void>>();
  const submissions = createSubmissions(store.conn);
  const owner = options.owner ?? randomUUID();
  /** Submits on their way upstream, by session and idempotency key: a concurrent duplicate waits for the first. */
  const submitting = new Map<string, Promise<SubmitResult>>();

  /** What every submit checks before anything is reserved: the body, the parent, the key and the media. */
  async function prepare(body: unknown, meta: SubmitMeta) {
    const parsed = generationRequestSchema.safeParse(body);
    if (!parsed.success)
      throw new ApiError(422, "invalid_request", msg("api.fieldsNeedFixing"), {
        fields: fieldErrors(parsed.error),
      });
    const request = parsed.data;
    const parentId = meta.parentId && (await store.get(meta.parentId)) ? meta.parentId : null;
    const sessionId = meta.sessionId ?? "anonymous";
    const key = meta.idempotencyKey?.trim() || null;
    if (key !== null && !/^[\x21-\x7e]{1,255}$/.test(key))
      throw new ApiError(
        400,
        "invalid_idempotency_key",
        "The Idempotency-Key header must be 1–255 visible ASCII characters.",
      );

    // Links FoxAPI could never fetch, or that serve the wrong thing, are refused before anything is spent.
    const media = options.mediaCheck ? await options.mediaCheck(request) : { errors: {}, warnings: {} };
    if (Object.keys(media.errors).length > 0)
      throw new ApiError(422, "invalid_media", "Some links can't be used: see the highlighted fields.", {
        fields: media.errors,
      });
    return { request, parentId, sessionId, key, media };
  }

  function overCap(cap: number, used: number, asked: number, scope: "team" | "person"): ApiError {
    const left = Math.max(0, cap - used);
    const message =
      scope === "person"
        ? asked <= 1 || left === 0
          ? msg("api.personalDailyLimit", { cap: String(cap) })
          : msg("api.personalDailyLimitTakes", { cap: String(cap), left: String(left), asked: String(asked) })
        : asked <= 1 || left === 0
          ? msg("api.dailyLimit", { cap: String(cap) })
          : msg("api.dailyLimitTakes", { cap: String(cap), left: String(left), asked: String(asked) });
    return new ApiError(429, "daily_limit_reached", message, { retryAfterSeconds: secondsToNextDay(now()) });
  }

  async function submit(body: unknown, meta: SubmitMeta = {}): Promise<SubmitResult> {
    const { request, parentId, sessionId, key, media } = await prepare(body, meta);

    const hash = hashRequest({ request, parentId });
    const reservation = await submissions.reserve({
      sessionId,
      key,
      hash,
      cap: options.maxTasksPerDay,
      now: now(),
      person: meta.person ?? null,
    });
    if (reservation.kind === "over_cap")
      throw overCap(reservation.cap, reservation.used, 1, reservation.scope);
    if (reservation.kind === "mismatch")
      throw new ApiError(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request. Send a new key for new settings.",
      );
    if (reservation.kind === "existing") return replay(reservation.submission, `${sessionId}\n${key ?? ""}`);

    const flightKey = `${sessionId}\n${key ?? String(reservation.submission.id)}`;
    const job = send(
      request,
      parentId,
      meta.sourceMeta,
      reservation.submission.id,
      media.warnings,
      meta.createdBy ?? null,
    ).then((task) => ({
      task,
      warnings: media.warnings,
      replayed: false,
    }));
    submitting.set(flightKey, job);
    try {
      return await job;
    } finally {
      submitting.delete(flightKey);
    }
  }

  /**
   * Takes (issue 14): `takes` tasks from one form, in one request. Validated and checked once; every take is its
   * own task with its own idempotency key (derived from the click's, so a repeated click repeats each take once)
   * and its own seed where the model has one. The day's cap is checked for all of them in one transaction: a
   * batch the cap can't hold is refused whole, before any upstream call. The takes are then sent together; one
   * failing doesn't undo the others, and the answer lists both.
   */
  async function submitBatch(body: unknown, takes: number, meta: SubmitMeta = {}): Promise<BatchResult> {
    if (!isTakeCount(takes))
      throw new ApiError(
        422,
        "invalid_request",
        `Takes must be a whole number from 1 to ${String(MAX_TAKES)}.`,
        {
          fields: { takes: `Choose 1 to ${String(MAX_TAKES)} takes.` },
        },
      );
    const { request, parentId, sessionId, key, media } = await prepare(body, meta);
    const requests = takeRequests(request, modelInfo(request.model), takes);
    const groupId =
      takes <= 1
        ? null
        : key
          ? `grp-${createHash("sha256").update(`${sessionId}\n${key}`).digest("hex").slice(0, 24)}`
          : `grp-${randomUUID()}`;
    const items = requests.map((_, i) => ({
      key: takeKey(key, i + 1, takes),
      // One take's hash is the click's request and its place, not its seed: a repeated click (new random
      // seeds) still matches, and answers the takes already started.
      hash:
        takes <= 1
          ? hashRequest({ request, parentId })
          : hashRequest({ request, parentId, take: i + 1, takes }),
    }));
    const batch = await submissions.reserveBatch({
      sessionId,
      items,
      cap: options.maxTasksPerDay,
      now: now(),
      person: meta.person ?? null,
    });
    if (batch.kind === "over_cap") throw overCap(batch.cap, batch.used, takes, batch.scope);
    if (batch.kind === "mismatch")
      throw new ApiError(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request. Send a new key for new settings.",
      );
    const outcomes = await Promise.allSettled(
      batch.reservations.map(async (reservation, i): Promise<SubmitResult> => {
        const flightKey = `${sessionId}\n${items[i]!.key ?? String(reservation.submission.id)}`;
        if (reservation.kind === "existing") return replay(reservation.submission, flightKey);
        const group = groupId ? { groupId, take: i + 1 } : null;
        const job = send(
          requests[i]!,
          parentId,
          meta.sourceMeta,
          reservation.submission.id,
          media.warnings,
          meta.createdBy ?? null,
          group,
        ).then((task) => ({ task, warnings: media.warnings, replayed: false }));
        submitting.set(flightKey, job);
        try {
          return await job;
        } finally {
          submitting.delete(flightKey);
        }
      }),
    );
    const tasks: TaskView[] = [];
    const failures: TakeFailure[] = [];
    let firstError: unknown;
    outcomes.forEach((o, i) => {
      if (o.status === "fulfilled") tasks.push(o.value.task);
      else {
        firstError ??= o.reason;
        const e = o.reason as { httpStatus?: number; status?: number; code?: string; message?: string };
        failures.push({
          take: i + 1,
          status: e.httpStatus ?? e.status ?? 502,
          code: typeof e.code === "string" ? e.code : "upstream_error",
          message: typeof e.message === "string" ? e.message : msg("api.takeNotStarted"),
        });
      }
    });
    // Nothing started: the one error, as a single submit would answer it.
    if (tasks.length === 0) throw firstError;
    return {
      groupId: groupId ?? tasks[0]!.id,
      tasks,
      failures,
      warnings: media.warnings,
      replayed: outcomes.every((o) => o.status === "fulfilled" && o.value.replayed),
    };
  }

  /** A repeat of a submit we have seen: the same answer, never a second upstream call. */
  async function replay(sub: Submission, flightKey: string): Promise<SubmitResult> {
    if (sub.state === "created" && sub.taskId)
      return { task: toView(await getRecord(sub.taskId)), warnings: {}, replayed: true };
    if (sub.state === "sending") {
      const running = submitting.get(flightKey);
      if (running) return { ...(await running), replayed: true };
      // Nothing in flight here and older than any submit can take (30 s timeout): the process that sent it died
      // before hearing back. It may have reached FoxAPI, so it is an unknown outcome, never a silent re-send.
      if (now() - sub.createdAt > STUCK_SUBMIT_MS) {
        const message =
          "The server stopped while sending this request, so it may or may not have been created. Check the task list.";
        await submissions.finish(sub.id, "unknown", null, {
          status: 504,
          code: "submit_outcome_unknown",
          message,
        });
        throw new ApiError(504, "submit_outcome_unknown", message);
      }
      throw new ApiError(
        409,
        "submit_in_progress",
        "This request is still being sent. Check the task list in a moment.",
      );
    }
    const stored = sub.error
      ? (JSON.parse(sub.error) as { status: number; code: string; message: string })
      : null;
    if (sub.state === "unknown")
      throw new ApiError(
        504,
        "submit_outcome_unknown",
        stored?.message ?? "The outcome of this request is unknown.",
      );
    throw storedApiError(stored, "FoxAPI refused this request.");
  }

  async function send(
    request: GenerationRequest,
    parentId: string | null,
    sourceMeta: unknown,
    submissionId: number,
    warnings: Record<string, string> = {},
    createdBy: { id: string; name: string } | null = null,
    group: { groupId: string; take: number } | null = null,
  ): Promise<TaskView> {
    let task: NormalizedTask;
    try {
      task = await client.createTask(toUpstreamBody(request));
    } catch (err) {
      const unknown = !(err instanceof UpstreamError) || OUTCOME_UNKNOWN.has(err.code);
      const status = err instanceof UpstreamError ? err.httpStatus : 502;
      const code = err instanceof UpstreamError ? err.code : "upstream_error";
      const message = !(err instanceof UpstreamError)
        ? "Something went wrong while sending the request. The task may or may not have been created."
        : unknown && err.code !== "submit_outcome_unknown"
          ? err.options.upstreamStatus === undefined
            ? `${err.message} The task may or may not have been created.`
            : `FoxAPI answered this request with an error (HTTP ${String(err.options.upstreamStatus)}), so the task may or may not have been created.`
          : err.message;
      await submissions.finish(submissionId, unknown ? "unknown" : "rejected", null, {
        status,
        code,
        message,
      });
      throw unknown && !(err instanceof UpstreamError)
        ? new UpstreamError("submit_outcome_unknown", message)
        : err;
    }
    const at = now();
    // Recorded the moment the upstream returns an id: a paid job is never lost to a reload or a crash.
    const record: TaskRecord = {
      id: task.id,
      model: request.model,
      input: JSON.stringify(request),
      status: task.status === "unknown" ? "pending" : task.status,
      rawStatus: task.rawStatus,
      progress: task.progress,
      resultUrl: task.resultUrl,
      errorCode: task.error?.code ?? null,
      errorMessage: task.error?.message ?? null,
      estimatedSeconds: task.estimatedSeconds,
      parentId,
      upstreamCreatedAt: task.createdAt,
      createdAt: at,
      updatedAt: at,
      completedAt: isTerminal(task.status) ? at : null,
      checkedAt: at,
      sourceMeta: JSON.stringify(cleanSourceMeta(sourceMeta)),
      createdBy: createdBy?.id ?? null,
      createdByName: createdBy?.name ?? null,
      warnings: Object.keys(warnings).length > 0 ? JSON.stringify(warnings) : null,
      creditsReserved: task.creditsReserved,
      groupId: group?.groupId ?? null,
      take: group?.take ?? null,
      resultExpiresAt: task.status === "completed" && task.resultUrl ? at + PROVIDER_LINK_TTL_MS : null,
      archiveStatus: null,
      archivePath: null,
      archiveBytes: null,
      archiveError: null,
      archiveAttempts: 0,
      archiveNextAt: null,
      archivedAt: null,
    };
    const existing = await store.get(record.id);
    if (existing) {
      // FoxAPI answered with an id we already hold: keep the record we have rather than fail a paid submit.
      console.error("[tasks] upstream returned a task id that is already recorded");
      await submissions.finish(submissionId, "created", existing.id, null);
      return toView(existing);
    }
    await submissions.recordCreated(submissionId, record);
    // The row was written in the submit's transaction: announce it now, so open pages list it at once.
    await store.announce(record.id).catch(() => undefined);
    if (record.status === "completed") void archive(record.id);
    else if (options.follow) void startFollowing(record.id);
    return toView(record);
  }

  async function getRecord(id: string): Promise<TaskRecord> {
    const record = isSafeTaskId(id) ? await store.get(id) : undefined;
    if (!record) throw new ApiError(404, "task_not_found", "There is no task with this id.");
    return record;
  }

  /**
   * Asks the upstream about a task, if this replica gets the task's status lease (a row lock, not a process-local
   * map, decides across replicas) and nobody has refreshed it meanwhile; otherwise answers what is stored.
   */
  async function refreshNow(record: TaskRecord): Promise<TaskView> {
    const leased = await store.acquireLease("status", record.id, owner, now(), STATUS_LEASE_MS);
    if (!leased) return toView(await getRecord(record.id));
    try {
      if (isTerminal(leased.status) || (leased.checkedAt !== record.checkedAt && isFresh(leased)))
        return toView(leased);
      await askUpstream(leased);
      return toView(await getRecord(record.id));
    } finally {
      await store.releaseLease("status", record.id, owner).catch(() => undefined);
    }
  }

  async function askUpstream(record: TaskRecord): Promise<void> {
    try {
      const task = await client.getTask(record.id);
      const at = now();
      const latest = (await store.get(record.id)) ?? record;
      await store.update(record.id, patchFrom(task, at, latest));
      // The moment a task is seen completed, its video starts copying into our storage.
      if (task.status === "completed" && task.resultUrl) void archive(record.id);
    } catch (err) {
      if (err instanceof UpstreamError && err.code === "task_not_found") {
        const at = now();
        await store.update(record.id, {
          status: "failed",
          errorCode: "task_not_found",
          errorMessage: "FoxAPI no longer knows this task.",
          updatedAt: at,
          checkedAt: at,
          completedAt: at,
        });
      } else {
        // Remember the attempt, so a failing upstream is not hammered by every viewer at once.
        await store.update(record.id, { checkedAt: now() });
        throw err;
      }
    }
  }

  /**
   * Whether the stored status is recent enough to serve without asking the upstream: younger than
   * STATUS_MIN_INTERVAL_MS, or than a fifth of the task's age (at most 6 intervals: 12 s by default). A browser's
   * polling backs off faster than that (2 s × 1.25ⁿ up to 15 s, lib/tasks/polling.ts), so one viewer is still
   * answered fresh every time, and twenty viewers polling at different moments cost the upstream about what one
   * does instead of one call per interval (bench/upstream-calls.mjs).
   */
  function isFresh(record: TaskRecord): boolean {
    if (record.checkedAt === null) return false;
    const at = now();
    const staleAfter = Math.max(minIntervalMs, Math.min(6 * minIntervalMs, (at - record.createdAt) / 5));
    return at - record.checkedAt < staleAfter;
  }

  /** Starts (or joins) the one upstream read of a task; its outcome is recorded on the task either way. */
  function refreshShared(record: TaskRecord): { promise: Promise<TaskView>; startedAt: number } {
    const pending = inFlight.get(record.id);
    if (pending) return pending;
    const promise = refreshNow(record).finally(() => inFlight.delete(record.id));
    // A viewer may stop waiting before the read ends; its failure is already on the task, never unhandled.
    promise.catch(() => undefined);
    const entry = { promise, startedAt: Date.now() };
    inFlight.set(record.id, entry);
    return entry;
  }

  /**
   * The task for a viewer: refreshed from the upstream when it is unfinished and its stored status is stale, but
   * never waiting on the upstream longer than `answerWithinMs` (measured from when the shared read began, so a
   * viewer joining a read that is already slow is answered at once). Past that, the stored status is answered,
   * with `checkedAt` saying how old it is, and the read goes on behind it: a hanging FoxAPI or a long Retry-After
   * costs a viewer a few seconds, never an error, and no extra upstream call.
   */
  async function refresh(id: string): Promise<TaskView> {
    const record = await getRecord(id);
    // Followed here on its schedule: what is stored is what the follower last heard, and viewers add no calls.
    if (isTerminal(record.status) || isFresh(record) || following.has(id)) return toView(record);
    const { promise, startedAt } = refreshShared(record);
    const waitMs = Math.max(0, answerWithinMs - (Date.now() - startedAt));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), waitMs);
    });
    try {
      const view = await Promise.race([promise, late]);
      return view ?? toView(await getRecord(id));
    } finally {
      clearTimeout(timer);
    }
  }

  /** The background worker's refresh: waits for the upstream's answer (bounded by the client's own timeouts). */
  async function refreshFully(record: TaskRecord): Promise<TaskView> {
    if (isTerminal(record.status)) return toView(record);
    return refreshShared(record).promise;
  }

  async function list(params: {
    limit?: number;
    cursor?: string | null;
    model?: string | null;
    status?: string | null;
    q?: string | null;
    /** Only this person's tasks. */
    createdBy?: string | null;
    favourite?: string | null;
  }): Promise<TaskPage> {
    const limit = Math.min(100, Math.max(1, params.limit ?? 20));
    if (params.model && !isModelId(params.model))
      throw new ApiError(400, "invalid_filter", `Unknown model "${params.model}".`);
    if (params.status && !(TASK_STATUSES as readonly string[]).includes(params.status))
      throw new ApiError(400, "invalid_filter", `Unknown status "${params.status}".`);
    const favourite = params.favourite ?? "";
    if (!["", "0", "1", "false", "true"].includes(favourite))
      throw new ApiError(400, "invalid_filter", `"favourite" takes 1 or 0, not "${favourite.slice(0, 20)}".`);
    const rows = await store.list({
      favourite: favourite === "1" || favourite === "true",
      limit: limit + 1,
      cursor: params.cursor ? decodeCursor(params.cursor) : undefined,
      model: params.model ?? undefined,
      status: (params.status as TaskStatus | null) ?? undefined,
      search: params.q?.trim() || undefined,
      createdBy: params.createdBy ?? undefined,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { tasks: page.map(toView), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /**
   * Copies a completed task's result into our storage; one copy at a time per task. A failure is recorded with
   * a growing delay before the next attempt (30 s, 1 min, 2 min … up to an hour); the task itself is untouched.
   */
  function archive(id: string): Promise<void> {
    const archiver = options.archiver;
    if (!archiver) return Promise.resolve();
    const running = archiving.get(id);
    if (running) return running;
    const job = (async () => {
      const record = await store.get(id);
      if (!record || record.status !== "completed" || !record.resultUrl || record.archiveStatus === "stored")
        return;
      // One copy across replicas: the archive lease on the row; whoever holds it copies, the others leave it.
      const leased = await store.acquireLease("archive", id, owner, now(), ARCHIVE_LEASE_MS);
      if (!leased || leased.archiveStatus === "stored") return;
      try {
        await store.update(id, { archiveStatus: "pending" });
        try {
          const saved = await archiver.store(id, record.resultUrl);
          await store.update(id, {
            archiveStatus: "stored",
            archivePath: saved.path,
            archiveBytes: saved.bytes,
            archiveError: null,
            archivedAt: now(),
            archiveNextAt: null,
          });
        } catch (err) {
          const attempts = leased.archiveAttempts + 1;
          await store.update(id, {
            archiveStatus: "failed",
            archiveError: err instanceof Error ? err.message.slice(0, 500) : "Copy failed.",
            archiveAttempts: attempts,
            archiveNextAt: now() + Math.min(3600_000, 30_000 * 2 ** (attempts - 1)),
          });
        }
      } finally {
        await store.releaseLease("archive", id, owner).catch(() => undefined);
      }
    })()
      // Recording the outcome itself failed (the store was closed under it, or the disk): log it, never leave an
      // unhandled rejection behind a fire-and-forget `void archive(…)`.
      .catch((err: unknown) => {
        if (!store.conn.closed)
          console.error("[archive] could not record a copy:", err instanceof Error ? err.message : err);
      })
      .finally(() => archiving.delete(id));
    archiving.set(id, job);
    return job;
  }

  /**
   * One pass of the background worker: follows unfinished tasks nobody is watching (so a restart never leaves
   * one stuck) and retries result copies that are due. Bounded per pass; errors stay on the task.
   */
  async function sweep(limit = 20): Promise<{ refreshed: number; archived: number }> {
    let refreshed = 0;
    // Claimed with a lease (SKIP LOCKED on PostgreSQL): replicas sweeping together take different tasks, and a
    // task whose replica died is taken again once its lease runs out.
    for (const record of await store.claimUnfinished(owner, now(), STATUS_LEASE_MS, limit)) {
      if (options.follow && now() - record.createdAt <= SCHEDULE_DEADLINE_MS) {
        // Claimed means its lease is ours: follow it from here on (a task whose follower died is taken up again).
        // Past the schedule's deadline the sweep's own slow pace below keeps asking, as before.
        follow(record);
        continue;
      }
      if (isFresh(record)) {
        await store.releaseLease("status", record.id, owner);
        continue;
      }
      try {
        await refreshFully(record);
      } catch {
        // Recorded on the task by refresh; the next pass tries again.
      }
      refreshed++;
    }
    const due = await store.archiveDue(now(), limit);
    await Promise.all(due.map((r) => archive(r.id)));
    return { refreshed, archived: due.length };
  }

  /*
   * Following (issue 16). A followed task's status lease is held by this process from one check to the next (each
   * check renews it; the longest gap in the schedule is 20 s against a 60 s lease), so no other replica asks
   * about it, and if this process dies the lease runs out and another replica's sweep takes the task up again.
   */
  const following = new Map<string, ReturnType<typeof setTimeout> | null>();
  const durations = new Map<string, (number | CompletionSpan)[]>();
  /** A followed task's age at the last check that saw it still running: where its completion span starts. */
  const lastSeenRunning = new Map<string, number>();

  async function historyFor(record: TaskRecord): Promise<DurationSummary | null> {
    const key = keyOf(record);
    let list = durations.get(key);
    if (!list) {
      // After a restart the history comes from the store: the latest completed tasks of the same model.
      const rows = await store.list({ limit: 100, model: record.model, status: "completed" });
      list = rows
        .filter((r) => r.completedAt !== null && keyOf(r) === key)
        .slice(0, HISTORY_SIZE)
        .map((r) => r.completedAt! - r.createdAt)
        .reverse();
      durations.set(key, list);
    }
    return summarizeDurations(list);
  }

  function recordDuration(record: TaskRecord, runningAtAge: number | undefined) {
    if (record.completedAt === null) return;
    const key = keyOf(record);
    const list = durations.get(key) ?? [];
    const byMs = record.completedAt - record.createdAt;
    // Finished somewhere between the last check that saw it running and the one that saw it done (schedule.ts).
    list.push(runningAtAge === undefined ? byMs : { afterMs: runningAtAge, byMs });
    if (list.length > HISTORY_SIZE) list.splice(0, list.length - HISTORY_SIZE);
    durations.set(key, list);
  }

  async function startFollowing(id: string) {
    try {
      // Only until the first plan renews it: should planning fail and the release fail with it, another replica
      // (or the sweep) takes the task up within seconds, not after a whole status lease.
      const leased = await store.acquireLease("status", id, owner, now(), FOLLOW_LEASE_MARGIN_MS);
      if (leased) follow(leased);
    } catch (err) {
      if (!store.conn.closed)
        console.error("[follow] could not start following:", err instanceof Error ? err.message : err);
    }
  }

  /** Follows a task whose status lease this process holds. */
  function follow(record: TaskRecord) {
    if (following.has(record.id)) return;
    following.set(record.id, null);
    const lastCheck = record.checkedAt === null ? null : Math.max(0, record.checkedAt - record.createdAt);
    if (lastCheck !== null) lastSeenRunning.set(record.id, lastCheck);
    void plan(record, lastCheck, 0);
  }

  async function stopFollowing(id: string) {
    const timer = following.get(id);
    if (timer) clearTimeout(timer);
    following.delete(id);
    lastSeenRunning.delete(id);
    await store.releaseLease("status", id, owner).catch(() => undefined);
  }

  async function plan(record: TaskRecord, lastCheckAge: number | null, retryAfterMs: number) {
    try {
      const input = {
        history: await historyFor(record),
        hintSeconds: record.estimatedSeconds,
        minIntervalMs,
      };
      const age = now() - record.createdAt;
      const at = nextCheckAge(input, age, lastCheckAge, retryAfterMs);
      // Past the deadline the server stops following, as the browser's polling did; the sweep's slow pace remains.
      if (at === null || !following.has(record.id)) return await stopFollowing(record.id);
      const delay = Math.max(0, at - age);
      // Held only until shortly after the next check, so a dead follower's task is not stranded for long.
      const renewed = await store.acquireLease(
        "status",
        record.id,
        owner,
        now(),
        delay + FOLLOW_LEASE_MARGIN_MS,
      );
      if (!renewed) {
        following.delete(record.id);
        lastSeenRunning.delete(record.id);
        return;
      }
      const timer = setTimeout(() => void check(record.id), delay);
      timer.unref();
      following.set(record.id, timer);
    } catch (err) {
      await stopFollowing(record.id);
      if (!store.conn.closed)
        console.error("[follow] could not plan a check:", err instanceof Error ? err.message : err);
    }
  }

  async function check(id: string) {
    try {
      const leased = await store.acquireLease("status", id, owner, now(), STATUS_LEASE_MS);
      if (!leased) {
        // Another replica holds it (our lease ran out while this process stalled): it follows the task now.
        following.delete(id);
        lastSeenRunning.delete(id);
        return;
      }
      if (isTerminal(leased.status)) return await stopFollowing(id);
      const checkAge = now() - leased.createdAt;
      let retryAfterMs = 0;
      let answered = false;
      try {
        await askUpstream(leased);
        answered = true;
      } catch (err) {
        // Recorded on the task; a 429's Retry-After pushes the next check out.
        retryAfterMs = err instanceof UpstreamError ? (err.options.retryAfterMs ?? 0) : 0;
      }
      const after = await store.get(id);
      if (!after || isTerminal(after.status)) {
        if (after?.status === "completed") recordDuration(after, lastSeenRunning.get(id));
        return await stopFollowing(id);
      }
      // Only an answer says it was still running then; a failed call says nothing.
      if (answered) lastSeenRunning.set(id, checkAge);
      await plan(after, checkAge, retryAfterMs);
    } catch (err) {
      await stopFollowing(id);
      if (!store.conn.closed)
        console.error("[follow] a check failed:", err instanceof Error ? err.message : err);
    }
  }

  /** Stops following everything (shutdown, tests); the leases are released so another replica takes over. */
  async function stopAll() {
    await Promise.all([...following.keys()].map((id) => stopFollowing(id)));
  }

  /**
   * The day so far (UTC): tasks started, what FoxAPI reserved for them, and, with a price table, what they cost
   * at the operator's prices; the daily cap; and what the latest runs of each model and settings reserved.
   */
  async function usage(
    prices: PriceTable | null,
    unit: string,
    person: PersonLimit | null = null,
  ): Promise<UsageView> {
    const at = now();
    const day = utcDay(at);
    const rows = await store.createdSince(Date.parse(`${day}T00:00:00.000Z`));
    const totals = (list: CostRow[]): UsageTotals => {
      const sum: UsageTotals = { tasks: list.length, creditsReserved: 0, reservedTasks: 0, estimated: null };
      for (const row of list) {
        if (row.creditsReserved !== null) {
          sum.creditsReserved = round(sum.creditsReserved + row.creditsReserved);
          sum.reservedTasks++;
        }
        if (prices && isModelId(row.model)) {
          const result = estimateCost(
            prices,
            modelInfo(row.model),
            parseInput(row.input),
            parseSourceMeta(row.sourceMeta),
          );
          sum.estimated = round(
            (sum.estimated ?? 0) + (result.kind === "estimate" ? result.estimate.total : 0),
          );
        }
      }
      if (prices && sum.estimated === null) sum.estimated = 0;
      return sum;
    };
    const team = totals(rows);
    const mine = person ? totals(rows.filter((r) => r.createdBy === person.userId)) : undefined;
    const recent = new Map<string, UsageView["recent"][number]>();
    for (const row of await store.recentlyReserved()) {
      if (!isModelId(row.model)) continue;
      const key = settingsKey(modelInfo(row.model), parseInput(row.input));
      const seen = recent.get(key);
      if (seen) seen.runs++;
      else recent.set(key, { key, model: row.model, creditsReserved: row.creditsReserved!, runs: 1 });
    }
    // The cap that binds first: the team's, or the person's own limit when it leaves fewer.
    const caps: NonNullable<UsageView["cap"]>[] = [];
    if (options.maxTasksPerDay !== undefined) {
      const used = await submissions.usedToday(at);
      caps.push({
        limit: options.maxTasksPerDay,
        used,
        left: Math.max(0, options.maxTasksPerDay - used),
        scope: "team",
      });
    }
    if (person?.limit != null) {
      const used = await submissions.usedToday(at, person.userId);
      caps.push({ limit: person.limit, used, left: Math.max(0, person.limit - used), scope: "person" });
    }
    const cap = caps.length === 0 ? null : caps.reduce((a, b) => (b.left < a.left ? b : a));
    return { day, unit, team, ...(mine ? { mine } : {}), cap, recent: [...recent.values()] };
  }

  /**
   * Marks or unmarks a task as a favourite (one flag for the team). An update like any other: it takes the next
   * change number, so every open page hears of it through the live stream.
   */
  async function setFavourite(id: string, favourite: boolean): Promise<TaskView> {
    const record = await getRecord(id);
    if (Boolean(record.favourite) !== favourite)
      await store.update(id, { favourite: favourite ? 1 : 0, updatedAt: now() });
    return toView(await getRecord(id));
  }

  /** A task's chain: its ancestors (oldest first), itself, and what was made from it. */
  async function lineage(id: string): Promise<TaskLineage> {
    const record = await getRecord(id);
    const ancestors = (await store.ancestors(id)).reverse();
    const chain = [...ancestors, record];
    const root = chain[0]!;
    const rootMeta = parseSourceMeta(root.sourceMeta);
    // Each model's definition says how its result's length follows from its input (edits: the same).
    const added = chain.map((r) => modelInfo(r.model).addsSeconds);
    const extensions = added.filter((s) => s > 0).length;
    return {
      ancestors: ancestors.map(toView),
      children: (await store.children(id)).map(toView),
      extensions,
      sourceSeconds: rootMeta?.durationSeconds ?? null,
      totalSeconds: rootMeta ? rootMeta.durationSeconds + added.reduce((a, b) => a + b, 0) : null,
    };
  }

  return {
    submit,
    submitBatch,
    usage,
    refresh,
    list,
    archive,
    sweep,
    lineage,
    setFavourite,
    stopFollowing: stopAll,
    isFollowing: (id: string) => following.has(id),
    get: async (id: string) => toView(await getRecord(id)),
    record: getRecord,
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
