import { describe, expect, it } from "vitest";
import { type Answer, KEY, params, read, request, setupApp } from "@/lib/testing/app-harness";
import { SUBMIT_PATH, TASK_PATH, foxError, foxTask } from "@/lib/testing/fake-foxapi";
import { KLING_SEED_JSON, VEO_SEED_JSON } from "@/lib/testing/seeds";
import * as collection from "./route";
import * as item from "./[id]/route";
import * as video from "./[id]/video/route";

const OUT = "https://cdn.foxapi.cc/out/result.mp4";

const app = setupApp({ quietErrors: true });

/** A POST as a plain API client sends it (no browser Origin), unless other headers are given. */
const post = (body: unknown, headers: Record<string, string> = { "Content-Type": "application/json" }) =>
  collection.POST(request("/api/generations", { body, headers })).then(read);
const list = (query = "") => collection.GET(request(`/api/generations${query}`)).then(read);
const getTask = (id: string) =>
  item.GET(request(`/api/generations/${encodeURIComponent(id)}`), params("id", id)).then(read);

/** Submits the Veo seed through the route, the fake answering with a task of this id. */
async function submitTask(id: string, body: string = VEO_SEED_JSON) {
  app.fake.enqueue("POST", SUBMIT_PATH, {
    json: foxTask({ id, model: (JSON.parse(body) as { model: string }).model }),
  });
  const res = await post(body);
  expect(res.status).toBe(201);
  return res.json as { id: string };
}

const taskGets = () => app.fake.requestsTo("GET", TASK_PATH);

