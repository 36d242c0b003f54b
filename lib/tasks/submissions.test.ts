import { describe, expect, it } from "vitest";
import { hashRequest, secondsToNextDay } from "./submissions";

// The reservation rules (keys, the daily cap) are in the store contract suite, run on every engine:
// lib/db/store.contract.test.ts.

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
