import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, test, vi } from "vitest";

/*
 * Next bundles the route handlers apart from the instrumentation hook that runs the background worker, so one
 * server process holds two copies of lib/tasks/index.ts. They must share one database handle: two SQLite
 * connections in one thread stall each other for the busy timeout and then fail. Each `vi.resetModules()` + import
 * below is one such copy.
 */

const saved = process.env.DATA_DIR;
afterEach(() => {
  process.env.DATA_DIR = saved;
});

const session = (id: string) => ({ id, createdAt: 1, expiresAt: 2, revokedAt: null });

async function freshCopy() {
  vi.resetModules();
  return import("./index");
}

test("two copies of the module share one database handle, and a write from one queues behind the other's transaction", async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "retake-shared-db-"));
  const routes = await freshCopy();
  const worker = await freshCopy();
  expect(routes.getTaskService).not.toBe(worker.getTaskService); // really two copies
  const db = routes.getDb();
  expect(worker.getDb()).toBe(db);

  // The worker's copy holds a write transaction across an await (as a lease claim does) while the routes' copy
  // writes: with one handle the write waits its turn and succeeds; with two it failed with SQLITE_BUSY.
  let release!: () => void;
  let inserted!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const inside = new Promise<void>((r) => (inserted = r));
  const transaction = db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto("sessions").values(session("a")).execute();
    inserted();
    await held;
  });
  await inside;
  const started = Date.now();
  setTimeout(release, 50);
  const write = worker.getDb().kysely.insertInto("sessions").values(session("b")).execute();
  await Promise.all([transaction, write]);
  expect(Date.now() - started).toBeLessThan(2_000);
  const rows = await db.kysely.selectFrom("sessions").select("id").orderBy("id").execute();
  expect(rows.map((r) => r.id)).toEqual(["a", "b"]);

  routes.resetTaskServiceForTests();
  await vi.waitFor(() => expect(db.closed).toBe(true));
  expect(worker.getDb()).not.toBe(db); // a closed handle is replaced, not handed out
  worker.resetTaskServiceForTests();
});
