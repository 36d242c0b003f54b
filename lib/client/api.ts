import { type ClientErrorCode, type ErrorBody, isErrorCode } from "../api/codes";
import type { GenerationRequest } from "../models";
import type { SourceMeta, TaskLineage, TaskPage, TaskView } from "../tasks/types";

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
    throw new ApiRequestError(
      0,
      "network",
      "Could not reach the Retake server. Check your connection.",
      undefined,
      undefined,
    );
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
      err?.message ?? `The server answered ${String(res.status)}.`,
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
