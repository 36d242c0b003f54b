import { MODEL_IDS, generationRequestSchema, fieldErrors, modelInfo, type ModelId } from "../models";
import type { FetchLike } from "../foxapi/client";
import { type UploadStorage, handleSimulatorUpload } from "./uploads";

/**
 * A FoxAPI-compatible fake, reached through the real client via an injected `fetch`, so demo mode runs the same
 * code path as production. Same endpoints, the same validation (the model registry's schema), the same error
 * bodies and the same task lifecycle: pending → processing with rising progress → completed or failed.
 *
 * It keeps no state: a task's id encodes when it was created, its model, its shape and its fate, so its status is
 * a pure function of the clock and survives a server restart.
 *
 * Prompt markers let a presenter or a test show the failure paths (documented in the README):
 *   [sim:fail]  the task fails with a content-policy message
 *   [sim:402]   the submit is refused: the account is out of credit
 *   [sim:429]   the submit is rate-limited (Retry-After: 5)
 *   [sim:503]   no channel is available for the model
 *   [sim:slow]  the task takes four times as long
 */
export interface SimulatorOptions {
  durationMs: number;
  linkTtlSeconds: number;
  /**
   * Where `POST /v1/files/upload/stream` keeps files: the app's storage (`uploads/` under DATA_DIR, or the S3
   * bucket); without it uploads are refused.
   */
  uploads?: UploadStorage;
  now?: () => number;
  random?: () => number;
}

export const SIMULATOR_BASE_URL = "http://simulator.retake.internal";
export const SIMULATOR_FILES_PATH = "/api/simulator/files";

/** The model whose definition gives it this one-letter code in task ids (`simulator.code`). */
const modelForCode = (code: string): ModelId | undefined =>
  MODEL_IDS.find((id) => modelInfo(id).simulator.code === code);

interface SimTask {
  id: string;
  model: ModelId;
  created: number;
  portrait: boolean;
  fails: boolean;
  slow: boolean;
}

const ID = /^sim-([0-9a-z]+)-([a-z])([lp])([nx])([ns])-([0-9a-z]{6,})$/;

function encodeId(t: Omit<SimTask, "id">, random: () => number): string {
  const rand = Array.from({ length: 8 }, () => Math.floor(random() * 36).toString(36)).join("");
  return `sim-${t.created.toString(36)}-${modelInfo(t.model).simulator.code}${t.portrait ? "p" : "l"}${t.fails ? "x" : "n"}${t.slow ? "s" : "n"}-${rand}`;
}

function decodeId(id: string): SimTask | null {
  const m = ID.exec(id);
  if (!m) return null;
  const model = modelForCode(m[2]!);
  if (!model) return null;
  return {
    id,
    model,
    created: parseInt(m[1]!, 36),
    portrait: m[3] === "p",
    fails: m[4] === "x",
    slow: m[5] === "s",
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

const error = (
  status: number,
  type: string,
  message: string,
  code?: string,
  headers?: Record<string, string>,
) => json(status, { error: { message, type, ...(code ? { code } : {}) } }, headers);

export function createSimulatorFetch(options: SimulatorOptions): FetchLike {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;

  function durationOf(t: SimTask) {
    return options.durationMs * (t.slow ? 4 : 1);
  }

  function envelope(t: SimTask) {
    const elapsed = now() - t.created;
    const duration = durationOf(t);
    const base = {
      id: t.id,
      object: "video.generation.task",
      type: "video",
      model: t.model,
      created: Math.floor(t.created / 1000),
      task_info: { can_cancel: false, estimated_time: Math.round(duration / 1000) },
      // What FoxAPI reports it reserved (contract §2), from the model's definition: a demo figure, never a price.
      usage: { credits_reserved: modelInfo(t.model).simulator.credits ?? 10, user_group: "simulator" },
    };
    if (elapsed < duration * 0.15)
      return { ...base, status: "pending", progress: 0, results: [], error: null };
    if (elapsed < duration) {
      const progress = Math.min(
        99,
        Math.max(1, Math.round(5 + (90 * (elapsed - duration * 0.15)) / (duration * 0.85))),
      );
      return { ...base, status: "processing", progress, results: [], error: null };
    }
    if (t.fails)
      return {
        ...base,
        status: "failed",
        progress: 100,
        results: [],
        error: {
          code: "generation_failed",
          message: "The video was rejected by the provider's content policy (simulated failure).",
          type: "task_error",
        },
      };
    const expires = Math.floor((t.created + duration) / 1000) + options.linkTtlSeconds;
    const file = t.portrait ? "result-9x16.mp4" : "result-16x9.mp4";
    return {
      ...base,
      status: "completed",
      progress: 100,
      results: [
        {
          url: `${SIMULATOR_FILES_PATH}/${file}?task=${encodeURIComponent(t.id)}&expires=${String(expires)}`,
        },
      ],
      error: null,
    };
  }

  async function createTask(req: Request): Promise<Response> {
    if (!(req.headers.get("content-type") ?? "").includes("application/json"))
      return error(400, "invalid_request_error", "Content-Type must be application/json.");
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return error(400, "invalid_request_error", "The request body is not valid JSON.");
    }
    const parsed = generationRequestSchema.safeParse(body);
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      const [field, message] = Object.entries(fields)[0] ?? ["body", "invalid request"];
      return error(422, "invalid_request_error", `${field}: ${message}`, "invalid_parameters");
    }
    const request = parsed.data;
    const prompt = request.prompt;
    if (prompt.includes("[sim:402]"))
      return error(402, "insufficient_quota", "Insufficient balance (simulated).", "insufficient_quota");
    if (prompt.includes("[sim:429]"))
      return error(429, "rate_limit_error", "Too many requests (simulated).", "rate_limited", {
        "Retry-After": "5",
      });
    if (prompt.includes("[sim:503]"))
      return error(503, "service_unavailable_error", "No available channel for this model (simulated).");
    const portrait = modelInfo(request.model).simulator.portrait(request);
    const task: Omit<SimTask, "id"> = {
      model: request.model,
      created: now(),
      portrait,
      fails: prompt.includes("[sim:fail]"),
      slow: prompt.includes("[sim:slow]"),
    };
    const full = { ...task, id: encodeId(task, random) };
    return json(200, envelope(full));
  }

  return async (input, init) => {
    const req = new Request(input, init);
    const auth = req.headers.get("authorization") ?? "";
    if (!/^Bearer \S+/.test(auth))
      return error(401, "authentication_error", "Missing or invalid API key.", "invalid_api_key");
    const url = new URL(req.url);
    if (req.method === "POST" && url.pathname === "/v1/videos/generations") return createTask(req);
    if (req.method === "POST" && url.pathname === "/v1/files/upload/stream")
      return options.uploads
        ? handleSimulatorUpload(req, options.uploads, now)
        : error(503, "service_unavailable_error", "The simulator has nowhere to keep uploads.");
    const taskMatch = /^\/v1\/tasks\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && taskMatch) {
      const task = decodeId(decodeURIComponent(taskMatch[1]!));
      if (!task || task.created > now() + 60_000)
        return error(404, "not_found", "Task not found.", "task_not_found");
      return json(200, envelope(task));
    }
    return error(404, "not_found", `No route for ${req.method} ${url.pathname}.`);
  };
}

/** Whether a simulator result link is still valid (links expire like FoxAPI's 24 h CDN links). */
export function simulatorLinkValid(expires: string | null, now = Date.now()): boolean {
  const n = Number(expires);
  return Number.isFinite(n) && n * 1000 > now;
}
