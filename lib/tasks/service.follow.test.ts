import { afterEach, describe, expect, it } from "vitest";
import type { FoxClient } from "../foxapi/client";
import type { NormalizedTask } from "../foxapi/normalize";
import { createTaskService } from "./service";
import { TaskStore } from "./store";

/*
 * Live results (issue 16): with `follow`, the server asks the upstream about a running task on its own schedule,
 * holding the task's status lease; viewers' reads then add no upstream calls, and every change is announced.
 */

const base: NormalizedTask = {
  id: "task-follow-1",
  model: "veo-3.1-extend",
  status: "processing",
  rawStatus: "processing",
  progress: 0,
  createdAt: null,
  estimatedSeconds: null,
  resultUrl: null,
  error: null,
  creditsReserved: null,
};

/** An upstream whose task finishes `finishAfterMs` after it was created; counts status reads. */
function upstream(finishAfterMs: number) {
  let createdAt = 0;
  const reads: number[] = [];
  const client = {
    createTask: () => {
      createdAt = Date.now();
      return Promise.resolve({ ...base, status: "pending", rawStatus: "pending" });
    },
    getTask: () => {
      reads.push(Date.now() - createdAt);
      const done = Date.now() - createdAt >= finishAfterMs;
      return Promise.resolve(
        done
          ? {
              ...base,
              status: "completed",
              rawStatus: "completed",
              progress: 100,
              resultUrl: "https://cdn.example/o.mp4",
            }
          : { ...base, progress: 50 },
      );
    },
  } as unknown as FoxClient;
  return { client, reads };
}

const stores: TaskStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe("following running tasks", () => {
  it("follows a task to completion by itself, announces each change, and viewers' reads add no calls", async () => {
    const fox = upstream(1_200);
    const store = new TaskStore(":memory:");
    stores.push(store);
    const changes: string[] = [];
    store.onChange((c) => changes.push(c.seq));
    // minIntervalMs 250: the old backoff at 250 ms × 1.25ⁿ, since there is no history and no hint.
    const service = createTaskService({ store, client: fox.client, minIntervalMs: 250, follow: true });
    const { task } = await service.submit({
      model: "veo-3.1-extend",
      prompt: "The camera keeps panning",
      video_url: "https://example.com/a.mp4",
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(service.isFollowing(task.id)).toBe(true);

    // Twenty viewers polling all the time cost nothing upstream while the server follows the task.
    const viewers = setInterval(() => {
      for (let i = 0; i < 20; i++) void service.refresh(task.id);
    }, 20);
    const deadline = Date.now() + 8_000;
    while ((await service.get(task.id)).status !== "completed" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    clearInterval(viewers);

    expect((await service.get(task.id)).status).toBe("completed");
    expect(service.isFollowing(task.id)).toBe(false);
    // The old backoff's ages below 1.2 s: 250, 563, 953 ms, then the one that sees it finished: 4 calls, not 20×.
    expect(fox.reads.length).toBeGreaterThanOrEqual(2);
    expect(fox.reads.length).toBeLessThanOrEqual(5);
    // Submit, each status answer: every one a new, growing change number.
    expect(changes.length).toBeGreaterThanOrEqual(fox.reads.length + 1);
    expect(changes.map(Number)).toEqual([...changes.map(Number)].sort((a, b) => a - b));
    // The lease is released once the task is finished.
    expect(await store.acquireLease("status", task.id, "someone-else", Date.now(), 1_000)).toBeDefined();
  });

  it("a task another replica follows is left to it: its lease is never taken, no call is made here", async () => {
    const fox = upstream(60_000);
    const store = new TaskStore(":memory:");
    stores.push(store);
    const a = createTaskService({ store, client: fox.client, minIntervalMs: 250, follow: true, owner: "a" });
    const b = createTaskService({ store, client: fox.client, minIntervalMs: 250, follow: true, owner: "b" });
    const { task } = await a.submit({
      model: "veo-3.1-extend",
      prompt: "The camera keeps panning",
      video_url: "https://example.com/a.mp4",
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(a.isFollowing(task.id)).toBe(true);
    expect((await b.sweep()).refreshed).toBe(0);
    expect(b.isFollowing(task.id)).toBe(false);
    const before = fox.reads.length;
    for (let i = 0; i < 10; i++) await b.refresh(task.id);
    expect(fox.reads.length).toBe(before);
    await a.stopFollowing();
    // Released: B's next sweep takes the task up.
    await b.sweep();
    expect(b.isFollowing(task.id)).toBe(true);
    await b.stopFollowing();
  });

  it("a follower that dies strands its task only until shortly after its next planned check", async () => {
    const fox = upstream(600_000);
    const store = new TaskStore(":memory:");
    stores.push(store);
    const a = createTaskService({ store, client: fox.client, minIntervalMs: 250, follow: true, owner: "a" });
    const { task } = await a.submit({
      model: "veo-3.1-extend",
      prompt: "The camera keeps panning",
      video_url: "https://example.com/a.mp4",
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(a.isFollowing(task.id)).toBe(true);
    // B, 15 s later as its clock says (A "died": its timers never renew the lease B sees as run out).
    const later = createTaskService({
      store,
      client: fox.client,
      minIntervalMs: 250,
      follow: true,
      owner: "b",
      now: () => Date.now() + 15_000,
    });
    const soon = createTaskService({
      store,
      client: fox.client,
      minIntervalMs: 250,
      follow: true,
      owner: "c",
      now: () => Date.now() + 1_000,
    });
    await soon.sweep();
    expect(soon.isFollowing(task.id)).toBe(false);
    await later.sweep();
    expect(later.isFollowing(task.id)).toBe(true);
    await a.stopFollowing();
    await later.stopFollowing();
  });

  it("past the schedule's 30-minute deadline a task is no longer followed, but the sweep still asks about it", async () => {
    const fox = upstream(3_600_000);
    const store = new TaskStore(":memory:");
    stores.push(store);
    const a = createTaskService({ store, client: fox.client, minIntervalMs: 250, owner: "a" });
    const { task } = await a.submit({
      model: "veo-3.1-extend",
      prompt: "The camera keeps panning",
      video_url: "https://example.com/a.mp4",
    });
    const later = createTaskService({
      store,
      client: fox.client,
      minIntervalMs: 250,
      follow: true,
      owner: "b",
      now: () => Date.now() + 31 * 60_000,
    });
    expect((await later.sweep()).refreshed).toBe(1);
    expect(later.isFollowing(task.id)).toBe(false);
    expect(fox.reads).toHaveLength(1);
  });
});
