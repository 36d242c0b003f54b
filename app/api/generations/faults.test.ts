import type { ServerResponse } from "node:http";
import { type MockInstance, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type * as ClientModule from "@/lib/foxapi/client";
import { UpstreamError } from "@/lib/foxapi/errors";
import {
  type Answer,
  type RequestOptions,
  params,
  read,
  request,
  setupApp,
  veoBody,
} from "@/lib/testing/app-harness";
import { type FakeScript, SUBMIT_PATH, TASK_PATH, foxError, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";

/*
 * The client's production timeouts are 30 s for a submit and 10 s per status read (three reads at most), which a
 * fast suite can't wait for at the route level. So here the app's client is built exactly as in production except
 * for shorter timeouts and backoff delays; the last describe block proves the production defaults themselves on
 * a fake clock. Short, but not so short that a healthy loopback answer misses them on a busy CI machine: at 250 ms
 * a read of the recovered upstream timed out and was read again (5 reads where 4 were right), and at 400 ms a
 * submit gave up before its request had even reached the fake. Three status reads (and two backoffs) must still
 * end well inside the 2.5 s a viewer waits for a shared read, or the hang tests see the stored task instead.
 */
const TIMEOUTS = { submitMs: 1500, statusMs: 500 };
vi.mock("@/lib/foxapi/client", async (importOriginal) => {
  const real = await importOriginal<typeof ClientModule>();
  return {
    ...real,
    createFoxClient: (options: ClientModule.FoxClientOptions) =>
      real.createFoxClient({ ...options, timeouts: TIMEOUTS, retry: { baseDelayMs: 10, maxDelayMs: 40 } }),
  };
});

const app = setupApp();
let errorLog: MockInstance<typeof console.error>;
beforeEach(() => {
  errorLog = vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => {
  const logged = errorLog.mock.calls.map((call) => String(call[0]));
  errorLog.mockRestore();
  // No fault may reach the generic 500 path.
  for (const line of logged) expect(line).not.toMatch(/unexpected error/);
});

const submits = () => app.fake.requestsTo("POST", SUBMIT_PATH);
const statusReads = () => app.fake.requestsTo("GET", TASK_PATH);
const post = (body: unknown, options: RequestOptions = {}) =>
  collection.POST(request("/api/generations", { body, ...options })).then(read);
const getTask = (id: string) => item.GET(request(`/api/generations/${id}`), params("id", id)).then(read);
const list = () => collection.GET(request("/api/generations")).then(read);

/** Each fault, as the fake plays it. */
const FAULTS: Record<string, FakeScript> = {
  hang: () => undefined,
  "reset after reading the body": (_req, res: ServerResponse) => {
    res.socket?.destroy();
  },
  "HTML instead of JSON (200)": {
    status: 200,
    headers: { "Content-Type": "text/html" },
    body: "<!doctype html><title>Just a moment...</title>",
  },
  "an HTML error page (502)": {
    status: 502,
    headers: { "Content-Type": "text/html" },
    body: "<html><body>502 Bad Gateway</body></html>",
  },
  "truncated JSON": {
    status: 200,
    headers: { "Content-Type": "application/json" },
    body: '{"id":"task-x","sta',
  },
  "a body cut off mid-way": (_req, res: ServerResponse) => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "400" });
    res.write('{"id":"task-cut","status":"pend');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  "JSON that is not a task": { json: { ok: true } },
  "429 with Retry-After": foxError(429, "rate_limit_error", "slow down", undefined, { "Retry-After": "1" }),
  "500": foxError(500, "server_error", "internal"),
  "503": foxError(503, "service_unavailable_error", "no channel for this model"),
};

describe("POST /api/generations against a faulty upstream: one call, a clear answer, never re-sent", () => {
  // [fault, our status, our code, does a retry with the same key send again?]
  const cases: [string, number, string, boolean][] = [
    ["hang", 504, "submit_outcome_unknown", false],
    ["reset after reading the body", 504, "submit_outcome_unknown", false],
    ["HTML instead of JSON (200)", 504, "submit_outcome_unknown", false],
    ["an HTML error page (502)", 502, "upstream_error", false],
    ["truncated JSON", 504, "submit_outcome_unknown", false],
    ["a body cut off mid-way", 504, "submit_outcome_unknown", false],
    ["JSON that is not a task", 504, "submit_outcome_unknown", false],
    ["429 with Retry-After", 429, "rate_limited", true],
    ["500", 502, "upstream_error", false],
    ["503", 503, "upstream_unavailable", false],
  ];

  it.each(cases)("%s → %s %s", async (fault, status, code, resends) => {
    app.fake.on("POST", SUBMIT_PATH, FAULTS[fault]!);
    const started = Date.now();
    const res = await post(veoBody(app), { idempotencyKey: "fault-key" });
    expect(Date.now() - started).toBeLessThan(TIMEOUTS.submitMs + 1500);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(typeof res.json.error.message).toBe("string");
    if (code === "submit_outcome_unknown")
      expect(res.json.error.message).toMatch(/may or may not have been created/);
    if (status === 429) expect(res.headers.get("retry-after")).toBe("1");
    expect(submits()).toHaveLength(1);
    // Nothing half-recorded.
    expect((await list()).json.tasks).toEqual([]);

    // The user presses Generate again with the same values (same key), the upstream now healthy.
    app.fake.on("POST", SUBMIT_PATH, () => ({
      json: foxTask({ id: `task-after-fault-${String(submits().length)}` }),
    }));
    const again = await post(veoBody(app), { idempotencyKey: "fault-key" });
    if (resends) {
      expect(again.status).toBe(201);
      expect(submits()).toHaveLength(2);
    } else {
      expect(again.status).toBe(504);
      expect(again.json.error.code).toBe("submit_outcome_unknown");
      expect(submits()).toHaveLength(1);
    }
    // The server is fine: a new request goes through.
    expect((await post(veoBody(app, { prompt: "A new request" }))).status).toBe(201);
  });
});

describe("GET /api/generations/{id} against a faulty upstream: bounded retries, a clear answer, the task intact", () => {
  // [fault, our status, our code]
  const cases: [string, number, string][] = [
    ["hang", 504, "upstream_timeout"],
    ["reset after reading the body", 502, "upstream_unreachable"],
    ["HTML instead of JSON (200)", 502, "upstream_bad_response"],
    ["an HTML error page (502)", 502, "upstream_error"],
    ["truncated JSON", 502, "upstream_bad_response"],
    ["a body cut off mid-way", 504, "upstream_timeout"],
    ["JSON that is not a task", 502, "upstream_bad_response"],
    ["429 with Retry-After", 429, "rate_limited"],
    ["500", 502, "upstream_error"],
    ["503", 503, "upstream_unavailable"],
  ];

  it.each(cases)("%s → %s %s after exactly 3 reads", async (fault, status, code) => {
    app.fake.enqueue("POST", SUBMIT_PATH, { json: foxTask({ id: "task-faulty-status" }) });
    const created = await post(veoBody(app));
    expect(created.status).toBe(201);
    app.fake.on("GET", TASK_PATH, FAULTS[fault]!);

    const started = Date.now();
    const res: Answer = await getTask("task-faulty-status");
    const elapsed = Date.now() - started;
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(statusReads()).toHaveLength(3);
    for (const r of statusReads()) expect(r.url).toBe("/v1/tasks/task-faulty-status?sync_upstream=true");
    // Bounded: three timeouts at worst, plus two Retry-After waits of 1 s for the 429.
    expect(elapsed).toBeLessThan(status === 429 ? 3500 : 3 * TIMEOUTS.statusMs + 1500);
    if (status === 429) {
      expect(res.headers.get("retry-after")).toBe("1");
      expect(elapsed).toBeGreaterThanOrEqual(1900);
    }

    // The stored task is untouched, and once the upstream recovers the next poll sees it.
    const listed = (await list()).json.tasks as { id: string; status: string }[];
    expect(listed).toEqual([expect.objectContaining({ id: "task-faulty-status", status: "pending" })]);
    app.fake.on("GET", TASK_PATH, {
      json: foxTask({ id: "task-faulty-status", status: "processing", progress: 20 }),
    });
    const recovered = await getTask("task-faulty-status");
    expect(recovered.status).toBe(200);
    expect(recovered.json).toMatchObject({ status: "processing", progress: 20 });
    expect(statusReads()).toHaveLength(4);
  });

  it("concurrent polls during a hang share the one bounded attempt", async () => {
    app.fake.enqueue("POST", SUBMIT_PATH, { json: foxTask({ id: "task-hang-shared" }) });
    expect((await post(veoBody(app))).status).toBe(201);
    app.fake.on("GET", TASK_PATH, FAULTS.hang!);
    const answers = await Promise.all(Array.from({ length: 10 }, () => getTask("task-hang-shared")));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(504));
    expect(statusReads()).toHaveLength(3);
  });
});

