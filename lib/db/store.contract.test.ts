import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createRateLimiter } from "../auth/rate-limit";
import { createSession, revokeSession, verifySession } from "../auth/session";
import { type Submissions, createSubmissions, utcDay } from "../tasks/submissions";
import { MIGRATIONS } from "../tasks/migrations";
import { POSTGRES_MIGRATIONS } from "./migrations";
import { type TaskRecord, TaskStore } from "../tasks/store";
import { UploadStore } from "../uploads/store";
import { type Db, openDb } from ".";
import { createTestSchema, requirePostgres, truncateAll } from "./testing";

/*
 * The store's contract: ONE suite, run against SQLite and against PostgreSQL. Whatever the service relies on
 * (tasks, submissions and idempotency keys, the daily cap, sessions, uploads, rate limits, leases) must hold on
 * both. "Replicas" are separate connections to the same database: separate pools on PostgreSQL; on SQLite, which
 * serves one process, the same connection.
 */

interface Engine {
  name: string;
  setup(): Promise<void>;
  /** A database for one test, empty. */
  fresh(): Promise<Db>;
  /** Another replica's connection to the database `fresh()` last returned. */
  replica(): Db;
  teardown(): Promise<void>;
}

function sqliteEngine(): Engine {
  let dir = "";
  let current: Db | undefined;
  return {
    name: "sqlite",
    setup: () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-contract-"));
      return Promise.resolve();
    },
    async fresh() {
      await current?.close();
      current = openDb({ file: path.join(dir, `${String(Date.now())}-${String(Math.random())}.db`) });
      return current;
    },
    replica: () => current!,
    async teardown() {
      await current?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresEngine(url: string): Engine {
  let schema: Awaited<ReturnType<typeof createTestSchema>> | undefined;
  let main: Db | undefined;
  return {
    name: "postgres",
    async setup() {
      schema = await createTestSchema(url);
      main = schema.open();
      await main.ready;
    },
    async fresh() {
      await truncateAll(main!);
      return main!;
    },
    replica: () => schema!.open(),
    async teardown() {
      await schema?.drop();
    },
  };
}

const pgUrl = requirePostgres();
const engines: Engine[] = [sqliteEngine(), ...(pgUrl ? [postgresEngine(pgUrl)] : [])];

const NOON = Date.UTC(2031, 4, 6, 12);

function task(id: string, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    model: "veo-3.1-extend",
    input: JSON.stringify({ model: "veo-3.1-extend", prompt: `Prompt of ${id}` }),
    status: "pending",
    rawStatus: "pending",
    progress: 0,
    resultUrl: null,
    errorCode: null,
    errorMessage: null,
    estimatedSeconds: 45,
    parentId: null,
    upstreamCreatedAt: null,
    createdAt: NOON,
    updatedAt: NOON,
    completedAt: null,
    checkedAt: NOON,
    sourceMeta: null,
    warnings: null,
    creditsReserved: null,
    groupId: null,
    take: null,
    favourite: 0,
    resultExpiresAt: null,
    archiveStatus: null,
    archivePath: null,
    archiveBytes: null,
    archiveError: null,
    archiveAttempts: 0,
    archiveNextAt: null,
    archivedAt: null,
    ...overrides,
  };
}

describe.each(engines)("store contract: $name", (engine) => {
  let db: Db;
  let tasks: TaskStore;
  let subs: Submissions;

  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());
  beforeEach(async () => {
    db = await engine.fresh();
    tasks = new TaskStore(db);
    subs = createSubmissions(db);
  });

  const reserve = (sessionId: string, key: string | null, hash: string, cap?: number, now = NOON) =>
    subs.reserve({ sessionId, key, hash, cap, now });

  describe("tasks", () => {
    it("round-trips every field exactly, numbers as numbers", async () => {
      const record = task("t-1", {
        resultUrl: "https://cdn.example/out.mp4",
        upstreamCreatedAt: 1_757_165_031_000,
        sourceMeta: JSON.stringify({ durationSeconds: 5, width: 1280, height: 720 }),
        warnings: JSON.stringify({ video_url: "Our server couldn't measure this clip." }),
        archiveBytes: 5_000_000_000,
        createdBy: "user-1",
        createdByName: "Ada Lovelace",
        creditsReserved: 12.5,
        groupId: "grp-1",
        take: 2,
      });
      await tasks.insert(record);
      expect(await tasks.get("t-1")).toEqual(record);
      await tasks.update("t-1", { status: "processing", progress: 40, checkedAt: NOON + 5 });
      expect(await tasks.get("t-1")).toEqual({
        ...record,
        status: "processing",
        progress: 40,
        checkedAt: NOON + 5,
      });
      expect(await tasks.get("nope")).toBeUndefined();
    });

    it("keeps FoxAPI's credits_reserved as a real number, unrounded; null when it didn't say", async () => {
      await tasks.insert(task("c-1"));
      expect((await tasks.get("c-1"))?.creditsReserved).toBeNull();
      await tasks.update("c-1", { creditsReserved: 0.35 });
      expect((await tasks.get("c-1"))?.creditsReserved).toBe(0.35);
      await tasks.update("c-1", { creditsReserved: Number.POSITIVE_INFINITY });
      expect((await tasks.get("c-1"))?.creditsReserved).toBeNull();
    });

    it("stores what an odd upstream sends on either engine: NULs dropped, out-of-range numbers made null", async () => {
      await tasks.insert(task("odd", { rawStatus: "pro\u0000cessing", estimatedSeconds: 1e300 }));
      await tasks.update("odd", { errorMessage: "bad\u0000thing", upstreamCreatedAt: 1e20, progress: 55.6 });
      expect(await tasks.get("odd")).toMatchObject({
        rawStatus: "processing",
        estimatedSeconds: null,
        errorMessage: "badthing",
        upstreamCreatedAt: null,
        progress: 56,
      });
    });

    it("lists newest first, keyset-paged, filtered by model, status and a prompt search (case-insensitive, literal % and _)", async () => {
      for (let i = 0; i < 5; i++)
        await tasks.insert(
          task(`t-${String(i)}`, {
            createdAt: NOON + i,
            status: i % 2 ? "processing" : "pending",
            input: JSON.stringify({ prompt: i === 3 ? "A Golden 100%_sunset" : `plain ${String(i)}` }),
          }),
        );
      const page1 = await tasks.list({ limit: 2 });
      expect(page1.map((t) => t.id)).toEqual(["t-4", "t-3"]);
      const page2 = await tasks.list({ limit: 2, cursor: { createdAt: NOON + 3, id: "t-3" } });
      expect(page2.map((t) => t.id)).toEqual(["t-2", "t-1"]);
      expect((await tasks.list({ limit: 10, status: "processing" })).map((t) => t.id)).toEqual([
        "t-3",
        "t-1",
      ]);
      expect((await tasks.list({ limit: 10, search: "golden" })).map((t) => t.id)).toEqual(["t-3"]);
      expect((await tasks.list({ limit: 10, search: "100%_" })).map((t) => t.id)).toEqual(["t-3"]);
      expect(await tasks.list({ limit: 10, search: "%" })).toHaveLength(1);
      expect(await tasks.list({ limit: 10, model: "other" })).toEqual([]);
    });

    it("favourites: set by update, listed alone (newest first, keyset-paged), a number on both engines", async () => {
      for (let i = 0; i < 4; i++) await tasks.insert(task(`f-${String(i)}`, { createdAt: NOON + i }));
      expect((await tasks.get("f-0"))?.favourite).toBe(0);
      await tasks.update("f-0", { favourite: 1 });
      await tasks.update("f-2", { favourite: 1 });
      expect((await tasks.get("f-2"))?.favourite).toBe(1);
      expect((await tasks.list({ limit: 10, favourite: true })).map((t) => t.id)).toEqual(["f-2", "f-0"]);
      const after = await tasks.list({
        limit: 10,
        favourite: true,
        cursor: { createdAt: NOON + 2, id: "f-2" },
      });
      expect(after.map((t) => t.id)).toEqual(["f-0"]);
      expect(await tasks.list({ limit: 10, favourite: false })).toHaveLength(4);
      await tasks.update("f-2", { favourite: 0 });
      expect((await tasks.list({ limit: 10, favourite: true })).map((t) => t.id)).toEqual(["f-0"]);
    });

    it("follows chains, finds unfinished tasks and results due for copying", async () => {
      await tasks.insert(task("a", { status: "completed", resultUrl: "https://x/a.mp4", completedAt: NOON }));
      await tasks.insert(task("b", { parentId: "a", createdAt: NOON + 1 }));
      await tasks.insert(task("c", { parentId: "b", createdAt: NOON + 2, status: "failed" }));
      expect((await tasks.ancestors("c")).map((t) => t.id)).toEqual(["b", "a"]);
      expect((await tasks.children("a")).map((t) => t.id)).toEqual(["b"]);
      expect((await tasks.unfinished()).map((t) => t.id)).toEqual(["b"]);
      expect((await tasks.archiveDue(NOON)).map((t) => t.id)).toEqual(["a"]);
      await tasks.update("a", { archiveStatus: "failed", archiveNextAt: NOON + 1000 });
      expect(await tasks.archiveDue(NOON)).toEqual([]);
      expect((await tasks.archiveDue(NOON + 1000)).map((t) => t.id)).toEqual(["a"]);
      // A copy in progress is not due while its lease runs; left "pending" by a dead replica, it is due again.
      expect(await tasks.acquireLease("archive", "a", "r1", NOON, 5000)).toBeDefined();
      await tasks.update("a", { archiveStatus: "pending", archiveNextAt: null });
      expect(await tasks.archiveDue(NOON + 4999)).toEqual([]);
      expect((await tasks.archiveDue(NOON + 5000)).map((t) => t.id)).toEqual(["a"]);
    });
  });

  describe("usage per person and model", () => {
    const DAY = Date.UTC(2031, 4, 6);
    async function person(id: string, name: string, email: string) {
      const at = new Date(NOON).toISOString();
      await db.kysely
        .insertInto("users")
        .values({
          id,
          name,
          email,
          emailVerified: db.engine === "postgres" ? true : 1,
          createdAt: at,
          updatedAt: at,
          role: "member",
        } as never)
        .execute();
    }

    it("counts tasks, sums credits_reserved where FoxAPI said, over [from, to), names from users", async () => {
      await person("u-ada", "Ada Lovelace", "ada@example.com");
      const kling = "kling-o3-video-to-video-edit";
      const by = (createdBy: string | null, createdByName: string | null) => ({ createdBy, createdByName });
      await tasks.insert(task("a1", { ...by("u-ada", "Ada"), creditsReserved: 12.5, createdAt: DAY }));
      await tasks.insert(task("a2", { ...by("u-ada", "Ada L."), creditsReserved: 0.35, createdAt: NOON }));
      await tasks.insert(task("a3", { ...by("u-ada", "Ada"), createdAt: DAY + 86_400_000 - 1 }));
      await tasks.insert(
        task("a4", { ...by("u-ada", "Ada"), model: kling, creditsReserved: 4, createdAt: NOON }),
      );
      // Someone whose users row is gone: the name they had then.
      await tasks.insert(task("g1", { ...by("u-gone", "Grace"), creditsReserved: 1, createdAt: NOON }));
      // Before accounts: nobody.
      await tasks.insert(task("n1", { createdAt: NOON }));
      // Outside the day on either side.
      await tasks.insert(task("early", { ...by("u-ada", "Ada"), creditsReserved: 100, createdAt: DAY - 1 }));
      await tasks.insert(
        task("late", { ...by("u-ada", "Ada"), creditsReserved: 100, createdAt: DAY + 86_400_000 }),
      );

      const rows = await tasks.usageByPerson(DAY, DAY + 86_400_000);
      const key = (r: { createdBy: string | null; model: string }) => `${r.createdBy ?? "-"}/${r.model}`;
      expect([...rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([
        {
          createdBy: null,
          createdByName: null,
          userName: null,
          userEmail: null,
          model: "veo-3.1-extend",
          tasks: 1,
          creditsReserved: 0,
          tasksWithCredits: 0,
        },
        {
          createdBy: "u-ada",
          createdByName: "Ada",
          userName: "Ada Lovelace",
          userEmail: "ada@example.com",
          model: kling,
          tasks: 1,
          creditsReserved: 4,
          tasksWithCredits: 1,
        },
        {
          createdBy: "u-ada",
          createdByName: "Ada L.",
          userName: "Ada Lovelace",
          userEmail: "ada@example.com",
          model: "veo-3.1-extend",
          tasks: 3,
          creditsReserved: 12.85,
          tasksWithCredits: 2,
        },
        {
          createdBy: "u-gone",
          createdByName: "Grace",
          userName: null,
          userEmail: null,
          model: "veo-3.1-extend",
          tasks: 1,
          creditsReserved: 1,
          tasksWithCredits: 1,
        },
      ]);
      const mine = await tasks.usageByPerson(DAY, DAY + 86_400_000, "u-gone");
      expect(mine.map((r) => [r.createdBy, r.tasks])).toEqual([["u-gone", 1]]);
      expect(await tasks.usageByPerson(DAY + 86_400_000 + 1, DAY + 2 * 86_400_000)).toEqual([]);
    });
  });

  describe("leases on the task row", () => {
    it("one holder at a time; it runs out on its own; release frees it; the holder may renew", async () => {
      await tasks.insert(task("l-1"));
      expect(await tasks.acquireLease("status", "l-1", "r1", NOON, 1000)).toMatchObject({ id: "l-1" });
      expect(await tasks.acquireLease("status", "l-1", "r2", NOON + 999, 1000)).toBeUndefined();
      expect(await tasks.acquireLease("status", "l-1", "r1", NOON + 10, 1000)).toBeDefined();
      // Status and archive leases are separate.
      expect(await tasks.acquireLease("archive", "l-1", "r2", NOON, 1000)).toBeDefined();
      expect(await tasks.acquireLease("status", "l-1", "r2", NOON + 1010, 1000)).toBeDefined();
      await tasks.releaseLease("status", "l-1", "r1"); // not the holder: nothing happens
      expect(await tasks.acquireLease("status", "l-1", "r3", NOON + 1020, 1000)).toBeUndefined();
      await tasks.releaseLease("status", "l-1", "r2");
      expect(await tasks.acquireLease("status", "l-1", "r3", NOON + 1020, 1000)).toBeDefined();
    });

    it("replicas racing for one lease: exactly one wins", async () => {
      await tasks.insert(task("l-race"));
      const replicas = Array.from({ length: 6 }, () => new TaskStore(engine.replica()));
      const wins = await Promise.all(
        replicas.map((r, i) => r.acquireLease("status", "l-race", `r${String(i)}`, NOON, 60_000)),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it("replicas sweeping together claim different tasks; a dead replica's claims are taken after they run out", async () => {
      for (let i = 0; i < 10; i++) await tasks.insert(task(`s-${String(i)}`, { createdAt: NOON + i }));
      await tasks.insert(task("s-done", { status: "completed" }));
      const [a, b] = [new TaskStore(engine.replica()), new TaskStore(engine.replica())];
      const [ca, cb] = await Promise.all([
        a.claimUnfinished("A", NOON, 60_000, 6),
        b.claimUnfinished("B", NOON, 60_000, 6),
      ]);
      const ids = [...ca, ...cb].map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(10);
      expect(ids).not.toContain("s-done");
      expect(await a.claimUnfinished("A", NOON + 1, 60_000, 10)).toEqual([]);
      // A dies; after its leases run out, B takes its tasks.
      const later = await b.claimUnfinished("B", NOON + 60_000, 60_000, 20);
      expect(later.map((t) => t.id).sort()).toEqual(ids.slice().sort());
    });
  });

  describe("change log (live results)", () => {
    it("every insert and update takes a new, growing number; changesSince resumes after one, oldest first, each task once", async () => {
      const seen: { taskId: string; seq: string }[] = [];
      tasks.onChange((c) => seen.push(c));
      expect(await tasks.maxChangeSeq()).toBe(0);
      await tasks.insert(task("c-1"));
      await tasks.insert(task("c-2"));
      const afterInserts = await tasks.maxChangeSeq();
      await tasks.update("c-1", { status: "processing", progress: 30 });
      await tasks.update("c-1", { progress: 60 });
      await tasks.update("c-2", { archiveStatus: "pending" });
      expect(seen.map((c) => c.taskId)).toEqual(["c-1", "c-2", "c-1", "c-1", "c-2"]);
      const seqs = seen.map((c) => Number(c.seq));
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(5);
      expect(await tasks.maxChangeSeq()).toBe(seqs.at(-1));

      // A reader that saw the inserts gets each changed task once, with its latest state, in change order.
      // (PostgreSQL also repeats rows changed in the last few seconds: commit order may differ from numbering.)
      const since = await tasks.changesSince(afterInserts, 100);
      const fresh = since.filter((r) => r.changeSeq > afterInserts);
      expect(fresh.map((r) => [r.id, r.progress, r.archiveStatus])).toEqual([
        ["c-1", 60, null],
        ["c-2", 0, "pending"],
      ]);
      expect(fresh.map((r) => r.changeSeq)).toEqual([seqs[3], seqs[4]]);
      expect(await tasks.changesSince(0, 1)).toHaveLength(1);
      if (engine.name === "sqlite") expect(await tasks.changesSince(seqs[4]!, 100)).toEqual([]);
    });

    it("a task created by a submit is numbered too, and announce() publishes its number", async () => {
      const seen: string[] = [];
      tasks.onChange((c) => seen.push(`${c.taskId}@${c.seq}`));
      const r = await reserve("s", "k", "h");
      await subs.recordCreated(r.kind === "new" ? r.submission.id : -1, task("c-sub"));
      const seq = await tasks.maxChangeSeq();
      expect(seq).toBeGreaterThan(0);
      await tasks.announce("c-sub");
      expect(seen).toEqual([`c-sub@${String(seq)}`]);
    });
  });

  describe("submissions and the daily cap", () => {
    it("a new key is reserved once; the same key and body is 'existing', a different body 'mismatch'", async () => {
      const first = await reserve("s1", "k", "h1");
      expect(first.kind).toBe("new");
      const again = await reserve("s1", "k", "h1");
      expect(again).toMatchObject({ kind: "existing" });
      expect(await reserve("s1", "k", "h2")).toMatchObject({ kind: "mismatch" });
      if (first.kind === "new" && again.kind === "existing")
        expect(again.submission.id).toBe(first.submission.id);
    });

    it("keys are per session, and requests without a key never match each other", async () => {
      expect((await reserve("s1", "k", "h1")).kind).toBe("new");
      expect((await reserve("s2", "k", "h2")).kind).toBe("new");
      expect((await reserve("s1", null, "h1")).kind).toBe("new");
      expect((await reserve("s1", null, "h1")).kind).toBe("new");
      expect(await subs.usedToday(NOON)).toBe(4);
    });

    it("the cap counts sending, created and unknown, not rejected; it is shared by every session", async () => {
      const ids: number[] = [];
      for (const s of ["a", "b", "c", "d"]) {
        const r = await reserve(s, null, "h", 4);
        expect(r.kind).toBe("new");
        if (r.kind === "new") ids.push(r.submission.id);
      }
      expect(await reserve("e", null, "h", 4)).toEqual({ kind: "over_cap", used: 4, cap: 4, scope: "team" });
      await subs.finish(ids[0]!, "created", "task-1", null);
      await subs.finish(ids[1]!, "unknown", null, { status: 504 });
      expect((await reserve("e", null, "h", 4)).kind).toBe("over_cap");
      await subs.finish(ids[2]!, "rejected", null, { status: 422 });
      expect((await reserve("e", null, "h", 4)).kind).toBe("new");
      expect((await reserve("f", null, "h", 4)).kind).toBe("over_cap");
    });

    it("a replay of an existing key is answered even when the cap is used up", async () => {
      expect((await reserve("s", "k", "h", 1)).kind).toBe("new");
      expect((await reserve("s", "other", "h", 1)).kind).toBe("over_cap");
      expect((await reserve("s", "k", "h", 1)).kind).toBe("existing");
    });

    it("a refused key is a fresh attempt when retried (counted again); an unknown one never is", async () => {
      const r = await reserve("s", "refused", "h", 2);
      if (r.kind !== "new") throw new Error("expected new");
      await subs.finish(r.submission.id, "rejected", null, { status: 402 });
      expect(await subs.usedToday(NOON)).toBe(0);
      const retry = await reserve("s", "refused", "h", 2, NOON + 1000);
      expect(retry.kind).toBe("new");
      if (retry.kind === "new") {
        expect(retry.submission.id).toBe(r.submission.id);
        expect(retry.submission).toMatchObject({ state: "sending", error: null, createdAt: NOON + 1000 });
      }
      expect(await subs.usedToday(NOON)).toBe(1);
      expect((await reserve("s", "refused", "h-other", 2)).kind).toBe("mismatch");
      const u = await reserve("s", "unknown", "h", 2);
      if (u.kind !== "new") throw new Error("expected new");
      await subs.finish(u.submission.id, "unknown", null, { status: 504 });
      expect(await reserve("s", "unknown", "h", 2)).toMatchObject({
        kind: "existing",
        submission: { state: "unknown" },
      });
    });

    it("the cap is per UTC day", async () => {
      const lastSecond = Date.UTC(2031, 4, 6, 23, 59, 59, 500);
      const midnight = Date.UTC(2031, 4, 7);
      expect((await reserve("s", null, "h", 1, lastSecond)).kind).toBe("new");
      expect((await reserve("s", null, "h", 1, lastSecond)).kind).toBe("over_cap");
      expect((await reserve("s", null, "h", 1, midnight)).kind).toBe("new");
      expect(utcDay(midnight)).toBe("2031-05-07");
    });

    it("recordCreated stores the task and marks the submission created together", async () => {
      const r = await reserve("s", "k", "h");
      if (r.kind !== "new") throw new Error("expected new");
      await subs.recordCreated(r.submission.id, task("made-1"));
      expect(await subs.get(r.submission.id)).toMatchObject({ state: "created", taskId: "made-1" });
      expect((await tasks.get("made-1"))?.id).toBe("made-1");
      // A second insert of the same id fails as a whole: the submission is not marked again.
      const r2 = await reserve("s", "k2", "h");
      if (r2.kind !== "new") throw new Error("expected new");
      await expect(subs.recordCreated(r2.submission.id, task("made-1"))).rejects.toThrow();
      expect((await subs.get(r2.submission.id))?.state).toBe("sending");
    });

    it("30 concurrent submits spread over replicas against a cap of 10 reserve exactly 10", async () => {
      const replicas = [subs, createSubmissions(engine.replica()), createSubmissions(engine.replica())];
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          replicas[i % replicas.length]!.reserve({
            sessionId: `s${String(i)}`,
            key: null,
            hash: "h",
            cap: 10,
            now: NOON,
          }),
        ),
      );
      expect(results.filter((r) => r.kind === "new")).toHaveLength(10);
      expect(results.filter((r) => r.kind === "over_cap")).toHaveLength(20);
      expect(await subs.usedToday(NOON)).toBe(10);
    });

    it("one Idempotency-Key sent to several replicas at once is reserved once", async () => {
      const replicas = [subs, createSubmissions(engine.replica()), createSubmissions(engine.replica())];
      const results = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          replicas[i % replicas.length]!.reserve({
            sessionId: "s",
            key: "same",
            hash: "h",
            cap: undefined,
            now: NOON,
          }),
        ),
      );
      expect(results.filter((r) => r.kind === "new")).toHaveLength(1);
      expect(results.filter((r) => r.kind === "existing")).toHaveLength(8);
    });

    it("property: whatever the sequence of submits and outcomes, a day never holds more than the cap", async () => {
      const op = fc.oneof(
        fc.record({
          t: fc.constant("reserve" as const),
          session: fc.constantFrom("a", "b"),
          key: fc.constantFrom(null, "k1", "k2", "k3"),
          hash: fc.constantFrom("h1", "h2"),
          at: fc.integer({ min: 0, max: 2 }),
        }),
        fc.record({
          t: fc.constant("finish" as const),
          which: fc.nat(),
          state: fc.constantFrom("created" as const, "rejected" as const, "unknown" as const),
        }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 4 }),
          fc.array(op, { maxLength: 25 }),
          async (cap, ops) => {
            const local = await engine.fresh();
            db = local;
            const s = createSubmissions(local);
            const reserved: number[] = [];
            const seen = new Map<string, { hash: string; id: number }>();
            for (const o of ops) {
              if (o.t === "finish") {
                if (reserved.length === 0) continue;
                const id = reserved[o.which % reserved.length]!;
                if ((await s.get(id))?.state === "sending") await s.finish(id, o.state, null, null);
                continue;
              }
              const now = NOON + o.at * 86_400_000;
              const r = await s.reserve({ sessionId: o.session, key: o.key, hash: o.hash, cap, now });
              const prior = o.key ? seen.get(`${o.session}/${o.key}`) : undefined;
              if (prior && prior.hash !== o.hash) expect(r.kind).toBe("mismatch");
              if (!prior) expect(["new", "over_cap"]).toContain(r.kind);
              if (r.kind === "existing" || r.kind === "mismatch") expect(r.submission.id).toBe(prior?.id);
              if (r.kind === "new") {
                if (!reserved.includes(r.submission.id)) reserved.push(r.submission.id);
                if (o.key) seen.set(`${o.session}/${o.key}`, { hash: o.hash, id: r.submission.id });
              }
            }
            for (let d = 0; d <= 2; d++)
              expect(await s.usedToday(NOON + d * 86_400_000)).toBeLessThanOrEqual(cap);
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe("sessions", () => {
    it("a session made through one replica is valid on another, until it expires or is revoked", async () => {
      const key = Buffer.alloc(32, 7);
      const other = engine.replica();
      const made = await createSession(db, key, NOON);
      expect(await verifySession(other, key, made.cookie, NOON + 1000)).toBe(made.id);
      expect(await verifySession(other, Buffer.alloc(32, 8), made.cookie, NOON + 1000)).toBeNull();
      expect(await verifySession(other, key, made.cookie, made.expiresAt)).toBeNull();
      await revokeSession(other, made.id, NOON + 2000);
      expect(await verifySession(db, key, made.cookie, NOON + 3000)).toBeNull();
    });
  });

  describe("uploads", () => {
    it("recent uploads newest first; expired ones are forgotten", async () => {
      const uploads = new UploadStore(db);
      const base = {
        upstreamId: "u",
        sessionId: "s",
        url: "https://files.example/x.mp4",
        filename: "x.mp4",
        contentType: "video/mp4",
        kind: "video" as const,
        size: 3_000_000_000,
        fingerprint: "f",
        meta: null,
      };
      await uploads.insert({ ...base, id: "up-old", createdAt: NOON, expiresAt: NOON + 100 });
      await uploads.insert({ ...base, id: "up-new", createdAt: NOON + 1, expiresAt: NOON + 1000 });
      expect((await uploads.recent(NOON + 10)).map((u) => u.id)).toEqual(["up-new", "up-old"]);
      expect(await uploads.recent(NOON + 100)).toEqual([
        { ...base, id: "up-new", createdAt: NOON + 1, expiresAt: NOON + 1000 },
      ]);
      const left = await db.kysely.selectFrom("uploads").select("id").execute();
      expect(left.map((u) => u.id)).toEqual(["up-new"]);
    });
  });

  describe("rate limits", () => {
    it("one limit shared by every replica: exactly N per window, then Retry-After to the window's end", async () => {
      // rate-limiter-flexible reads the clock itself (Date.now), so the test moves the clock, not a `now` option.
      vi.useFakeTimers({ toFake: ["Date"], now: NOON });
      try {
        const limiter = (d: Db) =>
          createRateLimiter({ name: "test", capacity: 3, refillPerSecond: 1, db: () => d });
        const here = limiter(db);
        const there = limiter(engine.replica());
        const takes = await Promise.all([here, there, here, there, here, there].map((l) => l.take("ip")));
        expect(takes.filter((t) => t.ok)).toHaveLength(3);
        // 3 takes per 3 s: the refused ones wait for the window that began with the first take to end.
        expect(takes.filter((t) => !t.ok)).toEqual(Array(3).fill({ ok: false, retryAfterSeconds: 3 }));
        expect(await here.take("other")).toEqual({ ok: true });
        // Another limiter's counter with the same key is its own.
        const other = createRateLimiter({ name: "test-2", capacity: 3, refillPerSecond: 1, db: () => db });
        expect(await other.take("ip")).toEqual({ ok: true });

        vi.setSystemTime(NOON + 2_500);
        expect(await there.take("ip")).toEqual({ ok: false, retryAfterSeconds: 1 });
        vi.setSystemTime(NOON + 3_000);
        expect(await there.take("ip")).toEqual({ ok: true });
        expect(await here.take("ip")).toEqual({ ok: true });
        expect(await there.take("ip")).toEqual({ ok: true });
        expect(await here.take("ip")).toEqual({ ok: false, retryAfterSeconds: 3 });

        // The counters live in the library's table in the shared database, not in the process.
        const rows = await sql<{ key: string }>`SELECT key FROM rate_limits_rlf ORDER BY key`.execute(
          db.kysely,
        );
        expect(rows.rows.map((r) => r.key)).toEqual(["test-2:ip", "test:ip", "test:other"]);
      } finally {
        vi.useRealTimers();
      }
    });

    it("a database failure is an error, never a free pass", async () => {
      const d = engine.replica();
      const limiter = createRateLimiter({ name: "test", capacity: 3, refillPerSecond: 1, db: () => d });
      expect(await limiter.take("ip")).toEqual({ ok: true });
      await d.close();
      await expect(limiter.take("ip")).rejects.toThrow();
    });

    it("refuses settings it cannot honour", () => {
      const db = () => {
        throw new Error("not reached");
      };
      expect(() => createRateLimiter({ name: "x", capacity: 0, refillPerSecond: 1, db })).toThrow(/capacity/);
      expect(() => createRateLimiter({ name: "x", capacity: 3, refillPerSecond: 0, db })).toThrow(
        /refillPerSecond/,
      );
      expect(() => createRateLimiter({ name: "x", capacity: 3, refillPerSecond: 2, db })).toThrow(
        /whole number of seconds/,
      );
    });
  });

  describe("migrations", () => {
    it("bring a new database to the current schema once, however many open it together", async () => {
      if (engine.name === "postgres") {
        const url = pgUrl!;
        const schema = await createTestSchema(url);
        try {
          const opened = Array.from({ length: 4 }, () => schema.open());
          await Promise.all(opened.map((d) => d.ready));
          const rows = await sql<{ version: number }>`SELECT version FROM schema_migrations`.execute(
            opened[0]!.kysely,
          );
          // Each migration recorded once, however many opened the database together.
          expect(rows.rows.map((r) => Number(r.version))).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
        } finally {
          await schema.drop();
        }
      } else {
        const file = path.join(os.tmpdir(), `retake-migrate-${String(process.pid)}-${String(Date.now())}.db`);
        try {
          const a = openDb({ file });
          const b = openDb({ file });
          const version = await sql<{ user_version: number }>`PRAGMA user_version`.execute(b.kysely);
          expect(Object.values(version.rows[0]!)[0]).toBe(MIGRATIONS.length);
          await a.close();
          await b.close();
        } finally {
          fs.rmSync(file, { force: true });
          fs.rmSync(`${file}-wal`, { force: true });
          fs.rmSync(`${file}-shm`, { force: true });
        }
      }
    });
  });
});
