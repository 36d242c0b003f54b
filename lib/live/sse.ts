/**
 * Server-Sent Events for a Next route handler (issue 16): one hub per process builds each stream's `Response`,
 * counts open streams per session and per server, beats a shared heartbeat, and closes streams on abort, sign-out
 * and shutdown.
 *
 * Backpressure: each stream keeps at most `queueLimit` undelivered events. Events carry a `key` (the task id) and
 * a task's event is its whole current state, not a delta, so a newer event for a task replaces the older one still
 * waiting: a slow reader gets the latest state of every task, in id order, and nothing in between. If more distinct
 * tasks change than the queue holds while the reader stalls, the queue is dropped and the connection cut; the
 * browser reconnects with `Last-Event-ID` and the replay fills the gap from the store. Either way a slow reader costs at most
 * `queueLimit` events of memory, never more.
 */

/** One event on the wire. `id` is a decimal sequence number (see bus.ts): ids only grow within a stream. */
export interface SseEvent {
  id: string;
  /** The SSE `event:` field; absent means "message". */
  event?: string;
  /** One line of text (JSON); newlines are split into several `data:` lines as the format requires. */
  data: string;
  /** Events with the same key replace each other while waiting (the task id). */
  key?: string;
}

export interface SseHubOptions {
  /** Streams one session may hold open (tabs, windows): beyond it, 429. */
  maxPerSession?: number;
  /** Streams one server holds open in all. */
  maxTotal?: number;
  /**
   * A `ping` event this often keeps proxies from timing the stream out and lets the page see it is alive. An event,
   * not a comment line: EventSource hides comments, and the page must tell a held stream from a buffering proxy.
   */
  heartbeatMs?: number;
  /** The `retry:` the client waits before reconnecting. */
  retryMs?: number;
  /** Undelivered events per stream before it is closed (see the top of this file). */
  queueLimit?: number;
}

export interface OpenStreamOptions {
  /** Whose stream this is: the cap and `closeSession` count by it. */
  sessionId: string;
  /** The request's abort signal: the client went away. */
  signal?: AbortSignal;
  /** The request's `Last-Event-ID` header (null when absent). */
  lastEventId?: string | null;
  /**
   * The changes after `lastEventId` that this session may see, oldest first (e.g. the store's `changesSince`).
   * Called once, after the live subscription starts, so nothing falls between the replay and the live events. Its
   * result is sent whole, beyond `queueLimit` (a client that fell behind must be able to catch up), so the store's
   * query bounds it: one row per task, and a limit.
   */
  replay?: (lastEventId: string) => Promise<SseEvent[]>;
  /**
   * The store's latest change id when the stream opened (e.g. `max(change_seq)`), read before `subscribe`: where a
   * `resync` starts for a stream that has received nothing yet. Without it such a stream is skipped by `resync`.
   */
  baseline?: string;
  /** Starts delivering live events to `push`; returns the unsubscribe. The caller filters what the session may see. */
  subscribe: (push: (event: SseEvent) => void) => () => void;
}

export interface SseHub {
  /** The stream's Response, or a 429/400 Response when it can't be opened. */
  open(options: OpenStreamOptions): Promise<Response>;
  /** Ends every stream of a session (sign-out, person removed) with an `end` event the client should not retry after. */
  closeSession(sessionId: string, reason: string): number;
  /**
   * After the bus may have missed changes (its connection dropped): every stream replays from the last id it sent.
   * Repeats are harmless (an event is a task's whole state); the keyed queue folds them.
   */
  resync(): Promise<void>;
  /** Ends every stream (server shutdown); clients reconnect, to another replica if there is one. */
  shutdown(): void;
  stats(): { open: number; sessions: number; queued: number };
}

const encoder = new TextEncoder();

const randomTicket = () => crypto.randomUUID();

