import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { carryEventStream } from "../../server.mjs";
import { type SseEvent, type SseHubOptions, createSseHub, formatEvent } from "./sse";
import { serveWebHandler } from "./testing/http";
import { type SseConnection, connectSse } from "./testing/sse-client";

/** A change log with live fan-out: what the store and the bus give the route, in miniature. */
function changeSource(keepLog = true) {
  const log: SseEvent[] = [];
  const listeners = new Set<(e: SseEvent) => void>();
  let seq = 0;
  return {
    log,
    listeners,
    publish(key: string, data: unknown = {}, notify = true) {
      const e: SseEvent = {
        id: String(++seq),
        event: "task",
        key,
        data: JSON.stringify({ id: key, ...(data as object) }),
      };
      if (keepLog) log.push(e);
      if (notify) for (const l of listeners) l(e);
      return e;
    },
    subscribe: (push: (e: SseEvent) => void) => {
      listeners.add(push);
      return () => listeners.delete(push);
    },
    /** The latest change of each key after `id`, oldest first: what `changesSince` returns. */
    replay: (id: string) => {
      const latest = new Map<string, SseEvent>();
      for (const e of log) if (Number(e.id) > Number(id)) latest.set(e.key!, e);
      return Promise.resolve([...latest.values()].sort((a, b) => Number(a.id) - Number(b.id)));
    },
  };
}

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(
  options: SseHubOptions = {},
  hooks: { beforeReplay?: () => Promise<void>; keepLog?: boolean } = {},
) {
  const hub = createSseHub(options);
  const source = changeSource(hooks.keepLog ?? true);
  const server = await serveWebHandler((req) => {
    const url = new URL(req.url);
    return hub.open({
      sessionId: url.searchParams.get("session") ?? "s1",
      signal: req.signal,
      lastEventId: req.headers.get("last-event-id"),
      baseline: String(source.log.length),
      subscribe: source.subscribe,
      replay: async (id) => {
        await hooks.beforeReplay?.();
        return source.replay(id);
      },
    });
  }, carryEventStream);
  const conns: SseConnection[] = [];
  cleanups.push(async () => {
    for (const c of conns) c.close();
    hub.shutdown();
    await server.close();
  });
  const connect = async (session = "s1", lastEventId?: string, agent?: http.Agent, keepBody = false) => {
    const c = await connectSse(`${server.url}/events?session=${session}`, { lastEventId, agent, keepBody });
    conns.push(c);
    return c;
  };
  return { hub, source, server, connect };
}

const until = async (cond: () => boolean, timeoutMs = 5_000) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("formatEvent", () => {
  it("writes id, event and one data line per line", () => {
    expect(formatEvent({ id: "7", event: "task", data: "a\nb" })).toBe(
      "id: 7\nevent: task\ndata: a\ndata: b\n\n",
    );
    expect(formatEvent({ id: "8", data: "{}" })).toBe("id: 8\ndata: {}\n\n");
  });
  it("refuses a line break in an id or event name (it would forge a field)", () => {
    expect(() => formatEvent({ id: "1\ndata: x", data: "" })).toThrow(/line break/);
    expect(() => formatEvent({ id: "1", event: "a\rb", data: "" })).toThrow(/line break/);
  });
});

const REGISTRY = Symbol.for("retake.sseResponses");
const globals = globalThis as { [REGISTRY]?: Map<string, unknown> };

