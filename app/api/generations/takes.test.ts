import { describe, expect, it } from "vitest";
import {
  type App,
  type RequestOptions,
  params,
  read,
  request,
  setupApp,
  veoBody,
  klingBody,
} from "@/lib/testing/app-harness";
import { SUBMIT_PATH, TASK_PATH, foxError, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";
import * as usage from "../usage/route";

// Takes (issue 14): one request starts N tasks from the same form; the day's cap is all-or-nothing for them, with
// zero upstream calls when it can't hold the batch. Runs on SQLite, and on PostgreSQL with ROUTE_TESTS_ON_POSTGRES=1.

const app: App = setupApp({ quietErrors: true });
const submits = () => app.fake.requestsTo("POST", SUBMIT_PATH);
const post = (body: unknown, options: RequestOptions = {}) =>
  collection.POST(request("/api/generations", { body, ...options })).then(read);
const getUsage = () => usage.GET(request("/api/usage")).then(read);

/** The fake answers each submit with a new task id (and, when given, what it reserved). */
function numberedUpstream(reserved?: number) {
  let n = 0;
  app.fake.on("POST", SUBMIT_PATH, () => {
    n++;
    return {
      json: foxTask({
        id: `task-take-${String(n)}`,
        ...(reserved === undefined ? {} : { usage: { credits_reserved: reserved, user_group: "default" } }),
      }),
    };
  });
}

/** Exactly what FoxAPI receives for the harness's Veo body with this seed, key order included. */
const veoUpstream = (seed: number) =>
  JSON.stringify({
    model: "veo-3.1-extend",
    prompt: "The camera keeps panning across the valley",
    video_url: `${app.media.url}/clip.mp4`,
    aspect_ratio: "16:9",
    generate_audio: true,
    seed,
  });

interface Batch {
  groupId: string;
  tasks: {
    id: string;
    groupId: string;
    take: number;
    input: { seed?: number };
    creditsReserved: number | null;
  }[];
  failures: { take: number; code: string }[];
}

describe("POST /api/generations with takes", () => {
  it("3 Veo takes: exactly 3 upstream POSTs, each with its own random seed, one group", async () => {
    numberedUpstream();
    const res = await post({ ...veoBody(app), takes: 3 }, { idempotencyKey: "click-1" });
    expect(res.status).toBe(201);
    const sent = submits();
    expect(sent).toHaveLength(3);
    const seeds = sent.map((r) => (JSON.parse(r.body) as { seed: number }).seed);
    expect(new Set(seeds).size).toBe(3);
    for (const [i, r] of sent.entries()) {
      expect(r.body).toBe(veoUpstream(seeds[i]!));
      expect(r.headers.authorization).toMatch(/^Bearer /);
    }
    const batch = res.json as Batch;
    expect(batch.failures).toEqual([]);
    expect(batch.tasks.map((t) => t.take)).toEqual([1, 2, 3]);
    expect(new Set(batch.tasks.map((t) => t.groupId))).toEqual(new Set([batch.groupId]));
    expect(batch.tasks.map((t) => t.input.seed).sort()).toEqual([...seeds].sort());
  });

  it("with the form's seed set: seed, seed+1, seed+2", async () => {
    numberedUpstream();
    const res = await post({ ...veoBody(app), seed: 41, takes: 3 });
    expect(res.status).toBe(201);
    expect(
      submits()
        .map((r) => r.body)
        .sort(),
    ).toEqual([veoUpstream(41), veoUpstream(42), veoUpstream(43)]);
  });

  it("Kling has no seed: its takes are independent runs of the same body", async () => {
    numberedUpstream();
    const res = await post({ ...klingBody(app), takes: 2 });
    expect(res.status).toBe(201);
    const [a, b] = submits();
    expect(submits()).toHaveLength(2);
    expect(a!.body).toBe(b!.body);
    expect(a!.body).not.toContain("seed");
    expect((res.json as Batch).tasks).toHaveLength(2);
  });

  it("one take is the single submit as before: no seed added, no group", async () => {
    numberedUpstream();
    const res = await post({ ...veoBody(app), takes: 1 });
    expect(res.status).toBe(201);
    expect(submits()[0]!.body).not.toContain("seed");
    expect((res.json as Batch).tasks[0]!.groupId).toBeNull();
  });

  it("a repeated click (same Idempotency-Key) starts each take once and answers the same tasks", async () => {
    numberedUpstream();
    const body = { ...veoBody(app), takes: 3 };
    const [first, second] = await Promise.all([
      post(body, { idempotencyKey: "double" }),
      post(body, { idempotencyKey: "double" }),
    ]);
    const third = await post(body, { idempotencyKey: "double" });
    expect(submits()).toHaveLength(3);
    const ids = (r: typeof first) => (r.json as Batch).tasks.map((t) => t.id).sort();
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(ids(second)).toEqual(ids(first));
    expect(third.status).toBe(200);
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    expect(ids(third)).toEqual(ids(first));
  });

  it("the daily cap counts every take, and refuses a batch it can't hold with zero upstream calls", async () => {
    app.configure({ MAX_TASKS_PER_DAY: "5" });
    numberedUpstream();
    expect((await post({ ...veoBody(app), takes: 3 })).status).toBe(201);
    expect(submits()).toHaveLength(3);
    const refused = await post({ ...veoBody(app), prompt: "Three more", takes: 3 });
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe("daily_limit_reached");
    expect(refused.json.error.message).toMatch(/allows 2 more, not 3/);
    expect(submits()).toHaveLength(3);
    expect((await getUsage()).json.cap).toEqual({ limit: 5, used: 3, left: 2, scope: "team" });
    expect((await post({ ...veoBody(app), prompt: "Two more", takes: 2 })).status).toBe(201);
    expect(submits()).toHaveLength(5);
    const last = await post({ ...veoBody(app), prompt: "One more", takes: 1 });
    expect(last.status).toBe(429);
    expect(last.json.error.message).toMatch(/used up/);
    expect(submits()).toHaveLength(5);
  });

  it.each([0, 5, 2.5, "3"])("takes = %j is refused before anything is sent", async (takes) => {
    numberedUpstream();
    const res = await post({ ...veoBody(app), takes });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("invalid_request");
    expect(submits()).toHaveLength(0);
  });

  it("one take refused upstream doesn't undo the others: the answer lists both", async () => {
    app.fake.enqueue("POST", SUBMIT_PATH, foxError(402, "insufficient_quota", "balance too low"));
    numberedUpstream();
    const res = await post({ ...veoBody(app), takes: 3 });
    expect(res.status).toBe(201);
    const batch = res.json as Batch;
    expect(batch.tasks).toHaveLength(2);
    expect(batch.failures).toHaveLength(1);
    expect(batch.failures[0]!.code).toBe("insufficient_credit");
  });
});

describe("GET /api/usage: the day's totals", () => {
  it("counts the team's tasks, sums what FoxAPI reserved, and applies the operator's prices", async () => {
    app.configure({
      PRICE_TABLE: JSON.stringify({ "veo-3.1-extend": { per: "task", price: 2.5 } }),
      PRICE_UNIT: "USD",
    });
    numberedUpstream(12.5);
    await post({ ...veoBody(app), takes: 2 });
    const res = await getUsage();
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      unit: "USD",
      team: { tasks: 2, creditsReserved: 25, reservedTasks: 2, estimated: 5 },
      cap: null,
    });
    expect(res.json.day).toBe(new Date().toISOString().slice(0, 10));
    expect(res.json.recent).toEqual([
      {
        key: "veo-3.1-extend;aspect_ratio=16:9;generate_audio=true",
        model: "veo-3.1-extend",
        creditsReserved: 12.5,
        runs: 2,
      },
    ]);
    expect(res.json).not.toHaveProperty("mine");
  });

  it("with no price table and nothing reserved: zeros, estimated null", async () => {
    numberedUpstream();
    await post(veoBody(app));
    expect((await getUsage()).json.team).toEqual({
      tasks: 1,
      creditsReserved: 0,
      reservedTasks: 0,
      estimated: null,
    });
  });
});

describe("credits_reserved on a task", () => {
  it("from the submit answer, then kept up to date from the status answers", async () => {
    numberedUpstream(5);
    const created = await post(veoBody(app));
    expect(created.json.creditsReserved).toBe(5);
    app.fake.on("GET", TASK_PATH, {
      json: foxTask({
        id: "task-take-1",
        status: "processing",
        progress: 30,
        usage: { credits_reserved: 7.5 },
      }),
    });
    const read1 = await item
      .GET(request("/api/generations/task-take-1"), params("id", "task-take-1"))
      .then(read);
    expect(read1.json).toMatchObject({ status: "processing", creditsReserved: 7.5 });
    // A status answer that doesn't say keeps what was known.
    app.fake.on("GET", TASK_PATH, {
      json: foxTask({ id: "task-take-1", status: "processing", progress: 60 }),
    });
    await new Promise((r) => setTimeout(r, 5));
    const read2 = await item
      .GET(request("/api/generations/task-take-1"), params("id", "task-take-1"))
      .then(read);
    expect(read2.json.creditsReserved).toBe(7.5);
    expect(app.fake.requestsTo("GET", TASK_PATH).length).toBeGreaterThanOrEqual(1);
  });
});