describe("the production client's own timeouts (fake clock)", () => {
  afterEach(() => vi.useRealTimers());

  /** A fetch that never answers, until its signal aborts. */
  function hangingFetch() {
    const calls: string[] = [];
    const fetch: ClientModule.FetchLike = (url, init) => {
      calls.push(url);
      return new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    };
    return { fetch, calls };
  }

  async function settle<T>(promise: Promise<T>) {
    let outcome: { error: unknown } | { value: T } | undefined;
    promise.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    await vi.advanceTimersByTimeAsync(0);
    return () => outcome;
  }

  it("a hanging submit gives up at 30 s as outcome unknown, after one request", async () => {
    vi.useFakeTimers();
    const real = await vi.importActual<typeof ClientModule>("@/lib/foxapi/client");
    const { fetch, calls } = hangingFetch();
    const client = real.createFoxClient({ baseUrl: "https://api.foxapi.cc", apiKey: "k", fetch });
    const outcome = await settle(client.createTask({ model: "veo-3.1-extend" }));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(outcome()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const result = outcome();
    expect(result && "error" in result ? result.error : null).toBeInstanceOf(UpstreamError);
    expect((result as { error: UpstreamError }).error.code).toBe("submit_outcome_unknown");
    expect(calls).toHaveLength(1);
  });

  it("a hanging status read gives up after 3 tries of 10 s with backoff between (31.5 s at most)", async () => {
    vi.useFakeTimers();
    const real = await vi.importActual<typeof ClientModule>("@/lib/foxapi/client");
    const { fetch, calls } = hangingFetch();
    const client = real.createFoxClient({
      baseUrl: "https://api.foxapi.cc",
      apiKey: "k",
      fetch,
      random: () => 1,
    });
    const outcome = await settle(client.getTask("task-1"));
    await vi.advanceTimersByTimeAsync(31_499);
    expect(outcome()).toBeUndefined();
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect((outcome() as { error: UpstreamError }).error.code).toBe("upstream_timeout");
    expect(calls).toHaveLength(3);
  });
});
