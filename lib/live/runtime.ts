import "server-only";
import { getEnv } from "../env";
import { getTaskStore } from "../tasks";
import { toView } from "../tasks/service";
import type { ChangedTask } from "../tasks/store";
import { type ChangeBus, createInProcessBus, createPgBus } from "./bus";
import { type SseEvent, type SseHub, createSseHub } from "./sse";

/*
 * The process's live-results wiring (issue 16): one change bus and one stream hub per process, next to
 * `getTaskService`. The store announces every committed change; the bus carries it to every replica (PostgreSQL
 * LISTEN/NOTIFY when DATABASE_URL is set); one reader per process re-reads the row once and hands the event to
 * every open stream here.
 */

let hub: SseHub | undefined;
let bus: Promise<ChangeBus> | undefined;
const listeners = new Set<(event: SseEvent) => void>();

/** A task's event: its whole current state (the page's `TaskView`), numbered by its last change. */
export function taskEvent(row: ChangedTask): SseEvent {
  return { id: String(row.changeSeq), event: "task", key: row.id, data: JSON.stringify(toView(row)) };
}

export function getLiveHub(): SseHub {
  const env = getEnv();
  hub ??= createSseHub({
    maxPerSession: env.LIVE_STREAMS_PER_SESSION,
    maxTotal: env.LIVE_STREAMS_MAX,
    heartbeatMs: env.LIVE_HEARTBEAT_MS,
  });
  return hub;
}

/**
 * The bus, started once: called at boot, so a replica publishes its changes even before any page connects to it.
 * Changes are read back in the order they arrive (one chain), so a stream's ids only grow.
 */
export function getChangeBus(): Promise<ChangeBus> {
  bus ??= (async () => {
    const env = getEnv();
    const store = getTaskStore();
    const b = env.DATABASE_URL ? await createPgBus({ connection: env.DATABASE_URL }) : createInProcessBus();
    b.onGap(() => void getLiveHub().resync());
    store.onChange((c) => {
      b.publish(c).catch((err: unknown) =>
        console.error("[live] could not publish a change:", err instanceof Error ? err.message : err),
      );
    });
    let chain = Promise.resolve();
    b.subscribe((c) => {
      chain = chain.then(async () => {
        if (listeners.size === 0) return;
        try {
          // The row may have changed again since: its state is then the newest, and so is its number.
          const row = await store.getChanged(c.taskId);
          if (!row) return;
          const event = taskEvent(row);
          for (const l of [...listeners]) l(event);
        } catch (err) {
          if (!store.conn.closed)
            console.error("[live] could not read a changed task:", err instanceof Error ? err.message : err);
        }
      });
    });
    registerShutdown();
    return b;
  })();
  return bus;
}

/** Every task event this process sees, for one stream; returns the unsubscribe. */
export function subscribeTaskEvents(push: (event: SseEvent) => void): () => void {
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
    hub?.shutdown();
    await (await bus)?.close();
  });
}

export function resetLiveForTests() {
  hub?.shutdown();
  hub = undefined;
  void bus?.then((b) => b.close());
  bus = undefined;
  listeners.clear();
}
