import type { Client, ClientConfig, Notification, Pool } from "pg";

/**
 * The change bus (issue 16): "task X changed" reaches every replica's open streams. In-process on one machine;
 * PostgreSQL LISTEN/NOTIFY when DATABASE_URL is set, so a change seen by one replica reaches pages on any.
 *
 * Where the ids come from: a task row carries `change_seq`, set from one global counter on every change that a page
 * should see (a Postgres sequence `task_change_seq`; in SQLite, one writer, `max(change_seq) + 1` in the same
 * statement). The SSE event id is that number, so `Last-Event-ID` resume is one indexed query, `ChangeLog` below.
 * The bus carries only the task id and that number (NOTIFY payloads are capped at 8000 bytes, and a row re-read
 * is never stale): subscribers re-read the row, and only the rows the viewer may see.
 */
export interface Change {
  taskId: string;
  /** The row's `change_seq` after this change, as a decimal string (it can outgrow a JS number in theory). */
  seq: string;
}

export type ChangeListener = (change: Change) => void;

export interface ChangeBus {
  /** Announce a change after it is committed (or see `PG_CHANNEL` to notify inside the writing transaction). */
  publish(change: Change): Promise<void>;
  /** Every change from any replica, this one included. Returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
  /**
   * Called when changes may have been missed (the listening connection dropped and came back): re-read what each
   * stream has not seen (`SseHub.resync`).
   */
  onGap(listener: () => void): () => void;
  close(): Promise<void>;
}

/**
 * What the store implements for resume: the changes after `afterSeq` that `viewer` may see, oldest first, at most
 * `limit` (the caller closes the stream past it; the client resumes again). With Postgres, sequence numbers are taken
 * before commit, so two writers can commit 8 before 7: return also rows changed in the last few seconds
 * (`changed_at > now() - 5 s`) whatever their number. A task's event is its whole state, so a repeat is harmless.
 */
export interface ChangeLog<Viewer, Row> {
  changesSince(afterSeq: string, viewer: Viewer, limit: number): Promise<Row[]>;
}

const SEQ = /^\d{1,30}$/;
/** Task ids are restricted before they are stored (contract §2); this bounds what a payload may carry. */
const TASK_ID = /^[A-Za-z0-9._:-]{1,200}$/;

function checkChange(change: Change) {
  if (!TASK_ID.test(change.taskId))
    throw new Error(`Not a task id the bus carries: ${JSON.stringify(change.taskId)}`);
  if (!SEQ.test(change.seq))
    throw new Error(`A change's seq is a decimal number, not ${JSON.stringify(change.seq)}`);
}

/** A fan-out where one listener's exception can't stop the others or the publisher. */
function fanOut<T extends unknown[]>() {
  const listeners = new Set<(...args: T) => void>();
  return {
    add(l: (...args: T) => void) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    emit(...args: T) {
      for (const l of [...listeners]) {
        try {
          l(...args);
        } catch (err) {
          console.error("[live] a change listener failed:", err instanceof Error ? err.message : err);
        }
      }
    },
    get size() {
      return listeners.size;
    },
  };
}

/** One process: publish fans out on the next microtask, so a publisher inside a store write never re-enters it. */
export function createInProcessBus(): ChangeBus {
  const changes = fanOut<[Change]>();
  let closed = false;
  return {
    publish(change) {
      try {
        checkChange(change);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      if (closed) return Promise.resolve();
      const copy = { taskId: change.taskId, seq: change.seq };
      queueMicrotask(() => changes.emit(copy));
      return Promise.resolve();
    },
    subscribe: (l) => changes.add(l),
    // Nothing is ever missed in one process.
    onGap: () => () => undefined,
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}

/** The NOTIFY channel. A store can notify in its own transaction: `SELECT pg_notify($1, $2)` with `encodeChange`. */
export const PG_CHANNEL = "retake_task_changes";

export function encodeChange(change: Change): string {
  checkChange(change);
  return JSON.stringify({ t: change.taskId, s: change.seq });
}

export function decodeChange(payload: string | undefined): Change | null {
  if (!payload) return null;
  try {
    const v = JSON.parse(payload) as { t?: unknown; s?: unknown };
    if (typeof v.t !== "string" || typeof v.s !== "string" || !TASK_ID.test(v.t) || !SEQ.test(v.s))
      return null;
    return { taskId: v.t, seq: v.s };
  } catch {
    return null;
  }
}

export interface PgBusOptions {
  /** For the dedicated listening connection (a pooled one can't hold LISTEN). */
  connection: string | ClientConfig;
  /** Where `publish` sends NOTIFY; the app's pool. Without one, the listening connection sends it. */
  pool?: Pick<Pool, "query">;
  /** Reconnect backoff: first wait and ceiling (ms), doubled with jitter between. */
  backoffMs?: { first: number; max: number };
  /** Injected for tests. */
  createClient?: (config: string | ClientConfig) => Client;
  log?: (message: string) => void;
}

/**
 * PostgreSQL LISTEN/NOTIFY, one listening connection per process. A replica's own changes come back through
 * Postgres too, so every replica sees every change in one order, the commit order. When the connection drops it
 * reconnects with backoff, and once listening again tells `onGap` listeners: NOTIFYs sent meanwhile are lost.
 */
export async function createPgBus(options: PgBusOptions): Promise<ChangeBus> {
  const { Client: PgClient } = await import("pg");
  const make = options.createClient ?? ((config) => new PgClient(config as ClientConfig));
  const backoff = options.backoffMs ?? { first: 250, max: 10_000 };
  const log = options.log ?? ((m: string) => console.warn(`[live] ${m}`));
  const changes = fanOut<[Change]>();
  const gaps = fanOut<[]>();
  let client: Client | null = null;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let wait = backoff.first;

  const onNotification = (n: Notification) => {
    if (n.channel !== PG_CHANNEL) return;
    const change = decodeChange(n.payload);
    if (change) changes.emit(change);
    else log(`ignored a malformed notification on ${PG_CHANNEL}`);
  };

  const connect = async (): Promise<void> => {
    const c = make(options.connection);
    // Errors after connect arrive as events; without a handler they would crash the process.
    c.on("error", (err) => {
      log(`listening connection failed: ${err.message}`);
      drop(c);
    });
    c.on("end", () => drop(c));
    c.on("notification", onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${PG_CHANNEL}`);
    } catch (err) {
      // Connected but LISTEN failed (permissions, a dying server): don't leave the connection open.
      await c.end().catch(() => undefined);
      throw err;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    wait = backoff.first;
  };

  const drop = (c: Client) => {
    if (client !== c) return;
    client = null;
    c.removeAllListeners("notification");
    void c.end().catch(() => undefined);
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    const delay = Math.round(wait * (0.5 + Math.random() / 2));
    wait = Math.min(backoff.max, wait * 2);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().then(
        () => {
          if (!closed) gaps.emit();
        },
        (err: unknown) => {
          log(`reconnect failed: ${err instanceof Error ? err.message : String(err)}`);
          scheduleReconnect();
        },
      );
    }, delay);
    retryTimer.unref?.();
  };

  // The first connection must work: a wrong DATABASE_URL should stop the start, not retry forever in silence.
  await connect();

  return {
    async publish(change) {
      const payload = encodeChange(change);
      const target = options.pool ?? client;
      if (!target)
        throw new Error("The change bus is reconnecting to PostgreSQL; the change was not announced.");
      await target.query("SELECT pg_notify($1, $2)", [PG_CHANNEL, payload]);
    },
    subscribe: (l) => changes.add(l),
    onGap: (l) => gaps.add(l),
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