describe("POST /api/generations", () => {
  it.each([
    ["kling", KLING_SEED_JSON],
    ["veo", VEO_SEED_JSON],
  ])("the %s seed reaches FoxAPI byte for byte, with the server's bearer key", async (_name, seed) => {
    app.fake.on("POST", SUBMIT_PATH, {
      json: foxTask({ id: "task-unified-1-abc", model: JSON.parse(seed).model as string }),
    });
    const res = await post(seed);
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.json).toMatchObject({
      id: "task-unified-1-abc",
      model: JSON.parse(seed).model as string,
      status: "pending",
      progress: 0,
      estimatedSeconds: 45,
      videoUrl: null,
      error: null,
    });
    expect(app.fake.requests).toHaveLength(1);
    const sent = app.fake.requests[0]!;
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe("/v1/videos/generations");
    expect(sent.body).toBe(seed);
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    // Recorded the moment it was created.
    expect((await list()).json.tasks.map((t: { id: string }) => t.id)).toEqual(["task-unified-1-abc"]);
  });

  it("never forwards our own or unknown keys upstream", async () => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-x" }) });
    const res = await post({
      ...(JSON.parse(VEO_SEED_JSON) as object),
      parent_task_id: "task-0",
      callback_url: "https://x.example",
    });
    expect(res.status).toBe(201);
    expect(app.fake.requests[0]!.body).toBe(VEO_SEED_JSON);
  });

  it.each([
    ["empty prompt", { ...(JSON.parse(VEO_SEED_JSON) as object), prompt: "" }, "prompt"],
    [
      "javascript: video",
      { ...(JSON.parse(VEO_SEED_JSON) as object), video_url: "javascript:alert(1)" },
      "video_url",
    ],
    [
      "safety_tolerance 7",
      { ...(JSON.parse(VEO_SEED_JSON) as object), safety_tolerance: 7 },
      "safety_tolerance",
    ],
    ["seed 1.5", { ...(JSON.parse(VEO_SEED_JSON) as object), seed: 1.5 }, "seed"],
    ["unknown model", { ...(JSON.parse(VEO_SEED_JSON) as object), model: "sora-2" }, "model"],
    [
      "@Element2 with 1 element",
      { ...(JSON.parse(KLING_SEED_JSON) as object), prompt: "@Element2 on @Video1" },
      "prompt",
    ],
    [
      "5 images and elements",
      {
        ...(JSON.parse(KLING_SEED_JSON) as object),
        image_urls: ["1", "2", "3", "4"].map((n) => `https://e.com/${n}.jpg`),
      },
      "elements",
    ],
    ["bad resolution", { ...(JSON.parse(KLING_SEED_JSON) as object), resolution: "4k" }, "resolution"],
  ])("%s → 422 with fields, and zero upstream requests", async (_name, body, field) => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(body);
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("invalid_request");
    expect(Object.keys(res.json.error.fields as object)).toContain(field);
    expect(typeof res.json.error.fields[field]).toBe("string");
    expect(app.fake.requests).toHaveLength(0);
  });

  it.each([
    ["not JSON", "{oops", { "Content-Type": "application/json" }, 400, "invalid_json"],
    ["not declared as JSON", VEO_SEED_JSON, { "Content-Type": "text/plain" }, 415, "unsupported_media_type"],
    [
      "too large",
      JSON.stringify({ prompt: "x".repeat(70_000) }),
      { "Content-Type": "application/json" },
      413,
      "body_too_large",
    ],
  ])("a body %s → %i, zero upstream requests", async (_name, body, headers, status, code) => {
    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(app.fake.requests).toHaveLength(0);
  });

  const echo = `Key ${KEY} rejected`;
  it.each([
    [
      401,
      foxError(401, "authentication_error", echo, `invalid_${KEY}`),
      502,
      "upstream_auth_failed",
      /server's API key/,
    ],
    [
      402,
      foxError(402, "insufficient_quota", echo, "insufficient_quota"),
      402,
      "insufficient_credit",
      /out of credit/,
    ],
    [
      422,
      foxError(
        422,
        "invalid_request_error",
        "unsupported_advanced_options: no channel supports seed",
        "unsupported_advanced_options",
      ),
      422,
      "upstream_rejected",
      /^FoxAPI refused the request: unsupported_advanced_options: no channel supports seed$/,
    ],
    [
      422,
      foxError(422, "invalid_request_error", echo),
      422,
      "upstream_rejected",
      /Key \[redacted\] rejected/,
    ],
    [
      422,
      foxError(422, "service_unavailable_error", echo),
      503,
      "upstream_unavailable",
      /Key \[redacted\] rejected/,
    ],
    [
      429,
      foxError(429, "rate_limit_error", echo, undefined, { "Retry-After": "7" }),
      429,
      "rate_limited",
      /rate-limiting/,
    ],
    [500, foxError(500, "server_error", echo), 502, "upstream_error", /internal error/],
    [503, foxError(503, "service_unavailable_error", echo), 503, "upstream_unavailable", /no channel/],
    [400, foxError(400, "invalid_request_error", echo), 502, "upstream_bad_request", /bug in Retake/],
  ])("upstream %i → our %i (%s), one request, nothing recorded", async (_u, reply, status, code, message) => {
    app.fake.on("POST", SUBMIT_PATH, reply);
    const res = await post(VEO_SEED_JSON);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.message).toMatch(message);
    expect(res.headers.get("cache-control")).toBe("no-store");
    if (status === 429) expect(res.headers.get("retry-after")).toBe("7");
    else expect(res.headers.get("retry-after")).toBeNull();
    expect(app.fake.requests).toHaveLength(1);
    expect((await list()).json.tasks).toEqual([]);
  });

  it("passes the upstream's own error code along", async () => {
    app.fake.on(
      "POST",
      SUBMIT_PATH,
      foxError(422, "invalid_request_error", "seed unsupported", "unsupported_advanced_options"),
    );
    const res = await post(VEO_SEED_JSON);
    expect(res.json.error.upstreamCode).toBe("unsupported_advanced_options");
  });
});

