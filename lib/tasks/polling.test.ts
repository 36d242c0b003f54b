import { describe, expect, it } from "vitest";
import {
  POLL_DEADLINE_MS,
  POLL_FIRST_MS,
  POLL_MAX_MS,
  STORAGE_POLL_MS,
  pollInterval,
  type PollState,
} from "./polling";
import type { TaskView } from "./types";

const created = Date.parse("2026-11-22T10:00:00Z");
const task = (over: Partial<TaskView> = {}): TaskView =>
  ({
    id: "t",
    status: "processing",
    storage: null,
    createdAt: new Date(created).toISOString(),
    ...over,
  }) as TaskView;
const state = (over: Partial<PollState> = {}): PollState => ({
  data: task(),
  dataUpdateCount: 1,
  dataUpdatedAt: created + 1000,
  error: null,
  ...over,
});

describe("pollInterval", () => {
  it("starts at a couple of seconds and backs off to a cap", () => {
    const intervals = [1, 2, 3, 5, 10, 20, 40].map((n) => pollInterval(state({ dataUpdateCount: n })));
    expect(intervals[0]).toBe(POLL_FIRST_MS);
    for (let i = 1; i < intervals.length; i++) expect(intervals[i]! >= intervals[i - 1]!).toBe(true);
    expect(intervals.at(-1)).toBe(POLL_MAX_MS);
  });

  it("stops on every terminal state", () => {
    expect(pollInterval(state({ data: task({ status: "failed" }) }))).toBe(false);
    expect(pollInterval(state({ data: task({ status: "completed", storage: "stored" }) }))).toBe(false);
  });

  it("keeps looking, slowly, while a completed result is still only on the provider's link", () => {
    expect(pollInterval(state({ data: task({ status: "completed", storage: "provider" }) }))).toBe(
      STORAGE_POLL_MS,
    );
  });

  it("stops at the deadline, judged from the query's own timestamps", () => {
    expect(pollInterval(state({ dataUpdatedAt: created + POLL_DEADLINE_MS - 1 }))).not.toBe(false);
    expect(pollInterval(state({ dataUpdatedAt: created + POLL_DEADLINE_MS + 1 }))).toBe(false);
  });

  it("stops on errors more asking won't fix, and honours Retry-After on the rest", () => {
    expect(pollInterval(state({ error: { retryable: false } }))).toBe(false);
    expect(pollInterval(state({ error: { retryable: true, retryAfterMs: 9_000 } }))).toBe(9_000);
    expect(pollInterval(state({ error: { retryable: true } }))).toBe(POLL_FIRST_MS);
  });

  it("treats an unknown upstream status as still running", () => {
    expect(pollInterval(state({ data: task({ status: "unknown" }) }))).toBe(POLL_FIRST_MS);
  });
});
