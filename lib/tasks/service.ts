import {
  type GenerationRequest,
  fieldErrors,
  generationRequestSchema,
  isModelId,
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
import { ApiError } from "../api/errors";
import type { TaskRecord, TaskStore } from "./store";
import type { TaskPage, TaskView } from "./types";

export interface TaskServiceOptions {
  store: TaskStore;
  client: FoxClient;
  /** The upstream is asked about one task at most once per this interval, however many viewers poll. */
  minIntervalMs: number;
  now?: () => number;
}

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
    estimatedSeconds: r.estimatedSeconds,
    videoUrl: hasVideo ? `/api/generations/${encodeURIComponent(r.id)}/video` : null,
    downloadUrl: hasVideo ? `/api/generations/${encodeURIComponent(r.id)}/video?download=1` : null,
    upstreamResultUrl: r.resultUrl,
    error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? r.errorCode } : null,
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
    upstreamCreatedAt: task.createdAt ?? previous?.upstreamCreatedAt ?? null,
    updatedAt: now,
    checkedAt: now,
    completedAt: isTerminal(task.status) ? (previous?.completedAt ?? now) : null,
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
  /** Concurrent refreshes of one task share one upstream call. */
  const inFlight = new Map<string, Promise<TaskView>>();

  async function submit(body: unknown, meta: { parentId?: string | null } = {}): Promise<TaskView> {
    const parsed = generationRequestSchema.safeParse(body);
    if (!parsed.success)
      throw new ApiError(422, "invalid_request", "Some fields need fixing before this can be generated.", {
        fields: fieldErrors(parsed.error),
      });
    const request = parsed.data;
    const parentId = meta.parentId && store.get(meta.parentId) ? meta.parentId : null;
    const task = await client.createTask(toUpstreamBody(request));
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
    };
    store.insert(record);
    return toView(record);
  }

  function getRecord(id: string): TaskRecord {
    const record = isSafeTaskId(id) ? store.get(id) : undefined;
    if (!record) throw new ApiError(404, "task_not_found", "There is no task with this id.");
    return record;
  }

  async function refreshNow(record: TaskRecord): Promise<TaskView> {
    try {
      const task = await client.getTask(record.id);
      const at = now();
      const latest = store.get(record.id) ?? record;
      store.update(record.id, patchFrom(task, at, latest));
    } catch (err) {
      if (err instanceof UpstreamError && err.code === "task_not_found") {
        const at = now();
        store.update(record.id, {
          status: "failed",
          errorCode: "task_not_found",
          errorMessage: "FoxAPI no longer knows this task.",
          updatedAt: at,
          checkedAt: at,
          completedAt: at,
        });
      } else {
        // Remember the attempt, so a failing upstream is not hammered by every viewer at once.
        store.update(record.id, { checkedAt: now() });
        throw err;
      }
    }
    return toView(getRecord(record.id));
  }

  /** The task, refreshed from the upstream when it is unfinished and its stored status is stale. */
  async function refresh(id: string): Promise<TaskView> {
    const record = getRecord(id);
    if (isTerminal(record.status)) return toView(record);
    if (record.checkedAt !== null && now() - record.checkedAt < minIntervalMs) return toView(record);
    const pending = inFlight.get(id);
    if (pending) return pending;
    const promise = refreshNow(record).finally(() => inFlight.delete(id));
    inFlight.set(id, promise);
    return promise;
  }

  function list(params: {
    limit?: number;
    cursor?: string | null;
    model?: string | null;
    status?: string | null;
    q?: string | null;
  }): TaskPage {
    const limit = Math.min(100, Math.max(1, params.limit ?? 20));
    if (params.model && !isModelId(params.model))
      throw new ApiError(400, "invalid_filter", `Unknown model "${params.model}".`);
    if (params.status && !(TASK_STATUSES as readonly string[]).includes(params.status))
      throw new ApiError(400, "invalid_filter", `Unknown status "${params.status}".`);
    const rows = store.list({
      limit: limit + 1,
      cursor: params.cursor ? decodeCursor(params.cursor) : undefined,
      model: params.model ?? undefined,
      status: (params.status as TaskStatus | null) ?? undefined,
      search: params.q?.trim() || undefined,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { tasks: page.map(toView), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  return { submit, refresh, list, get: (id: string) => toView(getRecord(id)) };
}

export type TaskService = ReturnType<typeof createTaskService>;
