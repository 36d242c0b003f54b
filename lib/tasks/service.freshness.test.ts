import { describe, expect, it } from "vitest";
import type { FoxClient } from "../foxapi/client";
import type { NormalizedTask } from "../foxapi/normalize";
import { createTaskService } from "./service";
import { TaskStore } from "./store";

/** How often the service asks the upstream about a running task, as the task ages (bench/upstream-calls.mjs). */
describe("status freshness", () => {
  function setup() {
    let clock = 1_700_000_000_000;
    let reads = 0;
    const task = (status: NormalizedTask["status"]): NormalizedTask => ({
      id: "task-fresh-1",
      model: "veo-3.1-extend",
      status,
      rawStatus: status,
      progress: 10,
      createdAt: null,
      estimatedSeconds: 60,
      resultUrl: null,
      error: null,
      creditsReserved: null,
    });
    const client: FoxClient = {
      createTask: () => Promise.resolve(task("pending")),
      getTask: () => {
        reads++;
        return Promise.resolve(task("processing"));
      },
      uploadFile: () => Promise.reject(new Error("not used")),
    };
    const service = createTaskService({
      store: new TaskStore(":memory:"),
      client,
      minIntervalMs: 2_000,
      now: () => clock,
    });
    return {
      service,
      reads: () => reads,
      advance: (ms: number) => {
        clock += ms;
      },
    };
  }
  const body = { model: "veo-3.1-extend", prompt: "Keep panning", video_url: "https://example.com/a.mp4" };

  it("a young task is refreshed once per STATUS_MIN_INTERVAL_MS", async () => {
    const t = setup();
    const { task } = await t.service.submit(body);
    t.advance(1_999);
    await t.service.refresh(task.id);
    expect(t.reads()).toBe(0);
    t.advance(1);
    await t.service.refresh(task.id);
    expect(t.reads()).toBe(1);
  });

  it("an older task is refreshed once per fifth of its age, at most every 6 intervals", async () => {
    const t = setup();
    const { task } = await t.service.submit(body);
    t.advance(50_000);
    await t.service.refresh(task.id);
    expect(t.reads()).toBe(1);
    // Age 59 s: 9 s since the last read is under a fifth of the age (11.8 s): served from the store.
    t.advance(9_000);
    await t.service.refresh(task.id);
    expect(t.reads()).toBe(1);
    // Age 62 s: 12 s since the last read, the cap (6 × 2 s): asked again.
    t.advance(3_000);
    await t.service.refresh(task.id);
    expect(t.reads()).toBe(2);
    // An hour in, the cap still holds: 12 s.
    t.advance(3_600_000);
    await t.service.refresh(task.id);
    t.advance(11_999);
    await t.service.refresh(task.id);
    expect(t.reads()).toBe(3);
    t.advance(1);
    await t.service.refresh(task.id);
    expect(t.reads()).toBe(4);
  });

  it("one browser backing off (2 s × 1.25ⁿ, to 15 s) is answered fresh on every poll", async () => {
    const t = setup();
    const { task } = await t.service.submit(body);
    let gap = 2_000;
    for (let poll = 1; poll <= 20; poll++) {
      t.advance(gap);
      await t.service.refresh(task.id);
      expect(t.reads()).toBe(poll);
      gap = Math.min(15_000, Math.round(gap * 1.25));
    }
  });
});
