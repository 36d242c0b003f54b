import { UpstreamError, errorFromResponse, parseRetryAfter } from "./errors";
import { type NormalizedTask, isSafeTaskId, normalizeTask, safeUrl } from "./normalize";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface FoxClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Injected so the simulator (and tests) run the very same client code. */
  fetch?: FetchLike;
  /** Accept result URLs that are paths on our own origin (only the simulator makes those). */
  allowRootRelativeUrls?: boolean;
  timeouts?: { submitMs?: number; statusMs?: number; uploadMs?: number };
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number; maxRetryAfterMs?: number };
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface FoxClient {
  /** `POST /v1/videos/generations`. Never retried: a repeat could be charged twice. */
  createTask(body: Record<string, unknown>): Promise<NormalizedTask>;
  /** `GET /v1/tasks/{id}`, retried on 429, 5xx and network errors with capped, jittered backoff. */
  getTask(id: string): Promise<NormalizedTask>;
  /** `POST /v1/files/upload/stream` with a streamed multipart body. */
  uploadFile(body: ReadableStream<Uint8Array>, contentType: string): Promise<UploadedFile>;
}

export interface UploadedFile {
  id: string | null;
  url: string;
  filename: string | null;
  size: number | null;
  /** Milliseconds since the epoch, when the upstream said. */
  createdAt: number | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Error codes from Node's fetch that mean nothing reached the server. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === "object"; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function createFoxClient(options: FoxClientOptions): FoxClient {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const submitMs = options.timeouts?.submitMs ?? 30_000;
  const statusMs = options.timeouts?.statusMs ?? 10_000;
  // An upload streams at the browser's pace (200 MB on a slow uplink takes a while); a stalled one is cut by the
  // relay's idle watchdog long before this.
  const uploadMs = options.timeouts?.uploadMs ?? 60 * 60_000;
  const attempts = options.retry?.attempts ?? 3;
  const baseDelayMs = options.retry?.baseDelayMs ?? 500;
  const maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 10_000;
  const base = options.baseUrl.replace(/\/+$/, "");

  /** Never let the key out, even inside a message the upstream wrote. */
  const scrub = (text: string) => (options.apiKey ? text.split(options.apiKey).join("[redacted]") : text);

