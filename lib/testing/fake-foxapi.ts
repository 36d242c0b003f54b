import { createHash } from "node:crypto";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake FoxAPI on a real loopback socket, for tests that must see exactly what goes over the wire: every request
 * is recorded (method, path with query, headers, raw body), and answers come from a programmable script.
 *
 * Answers, in order of precedence:
 *  1. queued one-shot replies (`enqueue`), consumed first-in first-out per route;
 *  2. route handlers (`on`), which stay until replaced or `reset()`;
 *  3. otherwise a FoxAPI-shaped 404.
 *
 * A reply is data (`{ status, headers, json | body }`) or a function of the recorded request that returns one, or
 * takes over the raw `ServerResponse` (to stall, cut a body short or drop the connection) and returns nothing.
 */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. `/v1/tasks/abc?sync_upstream=true`. */
  url: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body as received, decoded as UTF-8. */
  body: string;
  /** The raw body's bytes (its first `keepBodyBytes` only, when that option is set). */
  raw: Buffer;
  /** How many body bytes arrived, kept or not. */
  bodyBytes: number;
  /** SHA-256 (hex) of every body byte that arrived. */
  bodySha256: string;
}

export interface FakeFoxApiOptions {
  /**
   * Keep at most this many body bytes per request (the rest is counted and hashed, not held), so a test that
   * streams a large body can measure its own memory without the fake's buffer in the way.
   */
  keepBodyBytes?: number;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised with JSON.stringify and sent as application/json. */
  json?: unknown;
  /** Sent verbatim (takes precedence over `json`). */
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

export type FakeHandler = (
  req: RecordedRequest,
  res: ServerResponse,
) => FakeReply | undefined | void | Promise<FakeReply | undefined | void>;

export type FakeScript = FakeReply | FakeHandler;

type Matcher = string | RegExp;

interface Route {
  method: string;
  path: Matcher;
  script: FakeScript;
}

export interface FakeFoxApi {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Answer every matching request with this script (replaces an earlier route for the same method and path). */
  on(method: string, path: Matcher, script: FakeScript): void;
  /** Answer the next matching requests with these scripts, one each, before any route handler. */
  enqueue(method: string, path: Matcher, ...scripts: FakeScript[]): void;
  /** Requests matching a method and path. */
  requestsTo(method: string, path: Matcher): RecordedRequest[];
  /** Forget routes, queues and recorded requests. */
  reset(): void;
  /** Stops listening and drops every open connection, stalled ones included. */
  close(): Promise<void>;
}

/** Paths the fake treats as one route: `/v1/tasks/:id` matches any single segment. */
export const TASK_PATH = /^\/v1\/tasks\/[^/]+$/;
export const SUBMIT_PATH = "/v1/videos/generations";

const matches = (m: Matcher, pathname: string) => (typeof m === "string" ? m === pathname : m.test(pathname));

/** FoxAPI's error body. */
export function foxError(
  status: number,
  type: string,
  message: string,
  code?: string,
  headers?: Record<string, string>,
): FakeReply {
  return { status, headers, json: { error: { message, type, ...(code ? { code } : {}) } } };
}

/** A task envelope as FoxAPI documents it, with overrides. */
export function foxTask(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created: 1757165031,
    id: "task-unified-1757165031-uyujaw3d",
    model: "veo-3.1-extend",
    object: "video.generation.task",
    progress: 0,
    status: "pending",
    task_info: { can_cancel: true, estimated_time: 45 },
    type: "video",
    ...overrides,
  };
}

export async function startFakeFoxApi(options: FakeFoxApiOptions = {}): Promise<FakeFoxApi> {
  const keep = options.keepBodyBytes ?? Infinity;
  const requests: RecordedRequest[] = [];
  let routes: Route[] = [];
  let queues: Route[] = [];

  async function respond(recorded: RecordedRequest, res: ServerResponse) {
    const q = queues.findIndex((r) => r.method === recorded.method && matches(r.path, recorded.pathname));
    let script: FakeScript | undefined;
    if (q >= 0) {
      script = queues[q]!.script;
      queues.splice(q, 1);
    } else {
      script = routes.find((r) => r.method === recorded.method && matches(r.path, recorded.pathname))?.script;
    }
    const reply: FakeReply | undefined | void =
      script === undefined
        ? foxError(404, "not_found", `No route for ${recorded.method} ${recorded.pathname}.`)
        : typeof script === "function"
          ? await script(recorded, res)
          : script;
    if (!reply) return; // the handler took over the response
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const body = reply.body ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
    const headers: Record<string, string> = {
      ...(reply.body === undefined && reply.json !== undefined ? { "Content-Type": "application/json" } : {}),
      ...reply.headers,
    };
    res.writeHead(reply.status ?? 200, headers);
    res.end(body);
  }

  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    const hash = createHash("sha256");
    req.on("data", (c: Buffer) => {
      total += c.length;
      hash.update(c);
      if (kept < keep) {
        const part = kept + c.length <= keep ? c : c.subarray(0, keep - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    // A client that aborts mid-body (as the upload relay does at its cap) is not an error for the fake.
    req.on("error", () => undefined);
    req.on("end", () => {
      const url = req.url ?? "/";
      const parsed = new URL(url, "http://fake.invalid");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        url,
        pathname: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        raw: Buffer.concat(chunks),
        bodyBytes: total,
        bodySha256: hash.digest("hex"),
      };
      requests.push(recorded);
      respond(recorded, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(`fake FoxAPI handler threw: ${String(err)}`);
        } else res.destroy();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${String(port)}`,
    port,
    requests,
    on(method, path, script) {
      routes = routes.filter((r) => !(r.method === method && String(r.path) === String(path)));
      routes.push({ method, path, script });
    },
    enqueue(method, path, ...scripts) {
      for (const script of scripts) queues.push({ method, path, script });
    },
    requestsTo(method, path) {
      return requests.filter((r) => r.method === method && matches(path, r.pathname));
    },
    reset() {
      routes = [];
      queues = [];
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
