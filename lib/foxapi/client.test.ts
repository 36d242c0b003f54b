import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeFoxApi,
  SUBMIT_PATH,
  TASK_PATH,
  foxError,
  foxTask,
  startFakeFoxApi,
} from "../testing/fake-foxapi";
import { KLING_SEED_JSON, VEO_SEED_JSON } from "../testing/seeds";
import { type FoxClientOptions, createFoxClient } from "./client";
import { UpstreamError } from "./errors";

const KEY = "canary-key-client-5b4a3c";
const OUT = "https://cdn.foxapi.cc/out/result.mp4";
const ID = "task-unified-1757165031-uyujaw3d";

let fake: FakeFoxApi;
let sleeps: number[];

beforeAll(async () => {
  fake = await startFakeFoxApi();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  sleeps = [];
});

function client(options: Partial<FoxClientOptions> = {}) {
  return createFoxClient({
    baseUrl: fake.url,
    apiKey: KEY,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options,
  });
}

/** The rejection of a promise, asserted to be an UpstreamError. */
async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const err: unknown = await promise.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

const completed = foxTask({ status: "completed", progress: 100, results: [{ url: OUT }] });
const running = foxTask({ status: "processing", progress: 40 });
/** A handler that answers nothing, ever. */
const silent = () => undefined;
/** A handler that sends headers and the start of a body, then stalls. */
const stallBody = (_req: unknown, res: http.ServerResponse) => {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.write('{"id":"task-');
  return undefined;
};
/** A handler that drops the connection without answering. */
const hangUp = (_req: unknown, res: http.ServerResponse) => {
  res.socket?.destroy();
  return undefined;
};

