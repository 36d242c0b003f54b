import "server-only";
import { getEnv } from "../env";
import { getTaskStore } from "../tasks";
import { toView } from "../tasks/service";
import { CHANGE_SINK, type ChangedTask } from "../tasks/store";
import { type Change, type ChangeBus, createInProcessBus, createPgBus } from "./bus";
import { type SseEvent, type SseHub, createSseHub } from "./sse";

/*
 * The process's live-results wiring (issue 16): one change bus and one stream hub per process, next to
 * `getTaskService`. The store announces every committed change; the bus carries it to every replica (PostgreSQL
 * LISTEN/NOTIFY when DATABASE_URL is set); one reader per process re-reads the row once and hands the event to
 * every open stream here.
 */

/**
 * Process-wide, not per module: Next bundles the instrumentation hook (boot, the worker) and the route handlers
 * separately, each with its own copy of this module; one hub and one bus must serve them all.
 */
interface LiveState {
  hub?: SseHub;
  bus?: Promise<ChangeBus>;
  listeners: Set<(event: SseEvent) => void>;
}
const STATE = Symbol.for("retake.live");
function state(): LiveState {
  const g = globalThis as { [STATE]?: LiveState };
  return (g[STATE] ??= { listeners: new Set() });
}

/** A task's event: its whole current state (the page's `TaskView`), numbered by its last change. */
export function taskEvent(row: ChangedTask): SseEvent {
  return { id: String(row.changeSeq), event: "task", key: row.id, data: JSON.stringify(toView(row)) };
}

export function getLiveHub(): SseHub {
  const env = getEnv();
  const s = state();
  s.hub ??= createSseHub({
    maxPerSession: env.LIVE_STREAMS_PER_SESSION,
    maxTotal: env.LIVE_STREAMS_MAX,
    heartbeatMs: env.LIVE_HEARTBEAT_MS,
  });
  return s.hub;
}

/**
 * The bus, started once: called at boot, so a replica publishes its changes even before any page connects to it.
 * Changes are read back in the order they arrive (one chain), so a stream's ids only grow.
 */
export function getChangeBus(): Promise<ChangeBus> {
  const s = state();
  s.bus ??= (async () => {
    const env = getEnv();
    const b = env.DATABASE_URL ? await createPgBus({ connection: env.DATABASE_URL }) : createInProcessBus();
    b.onGap(() => void getLiveHub().resync());
    (globalThis as { [CHANGE_SINK]?: unknown })[CHANGE_SINK] = (c: Change) => {
      b.publish(c).catch((err: unknown) =>
        console.error("[live] could not publish a change:", err instanceof Error ? err.message : err),
      );
    };
    let chain = Promise.resolve();
    b.subscribe((c) => {
      if (c.seq === SESSION_ENDED) {
        getLiveHub().closeSession(c.taskId, "signed_out");
        return;
      }
      chain = chain.then(async () => {
        if (s.listeners.size === 0) return;
        const store = getTaskStore();
        try {
          // The row may have changed again since: its state is then the newest, and so is its number.
          const row = await store.getChanged(c.taskId);
          if (!row) return;
          const event = taskEvent(row);
          for (const l of [...s.listeners]) l(event);
        } catch (err) {
          if (!store.conn.closed)
            console.error("[live] could not read a changed task:", err instanceof Error ? err.message : err);
        }
      });
    });
    registerShutdown();
    return b;
  })();
  return s.bus;
}

/**
 * A change numbered 0 never comes from the store (its numbers start at 1): on the bus it means "this session signed
 * out", carrying the session id where a task id would be, so every replica ends that session's streams.
 */
const SESSION_ENDED = "0";

/** Ends a signed-out session's streams on every replica (through the bus; this one included). */
export async function endSessionStreams(sessionId: string): Promise<void> {
  getLiveHub().closeSession(sessionId, "signed_out");
  try {
    await (await getChangeBus()).publish({ taskId: sessionId, seq: SESSION_ENDED });
  } catch (err) {
    // Other replicas' streams then end at their next reconnect, when the revoked cookie gets a 401.
    console.error("[live] could not announce a sign-out:", err instanceof Error ? err.message : err);
  }
}

/** Every task event this process sees, for one stream; returns the unsubscribe. */
export function subscribeTaskEvents(push: (event: SseEvent) => void): () => void {
  const { listeners } = state();
  listeners.add(push);
  return () => void listeners.delete(push);
}

/**
 * On SIGTERM, server.mjs runs these before it stops taking connections: open streams end at once (the pages
 * reconnect, to another replica if there is one) instead of holding the shutdown for its whole grace period.
 */
const SHUTDOWN_HOOKS = Symbol.for("retake.shutdownHooks");

function registerShutdown() {
  const g = globalThis as { [SHUTDOWN_HOOKS]?: (() => void | Promise<void>)[] };
  (g[SHUTDOWN_HOOKS] ??= []).push(async () => {
    const s = state();
    s.hub?.shutdown();
    await (await s.bus)?.close();
  });
}

export function resetLiveForTests() {
  const s = state();
  s.hub?.shutdown();
  s.hub = undefined;
  void s.bus?.then((b) => b.close());
  s.bus = undefined;
  s.listeners.clear();
  delete (globalThis as { [CHANGE_SINK]?: unknown })[CHANGE_SINK];
}
