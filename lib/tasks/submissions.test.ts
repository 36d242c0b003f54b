import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Submissions, createSubmissions, hashRequest, secondsToNextDay, utcDay } from "./submissions";
import { TaskStore } from "./store";

let store: TaskStore;
let subs: Submissions;
const NOON = Date.UTC(2031, 4, 6, 12);

beforeEach(() => {
  store = new TaskStore(":memory:");
  subs = createSubmissions(store);
});
afterEach(() => store.close());

const reserve = (sessionId: string, key: string | null, hash: string, cap?: number, now = NOON) =>
  subs.reserve({ sessionId, key, hash, cap, now });

describe("submissions.reserve", () => {
  it("a new key is reserved once; the same key and body is 'existing', a different body 'mismatch'", () => {
    const first = reserve("s1", "k", "h1");
    expect(first.kind).toBe("new");
    const again = reserve("s1", "k", "h1");
    expect(again).toMatchObject({ kind: "existing" });
    const other = reserve("s1", "k", "h2");
    expect(other).toMatchObject({ kind: "mismatch" });
    if (first.kind === "new" && again.kind === "existing")
      expect(again.submission.id).toBe(first.submission.id);
  });

  it("keys are per session, and requests without a key never match each other", () => {
    expect(reserve("s1", "k", "h1").kind).toBe("new");
    expect(reserve("s2", "k", "h2").kind).toBe("new");
    expect(reserve("s1", null, "h1").kind).toBe("new");
    expect(reserve("s1", null, "h1").kind).toBe("new");
    expect(subs.usedToday(NOON)).toBe(4);
  });

  it("the cap counts sending, created and unknown, not rejected; it is shared by every session", () => {
    const ids: number[] = [];
    for (const s of ["a", "b", "c", "d"]) {
      const r = reserve(s, null, "h", 4);
      expect(r.kind).toBe("new");
      if (r.kind === "new") ids.push(r.submission.id);
    }
    expect(reserve("e", null, "h", 4)).toEqual({ kind: "over_cap", used: 4, cap: 4 });
    subs.finish(ids[0]!, "created", "task-1", null);
    subs.finish(ids[1]!, "unknown", null, { status: 504 });
    expect(reserve("e", null, "h", 4).kind).toBe("over_cap");
    subs.finish(ids[2]!, "rejected", null, { status: 422 });
    expect(reserve("e", null, "h", 4).kind).toBe("new");
    expect(reserve("f", null, "h", 4).kind).toBe("over_cap");
  });

  it("a replay of an existing key is answered even when the cap is used up", () => {
    const r = reserve("s", "k", "h", 1);
    expect(r.kind).toBe("new");
    expect(reserve("s", "other", "h", 1).kind).toBe("over_cap");
    expect(reserve("s", "k", "h", 1).kind).toBe("existing");
  });

  it("a refused key is a fresh attempt when retried (counted again); an unknown one never is", () => {
    const r = reserve("s", "refused", "h", 2);
    if (r.kind !== "new") throw new Error("expected new");
    subs.finish(r.submission.id, "rejected", null, { status: 402 });
    expect(subs.usedToday(NOON)).toBe(0);
    const retry = reserve("s", "refused", "h", 2, NOON + 1000);
    expect(retry.kind).toBe("new");
    if (retry.kind === "new") {
      expect(retry.submission.id).toBe(r.submission.id);
      expect(retry.submission).toMatchObject({ state: "sending", error: null, createdAt: NOON + 1000 });
    }
    expect(subs.usedToday(NOON)).toBe(1);
    // The retry of a refused key with a different body is still a misuse of the key.
    expect(reserve("s", "refused", "h-other", 2).kind).toBe("mismatch");

    const u = reserve("s", "unknown", "h", 2);
    if (u.kind !== "new") throw new Error("expected new");
    subs.finish(u.submission.id, "unknown", null, { status: 504 });
    expect(reserve("s", "unknown", "h", 2)).toMatchObject({
      kind: "existing",
      submission: { state: "unknown" },
    });
  });

  it("a refused key retried when the cap is full stays refused and is not re-counted", () => {
    const r = reserve("s", "refused", "h", 1);
    if (r.kind !== "new") throw new Error("expected new");
    subs.finish(r.submission.id, "rejected", null, { status: 429 });
    expect(reserve("s", "filler", "h", 1).kind).toBe("new");
    expect(reserve("s", "refused", "h", 1).kind).toBe("over_cap");
    expect(subs.get(r.submission.id)?.state).toBe("rejected");
  });

  it("the cap is per UTC day", () => {
    const lastSecond = Date.UTC(2031, 4, 6, 23, 59, 59, 500);
    const midnight = Date.UTC(2031, 4, 7);
    expect(reserve("s", null, "h", 1, lastSecond).kind).toBe("new");
    expect(reserve("s", null, "h", 1, lastSecond).kind).toBe("over_cap");
    expect(reserve("s", null, "h", 1, midnight).kind).toBe("new");
    expect(utcDay(lastSecond)).toBe("2031-05-06");
    expect(utcDay(midnight)).toBe("2031-05-07");
  });

  it("property: whatever the sequence of submits and outcomes, a day never holds more than the cap", () => {
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
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(op, { maxLength: 40 }), (cap, ops) => {
        const local = new TaskStore(":memory:");
        try {
          const s = createSubmissions(local);
          const reserved: number[] = [];
          const seen = new Map<string, { hash: string; id: number }>();
          for (const o of ops) {
            if (o.t === "finish") {
              if (reserved.length === 0) continue;
              const id = reserved[o.which % reserved.length]!;
              if (s.get(id)?.state === "sending") s.finish(id, o.state, null, null);
              continue;
            }
            const now = NOON + o.at * 86_400_000;
            const r = s.reserve({ sessionId: o.session, key: o.key, hash: o.hash, cap, now });
            const prior = o.key ? seen.get(`${o.session}/${o.key}`) : undefined;
            if (prior && prior.hash !== o.hash) expect(r.kind).toBe("mismatch");
            if (!prior) expect(["new", "over_cap"]).toContain(r.kind);
            if (r.kind === "existing" || r.kind === "mismatch") expect(r.submission.id).toBe(prior?.id);
            if (r.kind === "new") {
              if (!reserved.includes(r.submission.id)) reserved.push(r.submission.id);
              if (o.key) seen.set(`${o.session}/${o.key}`, { hash: o.hash, id: r.submission.id });
            }
            for (let d = 0; d <= 2; d++) expect(s.usedToday(NOON + d * 86_400_000)).toBeLessThanOrEqual(cap);
          }
        } finally {
          local.close();
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("hashRequest and secondsToNextDay", () => {
  it("hashes the request, not its spelling: key order is irrelevant, values and array order are not", () => {
    expect(hashRequest({ a: 1, b: { c: [1, 2], d: "x" } })).toBe(
      hashRequest({ b: { d: "x", c: [1, 2] }, a: 1 }),
    );
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: 2 }));
    expect(hashRequest({ a: [1, 2] })).not.toBe(hashRequest({ a: [2, 1] }));
    expect(hashRequest({ a: null })).not.toBe(hashRequest({}));
  });

  it.each([
    [Date.UTC(2031, 0, 1, 0, 0, 0, 0), 86_400],
    [Date.UTC(2031, 0, 1, 12), 43_200],
    [Date.UTC(2031, 0, 1, 23, 59, 59, 0), 1],
    [Date.UTC(2031, 0, 1, 23, 59, 59, 999), 1],
  ])("secondsToNextDay(%i) = %i", (t, expected) => {
    expect(secondsToNextDay(t)).toBe(expected);
  });
});