/** Serialises one event. Ids and event names can't carry newlines (they would forge fields): they are refused. */
export function formatEvent(e: SseEvent): string {
  if (/[\r\n]/.test(e.id) || (e.event && /[\r\n]/.test(e.event)))
    throw new Error("An SSE id or event name can't contain a line break.");
  let out = `id: ${e.id}\n`;
  if (e.event) out += `event: ${e.event}\n`;
  for (const line of e.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** No id (the client's Last-Event-ID stays put) and non-empty data (EventSource drops an event with none). */
const PING = "event: ping\ndata: {}\n\n";

const isSequence = (id: string) => /^\d{1,30}$/.test(id);

function tooMany(message: string): Response {
  return new Response(JSON.stringify({ error: { code: "too_many_streams", message } }), {
    status: 429,
    headers: { "content-type": "application/json", "cache-control": "no-store", "retry-after": "30" },
  });
}

interface Stream {
  sessionId: string;
  queue: SseEvent[];
  /** Text ready to go that isn't an event: the first `retry:`, heartbeats, the closing `end`. */
  control: string;
  /** The last id written, for `stats` and tests; ids may arrive slightly out of order across writers (bus.ts). */
  lastSentId: string | null;
  /** Where a resync starts when nothing has been sent: the Last-Event-ID it opened with, or the baseline. */
  since: string | null;
  replay: ((lastEventId: string) => Promise<SseEvent[]>) | null;
  wake: (() => void) | null;
  closing: boolean;
  /** Cut for falling behind: nothing more is written. */
  overflowed: boolean;
  close: () => void;
  /** Cuts the connection with an error (the reader fell behind), through whichever sink carries the stream. */
  fail: () => void;
}

/**
 * The raw-response path (server.mjs): the route answers with a ticket in this header and no body, and the server
 * hands the Node response to the stream registered under the ticket, so Next's per-request state is released while
 * the stream stays open. Must match SSE_CARRIER in server.mjs.
 */
export const SSE_CARRIER = "x-retake-sse";
/** Set by server.mjs when it can carry streams: ticket → attach. Without it, the stream is a web `ReadableStream`. */
const RAW_REGISTRY = Symbol.for("retake.sseResponses");
/** Node's response as the hub uses it (structural, so this file needs no `node:http`). */
export interface RawResponse {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  on(event: "drain" | "close", listener: () => void): unknown;
}
type RawRegistry = Map<string, (res: RawResponse) => void>;
const rawRegistry = () => (globalThis as { [RAW_REGISTRY]?: RawRegistry })[RAW_REGISTRY];
/** A ticket not claimed by then (the client left before the headers went out) closes its stream. */
const TICKET_MS = 10_000;

export function createSseHub(options: SseHubOptions = {}): SseHub {
  const maxPerSession = options.maxPerSession ?? 6;
  const maxTotal = options.maxTotal ?? 2_000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 3_000;
  const queueLimit = options.queueLimit ?? 256;

  const streams = new Set<Stream>();
  const bySession = new Map<string, Set<Stream>>();
  let reserved = 0;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  let shutDown = false;

  // One timer for every stream: 500 streams are one callback every 15 s, not 500 timers.
  const ensureHeartbeat = () => {
    if (heartbeat || streams.size === 0) return;
    heartbeat = setInterval(() => {
      for (const s of streams) {
        // At most one ping waits: a reader that stopped reading doesn't collect them.
        if (!s.control.includes(PING)) s.control += PING;
        s.wake?.();
      }
    }, heartbeatMs);
    heartbeat.unref?.();
  };
  const stopHeartbeatIfIdle = () => {
    if (heartbeat && streams.size === 0) {
      clearInterval(heartbeat);
      heartbeat = null;
    }
  };

  const countFor = (sessionId: string) => bySession.get(sessionId)?.size ?? 0;

  /** `replayed`: the opening replay, bounded by the route's own query limit rather than the queue's. */
  const push = (s: Stream, e: SseEvent, replayed = false) => {
    if (s.closing) return;
    if (e.key !== undefined) {
      const i = s.queue.findIndex((q) => q.key === e.key);
      if (i >= 0) s.queue.splice(i, 1);
    }
    if (!replayed && s.queue.length >= queueLimit) {
      // More distinct tasks waiting than we keep: drop them all and cut the connection (an error, not a clean end,
      // so the server doesn't keep a socket for a reader that isn't reading). The client resumes from the last id
      // it really received, and the replay brings what it missed.
      s.overflowed = true;
      s.queue = [];
      s.control = "";
      s.close();
      s.fail();
      return;
    }
    s.queue.push(e);
    s.wake?.();
  };

  const hub: SseHub = {
    async open(o) {
      if (shutDown)
        return new Response(
          JSON.stringify({
            error: { code: "shutting_down", message: "The server is shutting down; reconnect in a moment." },
          }),
          {
            status: 503,
            headers: { "content-type": "application/json", "cache-control": "no-store", "retry-after": "2" },
          },
        );
      if (o.lastEventId != null && o.lastEventId !== "" && !isSequence(o.lastEventId))
        return new Response(
          JSON.stringify({
            error: { code: "invalid_last_event_id", message: "Last-Event-ID is not a valid id." },
          }),
          { status: 400, headers: { "content-type": "application/json", "cache-control": "no-store" } },
        );
      if (countFor(o.sessionId) >= maxPerSession)
        return tooMany(
          `Too many live views open for this session (${String(maxPerSession)}); close a tab or reload.`,
        );
      if (streams.size + reserved >= maxTotal)
        return tooMany("The server has as many live views open as it allows; updates continue by polling.");
      if (o.signal?.aborted) return new Response(null, { status: 499 });

      // Hold a place while the replay runs, so a burst of opens can't overshoot the caps.
      reserved++;
      let stream!: Stream;
      let ticket: string | null = null;
      let unsubscribe: (() => void) | null = null;
      const held: SseEvent[] = [];
      let holding = true;
      const registry = rawRegistry();
      /** Everything ready to write now, taken from the stream (the one writer both sinks share). */
      const take = () => {
        let text = stream.control;
        stream.control = "";
        if (!holding) {
          for (const e of stream.queue) {
            text += formatEvent(e);
            stream.lastSentId = e.id;
          }
          stream.queue = [];
        }
        return text;
      };

      const start = (fail: () => void) => {
        stream = {
          sessionId: o.sessionId,
          queue: [],
          // A ping at once: through a proxy that buffers, the page sees nothing and falls back within seconds.
          control: `retry: ${String(retryMs)}\n\n${PING}`,
          lastSentId: null,
          since: o.lastEventId || o.baseline || null,
          replay: o.replay ?? null,
          wake: null,
          closing: false,
          overflowed: false,
          fail,
          close: () => {
            if (stream.closing) return;
            stream.closing = true;
            cleanup();
            stream.wake?.();
          },
        };
      };

      // Web sink: the reader pulls, and pull waits until there is something to send.
      const body = registry
        ? null
        : new ReadableStream<Uint8Array>(
            {
              start(controller) {
                start(() => {
                  try {
                    controller.error(
                      new Error("The reader fell too far behind; it resumes with Last-Event-ID."),
                    );
                  } catch {
                    // Already closed.
                  }
                });
              },
              async pull(controller) {
                // Wait for something to send; the stream calls pull again only after this settles, and only when the
                // reader has taken the last chunk: that is the backpressure.
                while (!stream.closing && stream.control === "" && (holding || stream.queue.length === 0))
                  await new Promise<void>((resolve) => (stream.wake = resolve));
                stream.wake = null;
                if (stream.overflowed) return;
                const text = take();
                if (text) controller.enqueue(encoder.encode(text));
                if (stream.closing) {
                  try {
                    controller.close();
                  } catch {
                    // Already closed or errored by the reader going away.
                  }
                }
              },
              cancel() {
                stream.close();
              },
            },
            { highWaterMark: 0 },
          );

      // Node sink (server.mjs): write whenever there is something and the socket's buffer has room; a full buffer
      // leaves events in the bounded queue, exactly as an unread web stream does.
      let raw: RawResponse | null = null;
      if (registry)
        start(() => {
          raw?.destroy();
        });
      const attach = (res: RawResponse) => {
        raw = res;
        const flush = () => {
          if (stream.overflowed || res.destroyed || res.writableNeedDrain) return;
          const text = take();
          if (text) res.write(text);
          if (stream.closing) res.end();
        };
        stream.wake = flush;
        res.on("drain", flush);
        res.on("close", () => stream.close());
        flush();
      };

      const cleanup = () => {
        unsubscribe?.();
        unsubscribe = null;
        streams.delete(stream);
        const set = bySession.get(stream.sessionId);
        set?.delete(stream);
        if (set && set.size === 0) bySession.delete(stream.sessionId);
        if (ticket) registry?.delete(ticket);
        o.signal?.removeEventListener("abort", onAbort);
        stopHeartbeatIfIdle();
      };
      const onAbort = () => stream.close();

      try {
        unsubscribe = o.subscribe((e) => {
          if (!holding) return push(stream, e);
          // While the replay runs, live events wait here, folded by task like the queue, so this stays bounded too.
          const i = e.key === undefined ? -1 : held.findIndex((h) => h.key === e.key);
          if (i >= 0) held.splice(i, 1);
          held.push(e);
        });
        const replayed = o.lastEventId && o.replay ? await o.replay(o.lastEventId) : [];
        holding = false;
        // A change can be both replayed and delivered live while the replay ran: send it once.
        const seen = new Set(replayed.map((e) => e.id));
        for (const e of replayed) push(stream, e, true);
        for (const e of held) if (!seen.has(e.id)) push(stream, e);
        held.length = 0;
      } catch (err) {
        unsubscribe?.();
        reserved--;
        throw err;
      }
      reserved--;
      if (o.signal?.aborted || shutDown) {
        stream.closing = true;
        unsubscribe?.();
        return new Response(null, { status: 499 });
      }
      streams.add(stream);
      let set = bySession.get(o.sessionId);
      if (!set) bySession.set(o.sessionId, (set = new Set()));
      set.add(stream);
      ensureHeartbeat();
      const headers: Record<string, string> = {
        "content-type": "text/event-stream; charset=utf-8",
        // no-transform: a proxy that compresses would buffer the stream.
        "cache-control": "no-store, no-transform",
        // nginx buffers responses unless told not to.
        "x-accel-buffering": "no",
      };
      if (registry) {
        // The raw response's own `close` ends the stream once attached; until then the ticket's timer does.
        ticket = randomTicket();
        const claimed = ticket;
        registry.set(claimed, (res) => {
          registry.delete(claimed);
          clearTimeout(timer);
          attach(res);
        });
        const timer = setTimeout(() => {
          if (registry.delete(claimed)) stream.close();
        }, TICKET_MS);
        timer.unref?.();
        headers[SSE_CARRIER] = claimed;
        return new Response(null, { status: 200, headers });
      }
      o.signal?.addEventListener("abort", onAbort, { once: true });
      stream.wake?.();

      return new Response(body, {
        status: 200,
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          // no-transform: a proxy that compresses would buffer the stream.
          "cache-control": "no-store, no-transform",
          // nginx buffers responses unless told not to.
          "x-accel-buffering": "no",
        },
      });
    },

    closeSession(sessionId, reason) {
      const set = bySession.get(sessionId);
      if (!set) return 0;
      const ended = [...set];
      for (const s of ended) {
        s.control += `event: end\ndata: ${JSON.stringify({ reason })}\n\n`;
        s.close();
      }
      return ended.length;
    },

    async resync() {
      await Promise.all(
        [...streams].map(async (s) => {
          const from = s.lastSentId ?? s.since;
          if (!s.replay || from === null || !isSequence(from)) return;
          try {
            for (const e of await s.replay(from)) push(s, e);
          } catch (err) {
            // The store is unreachable: close, and the client's resume tries again.
            console.error("[live] resync failed:", err instanceof Error ? err.message : err);
            s.close();
          }
        }),
      );
    },

    shutdown() {
      shutDown = true;
      for (const s of [...streams]) s.close();
      stopHeartbeatIfIdle();
    },

    stats() {
      let queued = 0;
      for (const s of streams) queued += s.queue.length;
      return { open: streams.size, sessions: bySession.size, queued };
    },
  };
  return hub;
}