describe("GET /api/generations", () => {
  it("lists newest first and pages with nextCursor, without asking upstream", async () => {
    // Ids sort the other way round from creation, so only created_at can give this order.
    const ids = ["task-e", "task-d", "task-c", "task-b", "task-a"];
    for (const id of ids) {
      await submitTask(id);
      await new Promise((r) => setTimeout(r, 3));
    }
    const newestFirst = [...ids].reverse();

    const first = await list("?limit=2");
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.json.tasks.map((t: { id: string }) => t.id)).toEqual(newestFirst.slice(0, 2));
    expect(typeof first.json.nextCursor).toBe("string");

    const second = await list(`?limit=2&cursor=${encodeURIComponent(first.json.nextCursor as string)}`);
    expect(second.json.tasks.map((t: { id: string }) => t.id)).toEqual(newestFirst.slice(2, 4));

    const third = await list(`?limit=2&cursor=${encodeURIComponent(second.json.nextCursor as string)}`);
    expect(third.json.tasks.map((t: { id: string }) => t.id)).toEqual(newestFirst.slice(4));
    expect(third.json.nextCursor).toBeNull();

    expect((await list()).json.tasks.map((t: { id: string }) => t.id)).toEqual(newestFirst);
    expect(taskGets()).toHaveLength(0);
  });

  it("filters by model and prompt text", async () => {
    await submitTask("task-veo");
    await submitTask("task-kling", KLING_SEED_JSON);
    const kling = await list("?model=kling-o3-video-to-video-edit");
    expect(kling.json.tasks.map((t: { id: string }) => t.id)).toEqual(["task-kling"]);
    const q = await list(`?q=${encodeURIComponent("continues to pan")}`);
    expect(q.json.tasks.map((t: { id: string }) => t.id)).toEqual(["task-veo"]);
  });

  it.each([
    ["?cursor=not-a-cursor", "invalid_cursor"],
    ["?model=sora-2", "invalid_filter"],
    ["?status=exploded", "invalid_filter"],
  ])("%s → 400 %s", async (query, code) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe(code);
  });
});

