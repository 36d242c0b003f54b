import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDb } from "../db";
import { createTestSchema, requirePostgres } from "../db/testing";
import type { FoxClient } from "../foxapi/client";
import type { NormalizedTask } from "../foxapi/normalize";
import { type ApiError } from "../api/errors";
import type { Archiver } from "./archive";
import { createTaskService } from "./service";
import { TaskStore } from "./store";

/*
 * Several replicas act as one: two task services (two "processes", each with its own in-process maps) over one
 * database, a fake upstream that counts its calls. Run on SQLite (one connection, as one machine runs it) and on
 * PostgreSQL (a pool per replica).
 */

const body = { model: "veo-3.1-extend", prompt: "Keep panning", video_url: "https://example.com/a.mp4" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeUpstream() {
  const calls = { create: 0, status: 0 };
  let n = 0;
  let status: NormalizedTask["status"] = "processing";
  const task = (id: string, s: NormalizedTask["status"]): NormalizedTask => ({
    id,
    model: "veo-3.1-extend",
    status: s,
    rawStatus: s,
    progress: s === "completed" ? 100 : 10,
    createdAt: null,
    estimatedSeconds: 60,
    resultUrl: s === "completed" ? `https://cdn.example/${id}.mp4` : null,
    error: null,
    creditsReserved: null,
  });
  const client: FoxClient = {
    async createTask() {
      calls.create++;
      await sleep(30);
      return task(`task-r-${String(++n)}`, "pending");
    },
    async getTask(id) {
      calls.status++;
      await sleep(80);
      return task(id, status);
    },
    uploadFile: () => Promise.reject(new Error("not used")),
  };
  return { client, calls, complete: () => (status = "completed") };
}

interface Setup {
  open(): Db;
  close(): Promise<void>;
}

const pgUrl = requirePostgres();
const engines: { name: string; make: () => Promise<Setup> }[] = [
  {
    name: "sqlite",
    make: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-replicas-"));
      const db = openDb({ file: path.join(dir, "retake.db") });
      return Promise.resolve({
        open: () => db,
        close: async () => {
          await db.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      });
    },
  },
  ...(pgUrl
    ? [
        {
          name: "postgres",
          make: async () => {
            const schema = await createTestSchema(pgUrl);
            return { open: () => schema.open(), close: () => schema.drop() };
          },
        },
      ]
    : []),
];

describe.each(engines)("two replicas over $name", ({ make }) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await make();
  });
  afterAll(() => setup.close());

  function replicas(options: { cap?: number; archiver?: Archiver } = {}) {
    const upstream = fakeUpstream();
    const services = [0, 1].map(() =>
      createTaskService({
        store: new TaskStore(setup.open()),
        client: upstream.client,
        minIntervalMs: 2_000,
        maxTasksPerDay: options.cap,
        archiver: options.archiver,
      }),
    );
    return { ...upstream, services, a: services[0]!, b: services[1]! };
  }

  // Each test starts from empty tables: the cap counts the day's submits, a sweep every unfinished task.
  beforeEach(async () => {
    const db = setup.open();
    await db.ready;
    for (const table of ["tasks", "submissions", "sessions", "uploads"] as const)
      await db.kysely.deleteFrom(table).execute();
  });

  it("20 viewers split over both replicas cost one upstream status call per interval", async () => {
    const r = replicas();
    const { task } = await r.a.submit(body);
    // Stale, so the next poll asks.
    await new TaskStore(setup.open()).update(task.id, { checkedAt: Date.now() - 60_000 });
    const views = await Promise.all(
      Array.from({ length: 20 }, (_, i) => r.services[i % 2]!.refresh(task.id)),
    );
    expect(r.calls.status).toBe(1);
    expect(views.every((v) => v.id === task.id)).toBe(true);
    // Right after, every viewer on either replica is served the fresh stored status.
    await Promise.all(Array.from({ length: 20 }, (_, i) => r.services[i % 2]!.refresh(task.id)));
    expect(r.calls.status).toBe(1);
  });

  it("both replicas sweeping at once ask about each unfinished task once", async () => {
    const r = replicas();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await r.a.submit({ ...body, prompt: `p${String(i)}` })).task.id);
    const store = new TaskStore(setup.open());
    for (const id of ids) await store.update(id, { checkedAt: Date.now() - 60_000 });
    const before = r.calls.status;
    await Promise.all([r.a.sweep(), r.b.sweep()]);
    expect(r.calls.status - before).toBe(6);
  });

  it("30 concurrent submits over both replicas with a cap of 10 make exactly 10 upstream submits", async () => {
    const r = replicas({ cap: 10 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        r.services[i % 2]!.submit({ ...body, prompt: `cap ${String(i)}` }, { sessionId: `s${String(i)}` }),
      ),
    );
    expect(r.calls.create).toBe(10);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(10);
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as ApiError] : []));
    expect(refused.map((e) => e.code)).toEqual(Array(20).fill("daily_limit_reached"));
  });

  it("one Idempotency-Key sent to both replicas at once reaches the upstream once", async () => {
    const r = replicas();
    const outcomes = await Promise.allSettled([
      r.a.submit(body, { idempotencyKey: "same-key" }),
      r.b.submit(body, { idempotencyKey: "same-key" }),
    ]);
    expect(r.calls.create).toBe(1);
    const ok = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    expect(ok.length).toBeGreaterThanOrEqual(1);
    // The other replica either replays the answer or says it is still being sent; never a second task.
    for (const o of outcomes)
      if (o.status === "rejected") expect((o.reason as ApiError).code).toBe("submit_in_progress");
    const again = await r.b.submit(body, { idempotencyKey: "same-key" });
    expect(again.replayed).toBe(true);
    expect(r.calls.create).toBe(1);
  });

  it("a completed result is copied exactly once, whichever replicas notice it", async () => {
    let copies = 0;
    const archiver: Archiver = {
      async store(id) {
        copies++;
        await sleep(100);
        return { path: `results/${id}.mp4`, bytes: 1 };
      },
    };
    const r = replicas({ archiver });
    const { task } = await r.a.submit(body);
    r.complete();
    await new TaskStore(setup.open()).update(task.id, { checkedAt: Date.now() - 60_000 });
    await Promise.all([r.a.refresh(task.id), r.b.refresh(task.id)]);
    await Promise.all([r.a.archive(task.id), r.b.archive(task.id), r.a.sweep(), r.b.sweep()]);
    await sleep(150);
    await Promise.all([r.a.archive(task.id), r.b.archive(task.id)]);
    expect(copies).toBe(1);
    expect((await r.b.get(task.id)).storage).toBe("stored");
  });
});
