import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type EventSourceLike, type LiveMode, openLiveUpdates } from "./client";

/** A stand-in for the browser's EventSource: the test says what arrives and when it fails. */
class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private listeners = new Map<string, ((e: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, l: (e: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data: string, lastEventId = "") {
    this.readyState = 1;
    for (const l of this.listeners.get(type) ?? []) l({ data, lastEventId } as MessageEvent<string>);
  }
  fail(giveUp = false) {
    this.readyState = giveUp ? 2 : 0;
    for (const l of this.listeners.get("error") ?? []) l({} as MessageEvent<string>);
  }
}

let sources: FakeEventSource[];
let modes: [LiveMode, string | undefined][];
let changes: [unknown, string][];
let ends: string[];
const last = () => sources.at(-1)!;

function open(extra: Partial<Parameters<typeof openLiveUpdates>[0]> = {}) {
  return openLiveUpdates({
    onChange: (t, id) => changes.push([t, id]),
    onMode: (m, r) => modes.push([m, r]),
    onEnd: (r) => ends.push(r),
    openTimeoutMs: 5_000,
    heartbeatMs: 15_000,
    retryLiveMs: 60_000,
    createEventSource: (url) => {
      const s = new FakeEventSource(url);
      sources.push(s);
      return s;
    },
    ...extra,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  sources = [];
  modes = [];
  changes = [];
  ends = [];
  // Falling back is not an error: nothing may be logged as one.
  vi.spyOn(console, "error").mockImplementation(() => {
    throw new Error("console.error called");
  });
  vi.spyOn(console, "warn").mockImplementation(() => {
    throw new Error("console.warn called");
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("openLiveUpdates", () => {
  it("opens the events route, goes live on the first ping and hands over each task change", () => {
    const h = open();
    expect(last().url).toBe("/api/generations/events");
    expect(h.mode()).toBe("connecting");
    last().emit("ping", "{}");
    expect(h.mode()).toBe("live");
    last().emit("task", '{"id":"t1","status":"completed"}', "42");
    expect(changes).toEqual([[{ id: "t1", status: "completed" }, "42"]]);
    expect(modes).toEqual([["live", undefined]]);
  });

  it("drops an unreadable event and what `parse` refuses", () => {
    open({ parse: (d) => ((d as { id?: unknown }).id === "ok" ? d : null) });
    last().emit("task", "{not json", "1");
    last().emit("task", '{"id":"bad"}', "2");
    last().emit("task", '{"id":"ok"}', "3");
    expect(changes).toEqual([[{ id: "ok" }, "3"]]);
  });

  it("falls back to polling when nothing arrives within the open timeout, and tries live again later", () => {
    const h = open();
    vi.advanceTimersByTime(4_999);
    expect(h.mode()).toBe("connecting");
    vi.advanceTimersByTime(1);
    expect(h.mode()).toBe("polling");
    expect(modes).toEqual([["polling", "no_open"]]);
    expect(sources[0]!.closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sources).toHaveLength(2);
    last().emit("ping", "{}");
    expect(h.mode()).toBe("live");
  });

  it("treats silence for two heartbeats as a proxy holding the stream back", () => {
    const h = open();
    last().emit("ping", "{}");
    // Pings every heartbeat keep it live for as long as they come.
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(15_000);
      last().emit("ping", "{}");
    }
    expect(h.mode()).toBe("live");
    vi.advanceTimersByTime(29_999);
    expect(h.mode()).toBe("live");
    vi.advanceTimersByTime(1);
    expect(modes.at(-1)).toEqual(["polling", "silent"]);
    expect(sources[0]!.closed).toBe(true);
  });

  it("falls back at once when the server refuses the stream (EventSource gives up)", () => {
    const h = open();
    last().fail(true);
    expect(h.mode()).toBe("polling");
    expect(modes).toEqual([["polling", "refused"]]);
  });

  it("lets EventSource reconnect by itself, and falls back only after a run of errors", () => {
    const h = open();
    last().emit("ping", "{}");
    last().fail();
    last().fail();
    last().emit("ping", "{}");
    last().fail();
    last().fail();
    expect(h.mode()).toBe("live");
    last().fail();
    expect(modes.at(-1)).toEqual(["polling", "errors"]);
    expect(sources).toHaveLength(1);
  });

  it("ignores a closed source's late events", () => {
    const h = open();
    vi.advanceTimersByTime(5_000);
    const old = sources[0]!;
    old.emit("task", '{"id":"late"}', "9");
    old.emit("ping", "{}");
    expect(changes).toEqual([]);
    expect(h.mode()).toBe("polling");
  });

  it("stops for good when the server ends the stream (sign-out)", () => {
    const h = open();
    last().emit("ping", "{}");
    last().emit("end", '{"reason":"signed_out"}');
    expect(ends).toEqual(["signed_out"]);
    expect(last().closed).toBe(true);
    vi.advanceTimersByTime(3_600_000);
    expect(sources).toHaveLength(1);
    expect(h.mode()).toBe("live");
  });

  it("without EventSource, polls and never retries", () => {
    const h = openLiveUpdates({ onChange: () => undefined, onMode: (m, r) => modes.push([m, r]) });
    expect(typeof EventSource).toBe("undefined");
    expect(h.mode()).toBe("polling");
    expect(modes).toEqual([["polling", "unsupported"]]);
  });

  it("close() stops the stream and every timer", () => {
    const h = open();
    vi.advanceTimersByTime(5_000);
    h.close();
    vi.advanceTimersByTime(3_600_000);
    expect(sources).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("backs off between live attempts, up to a ceiling", () => {
    open({ retryLiveMaxMs: 200_000 });
    const opened: number[] = [];
    let t = 0;
    for (let i = 0; i < 6; i++) {
      const n = sources.length;
      while (sources.length === n) {
        vi.advanceTimersByTime(1_000);
        t += 1_000;
      }
      opened.push(t);
    }
    // 5 s open timeout, then waits of 60, 120, 200, 200, … s.
    const waits = opened.map((x, i) => x - (i === 0 ? 0 : opened[i - 1]!) - 5_000);
    expect(waits).toEqual([60_000, 120_000, 200_000, 200_000, 200_000, 200_000]);
  });
});
