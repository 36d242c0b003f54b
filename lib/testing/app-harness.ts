import crypto from "node:crypto";
import fs from "node:fs";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { type MockInstance, afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import { sessionKey } from "../api/guards";
import { createTestSchema, postgresTestUrl } from "../db/testing";
import { SESSION_COOKIE, createSession } from "../auth/session";
import { resetEnvForTests } from "../env";
import { resetFoxClientForTests } from "../foxapi";
import { getDb, resetTaskServiceForTests } from "../tasks";
import { type FakeFoxApi, type FakeFoxApiOptions, startFakeFoxApi } from "./fake-foxapi";
import { fixture, serveRanges } from "../media/fixture-host";

/*
 * Route-level test harness: a fake FoxAPI and a fake media host, both on loopback; the app's singletons pointed at
 * them through the environment; a fresh data directory per test; and helpers that call route handlers with real
 * Request objects the way a browser on our own origin would.
 */

export const KEY = "canary-key-trust-7c1d2e";
export const ORIGIN = "http://localhost:3000";

const ENV_NAMES = [
  "FOXAPI_API_KEY",
  "FOXAPI_BASE_URL",
  "DATA_DIR",
  "STATUS_MIN_INTERVAL_MS",
  "SIMULATOR_DURATION_MS",
  "SIMULATOR_LINK_TTL_SECONDS",
  "ACCESS_PASSCODE",
  "MAX_TASKS_PER_DAY",
  "PRICE_TABLE",
  "PRICE_UNIT",
  "DATABASE_URL",
  "SESSION_SECRET",
  // Pinned so a shell that exported a bucket (for the storage suites) can't move route tests onto S3.
  "S3_BUCKET",
  "S3_ENDPOINT",
  "S3_REGION",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
  "S3_FORCE_PATH_STYLE",
  "BACKGROUND_WORKER",
  "SWEEP_SECRET",
  // Team accounts (issue 12)
  "AUTH_MODE",
  "ADMIN_EMAIL",
  "ADMIN_PASSWORD",
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "OIDC_CLIENT_SECRET",
  "OIDC_NAME",
  "TEAM_EMAIL_DOMAINS",
  "APP_URL",
  "HOST",
];

export interface MediaRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export type MediaHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A media host on loopback. By default `.mp4`/`.mov` paths serve a real 1280×720 5 s clip that fits every model
 * (with Range support, so the server's probe can read its header) and `.jpg`/`.png` paths 200 KB images (HEAD
 * answers the headers, a ranged GET one byte); `on(path, handler)` answers a path any other way.
 */
export interface MediaServer {
  readonly url: string;
  readonly requests: MediaRequest[];
  on(pathname: string, handler: MediaHandler): void;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_IMAGE_BYTES = 200_000;

/** Answers like a file of this type and size: HEAD headers only, a ranged GET one byte, a plain GET one byte. */
export function serveAs(type: string, size: number): MediaHandler {
  return (req, res) => {
    if (req.method === "GET" && req.headers.range) {
      res.writeHead(206, {
        "Content-Type": type,
        "Content-Range": `bytes 0-0/${String(size)}`,
        "Content-Length": "1",
      });
      res.end("x");
    } else if (req.method === "HEAD") {
      res.writeHead(200, { "Content-Type": type, "Content-Length": String(size) });
      res.end();
    } else {
      res.writeHead(200, { "Content-Type": type, "Content-Length": "1" });
      res.end("x");
    }
  };
}

export async function startMediaServer(): Promise<MediaServer> {
  const requests: MediaRequest[] = [];
  const handlers = new Map<string, MediaHandler>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    requests.push({ method: req.method ?? "GET", url, headers: req.headers });
    const pathname = new URL(url, "http://media.invalid").pathname;
    const handler =
      handlers.get(pathname) ??
      (/\.(mp4|mov)$/.test(pathname)
        ? serveRanges(fixture("fit-1280x720.mp4"))
        : /\.(jpe?g|png)$/.test(pathname)
          ? serveAs("image/jpeg", DEFAULT_IMAGE_BYTES)
          : (_req: IncomingMessage, r: ServerResponse) => {
              r.writeHead(404, { "Content-Type": "text/plain" });
              r.end("not found");
            });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    on: (pathname, handler) => handlers.set(pathname, handler),
    reset() {
      handlers.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface App {
  fake: FakeFoxApi;
  /** With ROUTE_TESTS_ON_POSTGRES=1: this test's own PostgreSQL schema, as DATABASE_URL. */
  databaseUrl?: string;
  media: MediaServer;
  dataDir: string;
  /** Points the singletons at this environment (the fake upstream and a key by default), closing the old store. */
  configure(env?: Record<string, string | undefined>): void;
  /** Changes the environment only: the store, the service and their sessions and tasks stay. */
  setEnv(env: Record<string, string | undefined>): void;
}

function applyEnv(values: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvForTests();
  resetFoxClientForTests();
}

export interface AppOptions {
  /** How the fake FoxAPI is started (e.g. `keepBodyBytes` for a suite that streams large bodies through it). */
  fake?: FakeFoxApiOptions;
  /**
   * Silences `console.error` during each test and afterwards asserts that nothing it was given carries the key:
   * for suites whose routes log upstream failures on purpose.
   */
  quietErrors?: boolean;
}

/** Registers the hooks of a route-level suite and returns its handles (filled in once the hooks have run). */
export function setupApp(options: AppOptions = {}): App {
  const saved: Record<string, string | undefined> = {};
  let errorLog: MockInstance<typeof console.error> | undefined;
  const app: App = {
    fake: undefined as unknown as FakeFoxApi,
    media: undefined as unknown as MediaServer,
    dataDir: "",
    configure(env = {}) {
      resetTaskServiceForTests();
      applyEnv({
        FOXAPI_API_KEY: KEY,
        FOXAPI_BASE_URL: app.fake.url,
        DATA_DIR: app.dataDir,
        STATUS_MIN_INTERVAL_MS: "0",
        SIMULATOR_DURATION_MS: undefined,
        SIMULATOR_LINK_TTL_SECONDS: undefined,
        ACCESS_PASSCODE: undefined,
        MAX_TASKS_PER_DAY: undefined,
        PRICE_TABLE: undefined,
        PRICE_UNIT: undefined,
        // A fresh database per test (SQLite in dataDir, or a schema of its own), whatever the shell has set.
        DATABASE_URL: app.databaseUrl,
        SESSION_SECRET: app.databaseUrl ? "route-tests-session-secret-0123456789abcdef" : undefined,
        S3_BUCKET: undefined,
        S3_ENDPOINT: undefined,
        S3_REGION: undefined,
        S3_ACCESS_KEY_ID: undefined,
        S3_SECRET_ACCESS_KEY: undefined,
        S3_FORCE_PATH_STYLE: undefined,
        BACKGROUND_WORKER: undefined,
        SWEEP_SECRET: undefined,
        AUTH_MODE: undefined,
        ADMIN_EMAIL: undefined,
        ADMIN_PASSWORD: undefined,
        OIDC_ISSUER: undefined,
        OIDC_CLIENT_ID: undefined,
        OIDC_CLIENT_SECRET: undefined,
        OIDC_NAME: undefined,
        TEAM_EMAIL_DOMAINS: undefined,
        APP_URL: undefined,
        HOST: undefined,
        ...env,
      });
    },
    setEnv: applyEnv,
  };
  beforeAll(async () => {
    for (const name of ENV_NAMES) saved[name] = process.env[name];
    app.fake = await startFakeFoxApi(options.fake);
    app.media = await startMediaServer();
  });
  afterAll(async () => {
    resetTaskServiceForTests();
    await app.fake.close();
    await app.media.close();
    applyEnv(saved);
  });
  let schema: Awaited<ReturnType<typeof createTestSchema>> | undefined;
  beforeEach(async () => {
    app.fake.reset();
    app.media.reset();
    app.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-trust-"));
    // The same route suites on PostgreSQL, on demand: ROUTE_TESTS_ON_POSTGRES=1 with a cluster (see lib/db/testing).
    const pg = process.env.ROUTE_TESTS_ON_POSTGRES ? postgresTestUrl() : null;
    if (process.env.ROUTE_TESTS_ON_POSTGRES && !pg)
      throw new Error("ROUTE_TESTS_ON_POSTGRES is set but no PostgreSQL is running.");
    schema = pg ? await createTestSchema(pg) : undefined;
    app.databaseUrl = schema?.url;
    app.configure();
    if (options.quietErrors) errorLog = vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(async () => {
    if (errorLog) {
      const calls = errorLog.mock.calls;
      errorLog.mockRestore();
      errorLog = undefined;
      // Nothing the server logged may carry the key either.
      for (const call of calls) expect(JSON.stringify(call)).not.toContain(KEY);
    }
    resetTaskServiceForTests();
    fs.rmSync(app.dataDir, { recursive: true, force: true });
    await schema?.drop();
    schema = undefined;
    app.databaseUrl = undefined;
  });
  return app;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Reads a route's response and checks what every answer must hold: no permissive CORS header, and never the
 * server's key.
 */
export async function read(res: Response): Promise<Answer> {
  const text = await res.text();
  expect(text).not.toContain(KEY);
  for (const [name, value] of res.headers) {
    expect(name.toLowerCase()).not.toMatch(/^access-control-/);
    expect(`${name}: ${value}`).not.toContain(KEY);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface RequestOptions {
  method?: string;
  /** Sent as it is when a string, FormData, Blob or stream (a stream half-duplex), else as JSON. */
  body?: unknown;
  cookie?: string | null;
  idempotencyKey?: string;
  /** Replace the browser-like defaults (JSON, same origin) entirely. */
  headers?: Record<string, string>;
  /** Added to the defaults. */
  extraHeaders?: Record<string, string>;
}

/** A Request as the studio in a browser on our origin sends it. */
export function request(pathname: string, options: RequestOptions = {}): Request {
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const mutating = method !== "GET" && method !== "HEAD";
  const raw =
    options.body instanceof FormData ||
    options.body instanceof Blob ||
    options.body instanceof ReadableStream;
  const headers: Record<string, string> = options.headers ?? {
    ...(mutating && !raw ? { "Content-Type": "application/json" } : {}),
    ...(mutating ? { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" } : {}),
  };
  Object.assign(headers, options.extraHeaders);
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.idempotencyKey !== undefined) headers["Idempotency-Key"] = options.idempotencyKey;
  const body =
    options.body === undefined || raw || typeof options.body === "string"
      ? (options.body as BodyInit | undefined)
      : JSON.stringify(options.body);
  return new Request(`${ORIGIN}${pathname}`, {
    method,
    headers,
    body,
    ...(options.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

export const params = <K extends string>(key: K, value: string) => ({
  params: Promise.resolve({ [key]: value } as Record<K, string>),
});

/** A valid Veo extend request whose video lives on the media host. */
export function veoBody(app: App, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: "veo-3.1-extend",
    prompt: "The camera keeps panning across the valley",
    video_url: `${app.media.url}/clip.mp4`,
    ...overrides,
  };
}

/** A valid Kling edit request with one image and one element, all on the media host. */
export function klingBody(app: App, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: "kling-o3-video-to-video-edit",
    prompt: "Make @Video1 golden hour, with @Image1 in the sky and @Element1 on the left",
    video_url: `${app.media.url}/clip.mp4`,
    image_urls: [`${app.media.url}/sky.jpg`],
    elements: [
      {
        frontal_image_url: `${app.media.url}/front.jpg`,
        reference_image_urls: [`${app.media.url}/side.jpg`],
      },
    ],
    ...overrides,
  };
}

/** A live session made directly in the store (not through the rate-limited sign-in route): its Cookie header. */
export async function sessionCookie(now = Date.now()): Promise<string> {
  const session = await createSession(getDb(), sessionKey(), now);
  return `${SESSION_COOKIE}=${session.cookie}`;
}

/** `<id>.<expires>.<mac>` signed with a key: for forging cookies the way only the server could. */
export function signCookie(key: Buffer, id: string, expires: number): string {
  const payload = `${id}.${String(expires)}`;
  return `${SESSION_COOKIE}=${payload}.${crypto.createHmac("sha256", key).update(payload).digest("base64url")}`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