describe("createTask", () => {
  it.each([
    ["kling", KLING_SEED_JSON],
    ["veo", VEO_SEED_JSON],
  ])("sends the %s seed body byte for byte with the bearer key", async (_name, seed) => {
    fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const task = await client().createTask(JSON.parse(seed) as Record<string, unknown>);
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/v1/videos/generations");
    expect(req.body).toBe(seed);
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers.accept).toBe("application/json");
    expect(task).toMatchObject({ id: ID, status: "pending", estimatedSeconds: 45, createdAt: 1757165031000 });
  });

  it("joins a base URL with a trailing slash without doubling it", async () => {
    fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    await client({ baseUrl: `${fake.url}//` }).createTask({ model: "x" });
    expect(fake.requests.map((r) => r.url)).toEqual(["/v1/videos/generations"]);
  });

  it.each([
    [500, foxError(500, "server_error", "boom"), "upstream_error"],
    [503, foxError(503, "service_unavailable_error", "no channel"), "upstream_unavailable"],
    [429, foxError(429, "rate_limit_error", "slow down", undefined, { "Retry-After": "1" }), "rate_limited"],
    [
      502,
      {
        status: 502,
        body: "<html><body>Bad Gateway</body></html>",
        headers: { "Content-Type": "text/html" },
      },
      "upstream_error",
    ],
  ])("is never retried: %i → one request", async (_status, reply, code) => {
    fake.on("POST", SUBMIT_PATH, reply);
    const err = await failure(client().createTask({ model: "x" }));
    expect(err.code).toBe(code);
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("a timeout is submit_outcome_unknown after one request", async () => {
    fake.on("POST", SUBMIT_PATH, silent);
    const started = Date.now();
    const err = await failure(client({ timeouts: { submitMs: 150 } }).createTask({ model: "x" }));
    expect(err.code).toBe("submit_outcome_unknown");
    expect(err.httpStatus).toBe(504);
    expect(err.message).toMatch(/may or may not have been created/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("headers then a stalled body is submit_outcome_unknown after one request", async () => {
    fake.on("POST", SUBMIT_PATH, stallBody);
    const started = Date.now();
    const err = await failure(client({ timeouts: { submitMs: 150 } }).createTask({ model: "x" }));
    expect(err.code).toBe("submit_outcome_unknown");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.requests).toHaveLength(1);
  });

  it("a dropped connection is submit_outcome_unknown after one request", async () => {
    fake.on("POST", SUBMIT_PATH, hangUp);
    const err = await failure(client().createTask({ model: "x" }));
    expect(err.code).toBe("submit_outcome_unknown");
    expect(fake.requests).toHaveLength(1);
  });

  it("HTML instead of JSON is submit_outcome_unknown", async () => {
    fake.on("POST", SUBMIT_PATH, {
      status: 200,
      body: "<!doctype html><p>Welcome</p>",
      headers: { "Content-Type": "text/html" },
    });
    const err = await failure(client().createTask({ model: "x" }));
    expect(err.code).toBe("submit_outcome_unknown");
    expect(err.options.upstreamStatus).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });

  it("JSON without a task id is submit_outcome_unknown", async () => {
    fake.on("POST", SUBMIT_PATH, { json: { status: "pending" } });
    const err = await failure(client().createTask({ model: "x" }));
    expect(err.code).toBe("submit_outcome_unknown");
    expect(err.message).toMatch(/no task id/);
  });

  it("a refused connection says nothing was sent", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await failure(
      client({ baseUrl: `http://127.0.0.1:${String(port)}` }).createTask({ model: "x" }),
    );
    expect(err.code).toBe("upstream_unreachable");
    expect(err.message).toMatch(/Nothing was sent/);
  });
});

describe("getTask", () => {
  it("asks with ?sync_upstream=true and the bearer key", async () => {
    fake.on("GET", TASK_PATH, { json: running });
    const task = await client().getTask(ID);
    expect(task).toMatchObject({ id: ID, status: "processing", progress: 40 });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.method).toBe("GET");
    expect(fake.requests[0]!.url).toBe(`/v1/tasks/${ID}?sync_upstream=true`);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(fake.requests[0]!.body).toBe("");
  });

  it.each(["../x", "a/b", "", "a b", "x".repeat(200), "a?b=c"])(
    "refuses an unsafe id %j without a request",
    async (id) => {
      const err = await failure(client().getTask(id));
      expect(err.code).toBe("task_not_found");
      expect(fake.requests).toHaveLength(0);
    },
  );

  it("a completed task with a result needs one read", async () => {
    fake.on("GET", TASK_PATH, { json: completed });
    expect((await client().getTask(ID)).resultUrl).toBe(OUT);
    expect(fake.requests).toHaveLength(1);
  });

  it("completed with empty results: exactly one re-read, without sync_upstream", async () => {
    fake.enqueue(
      "GET",
      TASK_PATH,
      { json: foxTask({ status: "completed", progress: 100, results: [] }) },
      { json: completed },
    );
    const task = await client().getTask(ID);
    expect(task.status).toBe("completed");
    expect(task.resultUrl).toBe(OUT);
    expect(fake.requests.map((r) => r.url)).toEqual([
      `/v1/tasks/${ID}?sync_upstream=true`,
      `/v1/tasks/${ID}`,
    ]);
  });

  it("completed with empty results twice becomes a failure, after exactly two reads", async () => {
    fake.on("GET", TASK_PATH, { json: foxTask({ status: "completed", progress: 100, results: [] }) });
    const task = await client().getTask(ID);
    expect(task.status).toBe("failed");
    expect(task.error?.code).toBe("no_result");
    expect(task.resultUrl).toBeNull();
    expect(fake.requests.map((r) => r.url)).toEqual([
      `/v1/tasks/${ID}?sync_upstream=true`,
      `/v1/tasks/${ID}`,
    ]);
  });

  it("429 is retried, honouring each Retry-After", async () => {
    fake.enqueue(
      "GET",
      TASK_PATH,
      foxError(429, "rate_limit_error", "slow down", undefined, { "Retry-After": "2" }),
      foxError(429, "rate_limit_error", "slow down", undefined, { "Retry-After": "1" }),
      { json: running },
    );
    const task = await client().getTask(ID);
    expect(task.status).toBe("processing");
    expect(sleeps).toEqual([2000, 1000]);
    expect(fake.requests).toHaveLength(3);
  });

  it("429 with an HTTP-date Retry-After waits until then", async () => {
    const at = new Date(Date.now() + 4000).toUTCString();
    fake.enqueue(
      "GET",
      TASK_PATH,
      foxError(429, "rate_limit_error", "slow", undefined, { "Retry-After": at }),
      {
        json: running,
      },
    );
    await client().getTask(ID);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(2000);
    expect(sleeps[0]).toBeLessThanOrEqual(4000);
  });

  it("a huge Retry-After is capped, and attempts are bounded", async () => {
    fake.on(
      "GET",
      TASK_PATH,
      foxError(429, "rate_limit_error", "slow", undefined, { "Retry-After": "3600" }),
    );
    const err = await failure(client({ retry: { maxRetryAfterMs: 7000 } }).getTask(ID));
    expect(err.code).toBe("rate_limited");
    expect(err.options.retryAfterMs).toBe(3_600_000);
    expect(sleeps).toEqual([7000, 7000]);
    expect(fake.requests).toHaveLength(3);
  });

  it("429 without Retry-After uses jittered exponential backoff", async () => {
    fake.on("GET", TASK_PATH, foxError(429, "rate_limit_error", "slow"));
    await failure(client({ random: () => 0 }).getTask(ID));
    expect(sleeps).toEqual([250, 500]);
    sleeps = [];
    await failure(client({ random: () => 1 }).getTask(ID));
    expect(sleeps).toEqual([500, 1000]);
  });

  it("500 is retried with backoff, then gives up after 3 attempts", async () => {
    fake.on("GET", TASK_PATH, foxError(500, "server_error", "boom"));
    const err = await failure(client().getTask(ID));
    expect(err.code).toBe("upstream_error");
    expect(err.httpStatus).toBe(502);
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([375, 750]);
  });

  it("the backoff is capped at maxDelayMs and the attempt count is configurable", async () => {
    fake.on("GET", TASK_PATH, foxError(500, "server_error", "boom"));
    await failure(client({ retry: { attempts: 5, baseDelayMs: 1000, maxDelayMs: 3000 } }).getTask(ID));
    expect(fake.requests).toHaveLength(5);
    expect(sleeps).toEqual([750, 1500, 2250, 2250]);
  });

  it("503 then success: two requests", async () => {
    fake.enqueue("GET", TASK_PATH, foxError(503, "service_unavailable_error", "busy"), { json: running });
    expect((await client().getTask(ID)).status).toBe("processing");
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toEqual([375]);
  });

  it("a dropped connection then success: two requests", async () => {
    fake.enqueue("GET", TASK_PATH, hangUp, { json: running });
    expect((await client().getTask(ID)).status).toBe("processing");
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("dropped connections every time: upstream_unreachable after 3 requests", async () => {
    fake.on("GET", TASK_PATH, hangUp);
    const err = await failure(client().getTask(ID));
    expect(err.code).toBe("upstream_unreachable");
    expect(fake.requests).toHaveLength(3);
  });

  it("a refused connection is retried, then reported", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await failure(client({ baseUrl: `http://127.0.0.1:${String(port)}` }).getTask(ID));
    expect(err.code).toBe("upstream_unreachable");
    expect(sleeps).toHaveLength(2);
  });

  it.each([
    [404, foxError(404, "not_found", "no such task"), "task_not_found"],
    [401, foxError(401, "authentication_error", "bad key"), "upstream_auth_failed"],
    [402, foxError(402, "insufficient_quota", "pay up"), "insufficient_credit"],
    [400, foxError(400, "invalid_request_error", "bad"), "upstream_bad_request"],
  ])("%i is not retried", async (_s, reply, code) => {
    fake.on("GET", TASK_PATH, reply);
    const err = await failure(client().getTask(ID));
    expect(err.code).toBe(code);
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("a server that never answers times out, once per attempt", async () => {
    fake.on("GET", TASK_PATH, silent);
    const started = Date.now();
    const err = await failure(client({ timeouts: { statusMs: 100 }, retry: { attempts: 2 } }).getTask(ID));
    expect(err.code).toBe("upstream_timeout");
    expect(err.httpStatus).toBe(504);
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("headers then a stalled body times out too", async () => {
    fake.on("GET", TASK_PATH, stallBody);
    const started = Date.now();
    const err = await failure(client({ timeouts: { statusMs: 150 }, retry: { attempts: 1 } }).getTask(ID));
    expect(err.code).toBe("upstream_timeout");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.requests).toHaveLength(1);
  });

  it("a stalled body, then a good answer: the retry recovers", async () => {
    fake.enqueue("GET", TASK_PATH, stallBody, { json: running });
    const task = await client({ timeouts: { statusMs: 150 } }).getTask(ID);
    expect(task.status).toBe("processing");
    expect(fake.requests).toHaveLength(2);
  });

  it("HTML instead of JSON is a bad response, retried", async () => {
    fake.on("GET", TASK_PATH, {
      status: 200,
      body: "<html>maintenance</html>",
      headers: { "Content-Type": "text/html" },
    });
    const err = await failure(client().getTask(ID));
    expect(err.code).toBe("upstream_bad_response");
    expect(fake.requests).toHaveLength(3);
  });

  it("an HTML error page with a 5xx status maps by status", async () => {
    fake.on("GET", TASK_PATH, {
      status: 502,
      body: "<html>Bad Gateway</html>",
      headers: { "Content-Type": "text/html" },
    });
    const err = await failure(client({ retry: { attempts: 1 } }).getTask(ID));
    expect(err.code).toBe("upstream_error");
  });

  it("does not follow a redirect (the key would go with it)", async () => {
    fake.on("GET", TASK_PATH, { status: 302, headers: { Location: `${fake.url}/elsewhere` } });
    fake.on("GET", "/elsewhere", { json: running });
    await failure(client({ retry: { attempts: 1 } }).getTask(ID));
    expect(fake.requestsTo("GET", "/elsewhere")).toHaveLength(0);
  });
});

describe("the key never leaks through an error", () => {
  const everything = (err: UpstreamError) =>
    JSON.stringify({ message: err.message, options: err.options, s: String(err) });

  it.each([
    [422, "invalid_request_error"],
    [401, "authentication_error"],
    [400, "invalid_request_error"],
  ])("%i whose message and code echo the key", async (status, type) => {
    fake.on(
      "POST",
      SUBMIT_PATH,
      foxError(status, type, `Key ${KEY} is not allowed to use this model (${KEY})`, `bad_key_${KEY}`),
    );
    const err = await failure(client().createTask({ model: "x" }));
    expect(everything(err)).not.toContain(KEY);
    if (status === 422)
      expect(err.message).toBe(
        "FoxAPI refused the request: Key [redacted] is not allowed to use this model ([redacted])",
      );
  });

  it("an error string echoing the key", async () => {
    fake.on("POST", SUBMIT_PATH, { status: 422, json: { error: `invalid token ${KEY}` } });
    const err = await failure(client().createTask({ model: "x" }));
    expect(err.message).toBe("FoxAPI refused the request: invalid token [redacted]");
  });

  it("a failed task whose error echoes the key", async () => {
    fake.on("GET", TASK_PATH, {
      json: foxTask({
        status: "failed",
        error: { code: "auth", message: `provider rejected ${KEY}`, type: "task_error" },
      }),
    });
    const task = await client().getTask(ID);
    expect(task.status).toBe("failed");
    expect(JSON.stringify(task)).not.toContain(KEY);
    expect(task.error?.message).toBe("provider rejected [redacted]");
  });
});

describe("uploadFile", () => {
  it("streams the body with its content type and returns the URL", async () => {
    fake.on("POST", "/v1/files/upload/stream", {
      json: {
        id: "file-1",
        filename: "clip.mp4",
        url: "https://cdn.foxapi.cc/uploads/clip.mp4",
        size: 11,
        created: 1,
      },
    });
    const bytes = new TextEncoder().encode("hello video");
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes);
        c.close();
      },
    });
    const file = await client().uploadFile(stream, "multipart/form-data; boundary=xyz");
    expect(file).toEqual({
      id: "file-1",
      url: "https://cdn.foxapi.cc/uploads/clip.mp4",
      filename: "clip.mp4",
      size: 11,
      createdAt: 1000,
    });
    expect(fake.requests[0]!.body).toBe("hello video");
    expect(fake.requests[0]!.headers["content-type"]).toBe("multipart/form-data; boundary=xyz");
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("413 is a rejection with file_too_large_error", async () => {
    fake.on("POST", "/v1/files/upload/stream", foxError(413, "file_too_large_error", "too big"));
    const err = await failure(client().uploadFile(new Blob(["x"]).stream(), "application/octet-stream"));
    expect(err.code).toBe("upstream_rejected");
    expect(err.options.upstreamCode).toBe("file_too_large_error");
    expect(fake.requests).toHaveLength(1);
  });

  it("refuses an answer whose URL is not http(s)", async () => {
    fake.on("POST", "/v1/files/upload/stream", { json: { id: "file-2", url: "javascript:alert(1)" } });
    const err = await failure(
      client().uploadFile(new Blob(["x"]).stream(), "multipart/form-data; boundary=b"),
    );
    expect(err.code).toBe("upstream_bad_response");
  });

  it("accepts the answer wrapped in data", async () => {
    fake.on("POST", "/v1/files/upload/stream", {
      json: { data: { id: "file-3", url: "https://cdn.foxapi.cc/u/x.png", filename: "x.png", size: 1 } },
    });
    const file = await client().uploadFile(new Blob(["x"]).stream(), "multipart/form-data; boundary=b");
    expect(file.url).toBe("https://cdn.foxapi.cc/u/x.png");
    expect(file.createdAt).toBeNull();
  });
});
