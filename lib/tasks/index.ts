import "server-only";
import path from "node:path";
import { getEnv } from "../env";
import { getFoxClient } from "../foxapi";
import { isLoopbackHost } from "../net/loopback";
import { guardedFetch } from "../net/guarded-fetch";
import { isSimulatorResultUrl, openSimulatorResult } from "../simulator/files";
import { createRateLimiter } from "../auth/rate-limit";
import { type Db, openDb } from "../db";
import { getStorage, resetStorageForTests } from "../storage";
import { type ResultSource, createArchiver } from "./archive";
import { createImageProber, createProbeCheck, createVideoProber } from "../media";
import { type MediaChecker, createMediaChecker, thenCheck } from "./media-check";
import { type TaskService, createTaskService } from "./service";
import { TaskStore } from "./store";

let service: TaskService | undefined;
/**
 * Set by the background worker: a server process follows running tasks itself (tests drive refreshes instead).
 * Process-wide: the route handlers' copy of this module (Next bundles them apart from the instrumentation hook
 * that starts the worker) follows the tasks it submits too.
 */
const FOLLOW = Symbol.for("retake.followTasks");
const SHUTDOWN_HOOKS = Symbol.for("retake.shutdownHooks");
/**
 * The process's one database handle, shared by every copy of this module (Next bundles the route handlers apart
 * from the instrumentation hook that runs the worker). Two SQLite connections in one thread can deadlock each other
 * for the busy timeout: a write on one waits, blocking the thread, for a transaction on the other that can only
 * commit once the thread is free. Then it fails, and a lease it was releasing could stay held for a whole lease.
 * One handle means one Kysely, whose connection mutex queues them instead (and one pg pool, not two).
 */
const DB = Symbol.for("retake.db");
const shared = globalThis as { [FOLLOW]?: boolean; [DB]?: Db };
let store: TaskStore | undefined;

/** The process's database: PostgreSQL when DATABASE_URL is set, else SQLite's `retake.db` in DATA_DIR. */
export function getDb(): Db {
  const open = shared[DB];
  if (open && !open.closed) return open;
  const env = getEnv();
  const db = openDb({
    databaseUrl: env.DATABASE_URL,
    file: path.join(env.dataDir, "retake.db"),
    maxConnections: env.DATABASE_POOL_SIZE,
  });
  shared[DB] = db;
  return db;
}

export function getTaskStore(): TaskStore {
  store ??= new TaskStore(getDb());
  return store;
}

/** Loopback media is acceptable only when the upstream itself is on loopback: the simulator or a local fake. */
function upstreamOnLoopback(): boolean {
  const env = getEnv();
  return env.simulator || isLoopbackHost(new URL(env.FOXAPI_BASE_URL).hostname);
}

/**
 * Where result videos are read from: the simulator's own links from its files, everything else through the one
 * guarded client (loopback allowed only when the upstream itself is on loopback, as a fake FoxAPI in tests is).
 */
function resultSource(): ResultSource {
  const env = getEnv();
  const allowLoopback = upstreamOnLoopback();
  return async (url, { timeoutMs, maxBytes }) => {
    if (env.simulator && isSimulatorResultUrl(url))
      return { body: openSimulatorResult(url), contentType: "video/mp4" };
    const res = await guardedFetch(url, { allowLoopback, timeoutMs, maxBytes });
    if (res.status < 200 || res.status >= 300) {
      res.body.destroy();
      throw new Error(`The result link answered HTTP ${String(res.status)}.`);
    }
    return { body: res.body, contentType: res.headers["content-type"] ?? null };
  };
}

/**
 * Every media link is checked before anything is spent: first that it answers with the right kind of file
 * (media-check.ts), then the source clip's header is read by Range requests and judged against the model's rules
 * (lib/media: duration, size, aspect, container). A link the first check refused is not probed; one that can't be
 * probed goes through with a warning. Probes are cached per URL for a burst, so takes and retries probe once.
 */
function mediaChecks(): MediaChecker {
  const guard = { allowLoopback: upstreamOnLoopback() };
  return thenCheck(
    createMediaChecker(guard),
    createProbeCheck({ probe: createVideoProber({ guard }), probeImage: createImageProber({ guard }) }),
  );
}

/** The process's task service, wired to the configured upstream (or the simulator) and the database. */
export function getTaskService(): TaskService {
  service ??= createTaskService({
    store: getTaskStore(),
    client: getFoxClient(),
    minIntervalMs: getEnv().STATUS_MIN_INTERVAL_MS,
    archiver: createArchiver({ storage: getStorage, source: resultSource() }),
    mediaCheck: mediaChecks(),
    maxTasksPerDay: getEnv().MAX_TASKS_PER_DAY,
    follow: shared[FOLLOW] === true,
  });
  if (shared[FOLLOW]) {
    // On SIGTERM (server.mjs runs these hooks first) the followed tasks' leases are released, so another replica
    // takes them up at its next sweep instead of after the leases run out.
    const followed = service;
    const hooks = globalThis as { [SHUTDOWN_HOOKS]?: (() => Promise<void>)[] };
    (hooks[SHUTDOWN_HOOKS] ??= []).push(() => followed.stopFollowing());
  }
  return service;
}

let submitLimiter: ReturnType<typeof createRateLimiter> | undefined;

/** Per-session limit on starting tasks: 20 a minute, in bursts of up to 20, shared by every replica. */
export function getSubmitLimiter() {
  submitLimiter ??= createRateLimiter({ name: "submit", capacity: 20, refillPerSecond: 20 / 60, db: getDb });
  return submitLimiter;
}

let worker: ReturnType<typeof setInterval> | undefined;

/**
 * Starts the background pass that follows unfinished tasks and copies results nobody has looked at yet, so a
 * restart never strands a task and a result is saved before its link dies even if no browser is open.
 */
export function startBackgroundWorker(intervalMs = 5_000) {
  // BACKGROUND_WORKER=off (serverless): the sweep route, called by a scheduler, does this work instead, and no
  // process follows tasks between requests.
  if (worker || !getEnv().BACKGROUND_WORKER) return;
  shared[FOLLOW] = true;
  const run = () => {
    void getTaskService()
      .sweep()
      .catch((err: unknown) =>
        console.error("[worker] sweep failed:", err instanceof Error ? err.message : err),
      );
  };
  worker = setInterval(run, intervalMs);
  worker.unref();
  run();
}

export function resetTaskServiceForTests() {
  if (worker) clearInterval(worker);
  worker = undefined;
  shared[FOLLOW] = false;
  void service?.stopFollowing();
  void shared[DB]?.close();
  delete shared[DB];
  store = undefined;
  service = undefined;
  submitLimiter = undefined;
  resetStorageForTests();
}