  /**
   * One request: the timeout covers the body read too, so a server that sends headers and then stalls cannot
   * hold a route handler open.
   */
  async function request(
    path: string,
    init: RequestInit & { kind: "submit" | "status" | "upload" },
  ): Promise<unknown> {
    const timeoutMs = init.kind === "submit" ? submitMs : init.kind === "status" ? statusMs : uploadMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers = new Headers(init.headers);
      headers.set("Authorization", `Bearer ${options.apiKey}`);
      headers.set("Accept", "application/json");
      let res: Response;
      try {
        res = await doFetch(`${base}${path}`, {
          ...init,
          headers,
          signal: controller.signal,
          redirect: "error",
        });
      } catch (err) {
        const code = causeCode(err);
        if (controller.signal.aborted)
          throw new UpstreamError(
            init.kind === "submit" ? "submit_outcome_unknown" : "upstream_timeout",
            init.kind === "submit"
              ? "FoxAPI did not answer within 30 s. The task may or may not have been created."
              : "FoxAPI did not answer in time.",
          );
        if (code && NOT_SENT.has(code))
          throw new UpstreamError("upstream_unreachable", "Could not connect to FoxAPI. Nothing was sent.");
        throw new UpstreamError(
          init.kind === "submit" ? "submit_outcome_unknown" : "upstream_unreachable",
          init.kind === "submit"
            ? "The connection to FoxAPI dropped after the request was sent. The task may or may not have been created."
            : "The connection to FoxAPI dropped.",
        );
      }
      let text: string;
      try {
        text = await res.text();
      } catch {
        throw new UpstreamError(
          init.kind === "submit" ? "submit_outcome_unknown" : "upstream_timeout",
          init.kind === "submit"
            ? "FoxAPI's answer was cut off. The task may or may not have been created."
            : "FoxAPI's answer was cut off.",
        );
      }
      let json: unknown;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (!res.ok) {
        const err = (json as { error?: unknown } | undefined)?.error;
        const body =
          typeof err === "object" && err !== null
            ? (err as { message?: string; type?: string; code?: string })
            : typeof err === "string"
              ? { message: err }
              : undefined;
        const mapped = errorFromResponse(res.status, body, parseRetryAfter(res.headers.get("retry-after")));
        const upstreamCode =
          mapped.options.upstreamCode === undefined ? undefined : scrub(mapped.options.upstreamCode);
        throw new UpstreamError(mapped.code, scrub(mapped.message), { ...mapped.options, upstreamCode });
      }
      if (json === undefined)
        throw new UpstreamError(
          init.kind === "submit" ? "submit_outcome_unknown" : "upstream_bad_response",
          init.kind === "submit"
            ? "FoxAPI answered with something that is not JSON. The task may or may not have been created."
            : "FoxAPI answered with something that is not JSON.",
          { upstreamStatus: res.status },
        );
      return json;
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      throw new UpstreamError("upstream_bad_response", "Unexpected failure talking to FoxAPI.");
    } finally {
      clearTimeout(timer);
    }
  }

  const normalize = (json: unknown, kind: "submit" | "status"): NormalizedTask => {
    try {
      const task = normalizeTask(json, { allowRootRelativeUrls: options.allowRootRelativeUrls });
      // A task's failure reason is shown to visitors: scrub it like an error message.
      return task.error
        ? { ...task, error: { code: scrub(task.error.code), message: scrub(task.error.message) } }
        : task;
    } catch {
      throw new UpstreamError(
        kind === "submit" ? "submit_outcome_unknown" : "upstream_bad_response",
        kind === "submit"
          ? "FoxAPI's answer had no task id. The task may or may not have been created."
          : "FoxAPI's answer was not a task.",
      );
    }
  };

  function backoff(attempt: number, err: UpstreamError): number {
    if (err.options.retryAfterMs !== undefined) return Math.min(err.options.retryAfterMs, maxRetryAfterMs);
    const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
    // Full jitter: spread retries from many viewers instead of synchronising them.
    return Math.round(exp / 2 + (random() * exp) / 2);
  }

  async function readTask(id: string, sync: boolean): Promise<NormalizedTask> {
    const path = `/v1/tasks/${encodeURIComponent(id)}${sync ? "?sync_upstream=true" : ""}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return normalize(await request(path, { method: "GET", kind: "status" }), "status");
      } catch (err) {
        if (!(err instanceof UpstreamError) || !err.retryable || attempt + 1 >= attempts) throw err;
        await sleep(backoff(attempt, err));
      }
    }
  }

  return {
    async createTask(body) {
      const json = await request("/v1/videos/generations", {
        method: "POST",
        kind: "submit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      return normalize(json, "submit");
    },

    async getTask(id) {
      if (!isSafeTaskId(id)) throw new UpstreamError("task_not_found", "That is not a task id.");
      const task = await readTask(id, true);
      // A `completed` task with empty results has been seen: read once more without sync_upstream (contract §2).
      if (task.status === "completed" && !task.resultUrl) {
        const again = await readTask(id, false);
        if (again.status === "completed" && !again.resultUrl)
          return {
            ...again,
            status: "failed",
            error: {
              code: "no_result",
              message: "The provider reported the task complete but returned no video.",
            },
          };
        return again;
      }
      return task;
    },

    async uploadFile(body, contentType) {
      const json = await request("/v1/files/upload/stream", {
        method: "POST",
        kind: "upload",
        headers: { "Content-Type": contentType },
        body,
        // Node's fetch needs this to stream a request body.
        ...({ duplex: "half" } as object),
      });
      const outer = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
      // Accept the documented flat answer and the `{ data: {…} }` wrapper some FoxAPI endpoints use.
      const obj =
        outer.url === undefined && outer.data && typeof outer.data === "object"
          ? (outer.data as Record<string, unknown>)
          : outer;
      // The URL goes into a form and on to the models: http(s) only (or the simulator's own paths).
      const url = safeUrl(obj.url, options.allowRootRelativeUrls ?? false);
      if (!url) throw new UpstreamError("upstream_bad_response", "FoxAPI's upload answer had no usable URL.");
      const created = typeof obj.created === "number" && Number.isFinite(obj.created) ? obj.created : null;
      return {
        id: typeof obj.id === "string" ? scrub(obj.id) : null,
        url,
        filename: typeof obj.filename === "string" ? scrub(obj.filename) : null,
        size: typeof obj.size === "number" ? obj.size : null,
        createdAt: created === null ? null : created > 1e12 ? created : created * 1000,
      };
    },
  };
}
