import { msg } from "../i18n/message";
import { type ClientErrorCode, type ErrorBody, isErrorCode } from "../api/codes";
import type { GenerationRequest } from "../models";
import type { SourceMeta, TaskLineage, TaskPage, TaskView, UsageView } from "../tasks/types";

/** An error answer from our API, with what the UI needs to decide whether to keep polling. */
export class ApiRequestError extends Error {
  override name = "ApiRequestError";
  /** One of our codes (`lib/api/codes.ts`); anything else the browser meets (a proxy's page) is `http_error`. */
  readonly code: ClientErrorCode;
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly fields: Record<string, string> | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.code = code === "network" || isErrorCode(code) ? code : "http_error";
  }
  /** Worth asking again later: rate limits, upstream hiccups, a dropped connection. */
  get retryable(): boolean {
    return (
      this.status === 0 ||
      this.status === 429 ||
      this.status === 503 ||
      this.status === 504 ||
      (this.status === 502 && this.code !== "upstream_auth_failed")
    );
  }
}

async function call<T>(input: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(input, { ...init, cache: "no-store" });
  } catch {
    throw new ApiRequestError(0, "network", msg("errors.network"), undefined, undefined);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as Partial<ErrorBody> | undefined)?.error;
    const retryAfter = Number(res.headers.get("retry-after"));
    throw new ApiRequestError(
      res.status,
      err?.code ?? "http_error",
      err?.message ?? msg("errors.status", { status: String(res.status) }),
      err?.fields,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
  return body as T;
}

export function fetchTask(id: string): Promise<TaskView> {
  return call<TaskView>(`/api/generations/${encodeURIComponent(id)}`);
}

export interface TaskFilters {
  model?: string;
  status?: string;
  q?: string;
  /** Only the signed-in person's tasks (accounts mode's "Mine"). */
  mine?: boolean;
  /** Only the team's favourites. */
  favourite?: boolean;
}

export function fetchTasks(
  params: { cursor?: string | null; limit?: number } & TaskFilters = {},
): Promise<TaskPage> {
  const qs = new URLSearchParams();
  if (params.cursor) qs.set("cursor", params.cursor);
  if (params.limit) qs.set("limit", String(params.limit));
  if (params.model) qs.set("model", params.model);
  if (params.status) qs.set("status", params.status);
  if (params.q) qs.set("q", params.q);
  if (params.mine) qs.set("mine", "1");
  if (params.favourite) qs.set("favourite", "1");
  const q = qs.toString();
  return call<TaskPage>(`/api/generations${q ? `?${q}` : ""}`);
}

export function submitGeneration(
  request: GenerationRequest,
  options: { idempotencyKey: string; parentTaskId?: string | null; sourceMeta?: SourceMeta | null },
): Promise<TaskView & { warnings?: Record<string, string> }> {
  return call<TaskView & { warnings?: Record<string, string> }>("/api/generations", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": options.idempotencyKey },
    body: JSON.stringify({
      ...request,
      ...(options.parentTaskId ? { parent_task_id: options.parentTaskId } : {}),
      ...(options.sourceMeta ? { source_meta: options.sourceMeta } : {}),
    }),
  });
}

/** What one click of several takes answers: the tasks started, and the takes that couldn't be. */
export interface BatchAnswer {
  groupId: string;
  tasks: TaskView[];
  failures: { take: number; status: number; code: string; message: string }[];
  warnings?: Record<string, string>;
}

/** Several takes of one request in one call (`takes: N`): all of them or none against the daily cap. */
export function submitTakes(
  request: GenerationRequest,
  options: {
    takes: number;
    idempotencyKey: string;
    parentTaskId?: string | null;
    sourceMeta?: SourceMeta | null;
  },
): Promise<BatchAnswer> {
  return call<BatchAnswer>("/api/generations", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": options.idempotencyKey },
    body: JSON.stringify({
      ...request,
      takes: options.takes,
      ...(options.parentTaskId ? { parent_task_id: options.parentTaskId } : {}),
      ...(options.sourceMeta ? { source_meta: options.sourceMeta } : {}),
    }),
  });
}

/** The UTC day so far, the daily cap, and what recent runs reserved (`GET /api/usage`). */
export function fetchUsage(): Promise<UsageView> {
  return call<UsageView>("/api/usage");
}

/** Marks or unmarks a task as one of the team's favourites; answers the task as it now is. */
export function setFavourite(id: string, favourite: boolean): Promise<TaskView> {
  return call<TaskView>(`/api/generations/${encodeURIComponent(id)}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ favourite }),
  });
}

export function fetchLineage(id: string): Promise<TaskLineage> {
  return call<TaskLineage>(`/api/generations/${encodeURIComponent(id)}/lineage`);
}

export const taskKeys = {
  all: ["tasks"] as const,
  lists: () => ["tasks", "list"] as const,
  list: (filters: TaskFilters = {}) => ["tasks", "list", filters] as const,
  detail: (id: string) => ["tasks", "detail", id] as const,
  lineage: (id: string) => ["tasks", "lineage", id] as const,
};

export const usageKey = ["usage"] as const;