// Both sinks, every behaviour: "web" is the route's ReadableStream (next dev, tests calling the handler), "raw" is
// server.mjs holding the Node response after Next's request has ended (npm start).
describe.each(["web", "raw"])("SSE hub over real HTTP (%s)", (sink) => {
  beforeAll(() => {
    if (sink === "raw") globals[REGISTRY] = new Map();
  });
  afterAll(() => {
    expect(globals[REGISTRY]?.size ?? 0).toBe(0);
    delete globals[REGISTRY];
  });

  it("answers an event stream with retry, ids and data, uncached and unbuffered", async () => {
    const { source, connect } = await setup({ retryMs: 1_234 });
    const c = await connect();
    expect(c.status).toBe(200);
    expect(c.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(c.headers["cache-control"]).toBe("no-store, no-transform");
    expect(c.headers["x-accel-buffering"]).toBe("no");
    await c.waitFor((x) => x.retry !== null);
    expect(c.retry).toBe(1_234);
    source.publish("task-a", { status: "processing" });
    source.publish("task-b", { status: "completed" });
    await c.waitFor((x) => x.events.length === 2);
    expect(c.events).toEqual([
      { id: "1", event: "task", data: '{"id":"task-a","status":"processing"}' },
      { id: "2", event: "task", data: '{"id":"task-b","status":"completed"}' },
    ]);
  });

  it("resumes after Last-Event-ID: the changes since, then live ones, none twice", async () => {
    let releaseReplay!: () => void;
    const gate = new Promise<void>((r) => (releaseReplay = r));
    let replaying = false;
    const { source, connect } = await setup(
      {},
      {
        beforeReplay: async () => {
          replaying = true;
          await gate;
        },
      },
    );
    for (const k of ["a", "b", "c", "d", "e"]) source.publish(k);
    const pending = connect("s1", "3");
    await until(() => replaying);
    // A change lands while the replay is still reading the store: it must come once, after the replay.
    source.publish("e", { status: "completed" });
    releaseReplay();
    const c = await pending;
    source.publish("f");
    await c.waitFor((x) => x.events.some((e) => e.id === "7"));
    expect(c.events.map((e) => e.id)).toEqual(["4", "6", "7"]);
    expect(c.lastEventId()).toBe("7");
  });

  it("refuses a Last-Event-ID that isn't one of ours", async () => {
    const { connect } = await setup();
    const c = await connect("s1", "abc");
    expect(c.status).toBe(400);
    await c.ended;
    expect(JSON.parse(c.body)).toEqual({
      error: { code: "invalid_last_event_id", message: "Last-Event-ID is not a valid id." },
    });
  });

  it("sends a ping at once and then every heartbeat interval, without moving Last-Event-ID", async () => {
    const { source, connect } = await setup({ heartbeatMs: 100 });
    const c = await connect("s1", undefined, undefined, true);
    await c.waitFor((x) => x.pings === 1, 1_000);
    expect(c.body).toMatch(/^retry: 3000\n\nevent: ping\ndata: \{\}\n\n/);
    source.publish("a");
    await c.waitFor((x) => x.pings >= 4, 3_000);
    expect(c.events.map((e) => e.event)).toEqual(["task"]);
    expect(c.lastEventId()).toBe("1");
  });

  it("caps open streams per session and per server with a clear 429, and frees a place on close", async () => {
    const { hub, connect } = await setup({ maxPerSession: 2, maxTotal: 3 });
    const a1 = await connect("a");
    await connect("a");
    const a3 = await connect("a");
    expect(a3.status).toBe(429);
    await a3.ended;
    expect(JSON.parse(a3.body).error.code).toBe("too_many_streams");
    expect(JSON.parse(a3.body).error.message).toMatch(/Too many live views open for this session \(2\)/);
    expect(a3.headers["retry-after"]).toBe("30");
    await connect("b");
    const b2 = await connect("b");
    expect(b2.status).toBe(429);
    await b2.ended;
    expect(JSON.parse(b2.body).error.message).toMatch(/server has as many live views open/);
    a1.close();
    await until(() => hub.stats().open === 2);
    expect((await connect("b")).status).toBe(200);
  });

  it("closes cleanly when the client goes away: unsubscribed, uncounted", async () => {
    const { hub, source, connect } = await setup();
    const c = await connect();
    await until(() => hub.stats().open === 1);
    expect(source.listeners.size).toBe(1);
    c.close();
    await until(() => hub.stats().open === 0 && source.listeners.size === 0);
    expect(hub.stats()).toEqual({ open: 0, sessions: 0, queued: 0 });
  });

  it("ends a session's streams with an end event on sign-out, and only that session's", async () => {
    const { hub, source, connect } = await setup();
    const mine = await connect("me");
    const other = await connect("other");
    await until(() => hub.stats().open === 2);
    expect(hub.closeSession("me", "signed_out")).toBe(1);
    await mine.ended;
    expect(mine.events.at(-1)).toEqual({ id: null, event: "end", data: '{"reason":"signed_out"}' });
    source.publish("x");
    await other.waitFor((x) => x.events.length === 1);
    expect(hub.stats().open).toBe(1);
    expect(hub.closeSession("nobody", "signed_out")).toBe(0);
  });

  it("resync after a bus gap sends each stream what it missed, from its own last id", async () => {
    const { hub, source, connect } = await setup();
    source.publish("before");
    const fresh = await connect("a");
    const resumed = await connect("b", "1");
    await until(() => hub.stats().open === 2);
    source.publish("seen");
    await fresh.waitFor((x) => x.events.length === 1);
    // Two changes the bus lost (its connection dropped): nobody was told.
    source.publish("lost-1", {}, false);
    source.publish("lost-2", {}, false);
    expect(fresh.events.map((e) => e.id)).toEqual(["2"]);
    await hub.resync();
    await fresh.waitFor((x) => x.events.length === 3);
    await resumed.waitFor((x) => x.events.length === 3);
    expect(fresh.events.map((e) => e.id)).toEqual(["2", "3", "4"]);
    expect(resumed.events.map((e) => e.id)).toEqual(["2", "3", "4"]);
  });

  it("ends every stream on shutdown and refuses new ones with 503", async () => {
    const { hub, connect } = await setup();
    const a = await connect("a");
    const b = await connect("b");
    hub.shutdown();
    await Promise.all([a.ended, b.ended]);
    expect(hub.stats().open).toBe(0);
    const late = await connect("c");
    expect(late.status).toBe(503);
  });

  it("a slow reader can't grow server memory: the queue keeps each task's latest change", async () => {
    // No change log here: the heap figure is then the hub's and the sockets', not the test's own history.
    const { hub, source, connect } = await setup({ queueLimit: 64 }, { keepLog: false });
    const c = await connect();
    await c.waitFor((x) => x.retry !== null);
    c.pause();
    const payload = "x".repeat(1_000);
    const before = process.memoryUsage().heapUsed;
    let maxQueued = 0;
    const latest = new Map<string, string>();
    // 20 000 changes of 1 KB (20 MB) over 50 tasks, to a reader that doesn't read.
    for (let i = 0; i < 20_000; i++) {
      const key = `task-${String(i % 50)}`;
      latest.set(key, source.publish(key, { n: i, payload }).id);
      if (i % 100 === 0) {
        maxQueued = Math.max(maxQueued, hub.stats().queued);
        await new Promise((r) => setImmediate(r));
      }
    }
    const grown = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    console.log(
      `[sse] slow reader: 20 MB published, at most ${String(maxQueued)} events queued, heap +${grown.toFixed(1)} MiB`,
    );
    // The socket buffers filled and the queue took over (else this test would prove nothing), within its bound.
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(64);
    expect(hub.stats().open).toBe(1);
    c.resume();
    const lastId = String(Math.max(...[...latest.values()].map(Number)));
    await c.waitFor((x) => x.lastEventId() === lastId, 10_000);
    // Every task's final state arrived, in id order.
    const got = new Map(c.events.map((e) => [(JSON.parse(e.data) as { id: string }).id, e.id]));
    for (const [k, id] of latest) expect(got.get(k), k).toBe(id);
    const ids = c.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(c.events.length).toBeLessThan(20_000);
  });

  it("when more tasks change than the queue holds, the stream closes and Last-Event-ID resumes it", async () => {
    const { hub, source, connect } = await setup({ queueLimit: 16 });
    const c = await connect();
    await c.waitFor((x) => x.retry !== null);
    c.pause();
    const big = "y".repeat(4_000);
    // Enough distinct tasks to fill the socket buffers and then the queue.
    for (let i = 0; i < 3_000 && hub.stats().open > 0; i++) {
      source.publish(`t${String(i)}`, { big });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(hub.stats()).toEqual({ open: 0, sessions: 0, queued: 0 });
    c.resume();
    await c.ended;
    // Whatever the cut connection still delivered, the client resumes from the last id it parsed.
    const resumeFrom = c.lastEventId() ?? "0";
    const total = source.log.length;
    expect(Number(resumeFrom)).toBeLessThan(total);
    const again = await connect("s1", resumeFrom);
    await again.waitFor((x) => x.lastEventId() === String(total), 10_000);
    const seen = new Set([...c.events, ...again.events].map((e) => e.id));
    for (let id = 1; id <= total; id++) expect(seen.has(String(id)), `change ${String(id)}`).toBe(true);
  });

  it("500 open streams: a change reaches all within 1 s, memory growth printed and bounded", async () => {
    const { hub, source, connect } = await setup({ maxPerSession: 1_000, maxTotal: 1_000 });
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    cleanups.push(() => agent.destroy());
    const m0 = process.memoryUsage();
    const conns: SseConnection[] = [];
    for (let i = 0; i < 500; i += 50)
      conns.push(...(await Promise.all(Array.from({ length: 50 }, () => connect("s1", undefined, agent)))));
    await Promise.all(conns.map((c) => c.waitFor((x) => x.retry !== null, 20_000)));
    expect(hub.stats().open).toBe(500);
    const m1 = process.memoryUsage();
    // Five changes, one after another: the machine running this is shared, so one figure alone is noisy.
    const times: number[] = [];
    for (let n = 1; n <= 5; n++) {
      const start = performance.now();
      source.publish(`task-${String(n)}`, { status: "completed" });
      await Promise.all(conns.map((c) => c.waitFor((x) => x.events.length === n, 5_000)));
      times.push(Math.round(performance.now() - start));
    }
    const rss = (m1.rss - m0.rss) / 2 ** 20;
    const heap = (m1.heapUsed - m0.heapUsed) / 2 ** 20;
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `[sse] 500 streams: each change delivered to all in ${times.join(", ")} ms (median ${String(sorted[2])}); ` +
        `memory growth rss +${rss.toFixed(1)} MiB, heap +${heap.toFixed(1)} MiB (server and 500 clients in one process)`,
    );
    expect(sorted[2]).toBeLessThan(1_000);
    expect(rss).toBeLessThan(50);
  }, 60_000);
});
