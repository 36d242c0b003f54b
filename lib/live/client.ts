/**
 * The page's side of live results (issue 16), for the browser: no server imports, no React. Opens one EventSource on
 * the events route, hands each task change to `onChange`, and decides when the stream can't be held, so the page
 * falls back to polling by itself. It never reports an error to the person: a fallback is a mode, not a failure.
 *
 * Wiring (for the integrator): call `openLiveUpdates` once per page; in `onChange`, write the task into the cache
 * (and patch it into the list pages) where the newest `updatedAt` wins, as every other writer must (a submit's
 * answer can arrive after the stream's newer state: lib/client/live.ts `rememberTask`); while `onMode` says "live", the task queries' `refetchInterval` returns
 * false; on "polling", today's interval comes back. `onEnd` with "signed_out" should send the page to sign-in.
 */

export type LiveMode = "connecting" | "live" | "polling";

/** Why the page fell back to polling (for logs and tests; not for the person). */
export type FallbackReason = "no_open" | "silent" | "refused" | "errors" | "unsupported";

/** The part of EventSource this uses, so tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export interface LiveOptions<Task> {
  url?: string;
  /** A task changed: its whole current state, and the event id it came with. */
  onChange: (task: Task, eventId: string) => void;
  onMode?: (mode: LiveMode, reason?: FallbackReason) => void;
  /** The server ended the stream on purpose (sign-out, removed from the team): don't reconnect. */
  onEnd?: (reason: string) => void;
  /** Checks a parsed event before it reaches `onChange` (e.g. a zod `safeParse`); `null` drops it. */
  parse?: (data: unknown) => Task | null;
  /** No event (a ping comes at once) within this: the stream isn't getting through. */
  openTimeoutMs?: number;
  /** The server's heartbeat; silence for twice this means a proxy holds the stream back. */
  heartbeatMs?: number;
  /** Consecutive connection errors, with no event between, before falling back. */
  maxErrors?: number;
  /** After a fallback, try the stream again after this, doubling up to `retryLiveMaxMs`. */
  retryLiveMs?: number;
  retryLiveMaxMs?: number;
  createEventSource?: EventSourceFactory;
}

export interface LiveHandle {
  mode(): LiveMode;
  close(): void;
}

/** EventSource's readyState for a connection it has given up on (a non-200 answer, a wrong content type). */
const CLOSED = 2;

export function openLiveUpdates<Task = unknown>(options: LiveOptions<Task>): LiveHandle {
  const url = options.url ?? "/api/generations/events";
  const openTimeoutMs = options.openTimeoutMs ?? 10_000;
  const silenceMs = 2 * (options.heartbeatMs ?? 15_000);
  const maxErrors = options.maxErrors ?? 3;
  const retryFirst = options.retryLiveMs ?? 60_000;
  const retryMax = options.retryLiveMaxMs ?? 10 * 60_000;
  const create =
    options.createEventSource ??
    (typeof EventSource === "undefined" ? null : (u: string) => new EventSource(u) as EventSourceLike);

  let mode: LiveMode = "connecting";
  let source: EventSourceLike | null = null;
  let watchdog: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryWait = retryFirst;
  let errors = 0;
  let stopped = false;

  const setMode = (next: LiveMode, reason?: FallbackReason) => {
    if (mode === next) return;
    mode = next;
    options.onMode?.(next, reason);
  };

  const arm = (ms: number, reason: FallbackReason) => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => fallBack(reason), ms);
  };

  const stopSource = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = null;
    source?.close();
    source = null;
  };

  const fallBack = (reason: FallbackReason) => {
    if (stopped) return;
    stopSource();
    setMode("polling", reason);
    if (reason === "unsupported") return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      retryWait = Math.min(retryMax, retryWait * 2);
      connect();
    }, retryWait);
  };

  // Any event proves the stream reaches the page now.
  const alive = () => {
    errors = 0;
    retryWait = retryFirst;
    setMode("live");
    arm(silenceMs, "silent");
  };

  const connect = () => {
    if (stopped) return;
    if (!create) return fallBack("unsupported");
    const es = create(url);
    source = es;
    errors = 0;
    arm(openTimeoutMs, "no_open");
    es.addEventListener("ping", () => {
      if (source === es) alive();
    });
    es.addEventListener("task", (e) => {
      if (source !== es) return;
      alive();
      let data: unknown;
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      const task = options.parse ? options.parse(data) : (data as Task);
      if (task !== null) options.onChange(task, e.lastEventId);
    });
    es.addEventListener("end", (e) => {
      if (source !== es) return;
      let reason = "ended";
      try {
        reason = String((JSON.parse(e.data) as { reason?: unknown }).reason ?? reason);
      } catch {
        // Keep the generic reason.
      }
      stopped = true;
      stopSource();
      if (retryTimer) clearTimeout(retryTimer);
      options.onEnd?.(reason);
    });
    es.addEventListener("error", () => {
      if (source !== es) return;
      // CLOSED: the server answered something other than a stream (429, 401, 503); EventSource won't retry.
      if (es.readyState === CLOSED) return fallBack("refused");
      // Otherwise EventSource reconnects by itself (with Last-Event-ID); only a run of failures means it can't.
      if (++errors >= maxErrors) fallBack("errors");
    });
  };

  connect();
  return {
    mode: () => mode,
    close() {
      stopped = true;
      stopSource();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
    },
  };
}