describe("GET /api/generations/{id}", () => {
  it("refreshes from FoxAPI with sync_upstream and answers no-store", async () => {
    const { id } = await submitTask("task-unified-77-run");
    app.fake.on("GET", TASK_PATH, { json: foxTask({ id, status: "processing", progress: 40 }) });
    const res = await getTask(id);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.json).toMatchObject({ id, status: "processing", progress: 40 });
    expect(taskGets().map((r) => r.url)).toEqual([`/v1/tasks/${id}?sync_upstream=true`]);
    expect(taskGets()[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("concurrent GETs for one task make one upstream call", async () => {
    const { id } = await submitTask("task-unified-78-run");
    app.fake.on("GET", TASK_PATH, {
      json: foxTask({ id, status: "processing", progress: 55 }),
      delayMs: 100,
    });
    const answers = await Promise.all(Array.from({ length: 6 }, () => getTask(id)));
    for (const a of answers) expect(a.json).toMatchObject({ id, status: "processing", progress: 55 });
    expect(taskGets()).toHaveLength(1);
  });

  it("STATUS_MIN_INTERVAL_MS throttles upstream reads", async () => {
    app.configure({ STATUS_MIN_INTERVAL_MS: "60000" });
    const { id } = await submitTask("task-unified-79-run");
    app.fake.on("GET", TASK_PATH, { json: foxTask({ id, status: "processing", progress: 10 }) });
    const res = await getTask(id);
    expect(res.json).toMatchObject({ id, status: "pending" });
    expect(taskGets()).toHaveLength(0);
  });

  it("a completed task serves its video through our own URL, and is not read again", async () => {
    const { id } = await submitTask("task-unified-80-done");
    app.fake.on("GET", TASK_PATH, {
      json: foxTask({ id, status: "completed", progress: 100, results: [{ url: OUT }] }),
    });
    const done = await getTask(id);
    expect(done.json).toMatchObject({
      status: "completed",
      progress: 100,
      videoUrl: `/api/generations/${id}/video`,
      upstreamResultUrl: OUT,
    });
    expect((await getTask(id)).json.status).toBe("completed");
    expect(taskGets()).toHaveLength(1);

    const redirect = await video.GET(request(`/api/generations/${id}/video`), params("id", id));
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe(OUT);
  });

  it("a task that fails upstream shows the upstream's message", async () => {
    const { id } = await submitTask("task-unified-81-fail");
    const message = "The video was rejected by the provider's content policy: violence.";
    app.fake.on("GET", TASK_PATH, {
      json: foxTask({
        id,
        status: "failed",
        progress: 100,
        error: { code: "generation_failed", message, type: "task_error" },
      }),
    });
    const res = await getTask(id);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: "failed",
      error: { code: "generation_failed", message },
      videoUrl: null,
    });
    await getTask(id);
    expect(taskGets()).toHaveLength(1);
  });

  it("a task FoxAPI no longer knows becomes failed", async () => {
    const { id } = await submitTask("task-unified-82-gone");
    app.fake.on("GET", TASK_PATH, foxError(404, "not_found", "Task not found"));
    const res = await getTask(id);
    expect(res.json).toMatchObject({ status: "failed", error: { code: "task_not_found" } });
  });

  it("an upstream error while refreshing maps to our status, and the key stays out", async () => {
    const { id } = await submitTask("task-unified-83-busy");
    app.fake.on(
      "GET",
      TASK_PATH,
      foxError(429, "rate_limit_error", `slow down ${KEY}`, undefined, { "Retry-After": "0" }),
    );
    const res = await getTask(id);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(taskGets()).toHaveLength(3);
    // The stored task is untouched.
    expect((await list()).json.tasks[0]).toMatchObject({ id, status: "pending" });
  });

  it.each(["../etc/passwd", "a/b", "a b", "x".repeat(200), "..", "task?x=1", "", "task-unified-never-made"])(
    "id %j answers 404 without an upstream request",
    async (id) => {
      const res = await getTask(id);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("task_not_found");
      expect(app.fake.requests).toHaveLength(0);
    },
  );
});

describe("simulator mode (no key)", () => {
  it("runs a task to completion through the real client", async () => {
    app.configure({ FOXAPI_API_KEY: undefined, SIMULATOR_DURATION_MS: "600" });
    const created = await post(KLING_SEED_JSON);
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(id).toMatch(/^sim-/);
    expect(created.json.status).toBe("pending");

    const statuses: string[] = [];
    const progress: number[] = [];
    const deadline = Date.now() + 5000;
    let last: Answer | undefined;
    while (Date.now() < deadline) {
      last = await getTask(id);
      expect(last.status).toBe(200);
      statuses.push(last.json.status as string);
      progress.push(last.json.progress as number);
      if (last.json.status === "completed" || last.json.status === "failed") break;
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(last?.json).toMatchObject({
      status: "completed",
      progress: 100,
      videoUrl: `/api/generations/${id}/video`,
    });
    expect(statuses).toContain("processing");
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(last?.json.upstreamResultUrl).toMatch(/^\/api\/simulator\/files\/result-16x9\.mp4\?task=/);
    expect(app.fake.requests).toHaveLength(0);
  });

  it("validates exactly as with a key", async () => {
    app.configure({ FOXAPI_API_KEY: undefined, SIMULATOR_DURATION_MS: "600" });
    const res = await post({ ...(JSON.parse(VEO_SEED_JSON) as object), seed: -1 });
    expect(res.status).toBe(422);
    expect(res.json.error.fields.seed).toMatch(/negative/);
  });

  it("shows the simulated failure path", async () => {
    app.configure({ FOXAPI_API_KEY: undefined, SIMULATOR_DURATION_MS: "600" });
    const res = await post({ ...(JSON.parse(VEO_SEED_JSON) as object), prompt: "pan [sim:402]" });
    expect(res.status).toBe(402);
    expect(res.json.error.code).toBe("insufficient_credit");
  });
});
