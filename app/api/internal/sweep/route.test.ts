import { describe, expect, it, vi } from "vitest";
import { read, request, setupApp } from "@/lib/testing/app-harness";
import { SUBMIT_PATH, TASK_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "../../generations/route";
import * as sweep from "./route";

const app = setupApp();
const SECRET = "sweep-secret-for-route-tests-0123456789";

const call = (authorization?: string) =>
  sweep
    .POST(
      request("/api/internal/sweep", {
        method: "POST",
        headers: authorization ? { Authorization: authorization } : {},
      }),
    )
    .then(read);

describe("POST /api/internal/sweep", () => {
  it("does not exist (404) while SWEEP_SECRET is unset, whatever is sent", async () => {
    const res = await call(`Bearer ${SECRET}`);
    expect(res.status).toBe(404);
    expect(app.fake.requests.length).toBe(0);
  });

  it("refuses a missing, wrong or prefix-only secret with 401 and does no work", async () => {
    app.configure({ SWEEP_SECRET: SECRET });
    for (const auth of [
      undefined,
      "Bearer wrong",
      `Bearer ${SECRET.slice(0, -1)}`,
      SECRET,
      `Basic ${SECRET}`,
    ]) {
      const res = await call(auth);
      expect(res.status).toBe(401);
      expect((res.json as { error: { code: string } }).error.code).toBe("wrong_secret");
    }
    expect(app.fake.requests.length).toBe(0);
  });

  it("follows an unfinished task once with the right secret and says what it did", async () => {
    app.configure({ SWEEP_SECRET: SECRET, BACKGROUND_WORKER: "off" });
    app.fake.on("POST", SUBMIT_PATH, () => ({ json: foxTask({ id: "task-s1", status: "pending" }) }));
    app.fake.on("GET", TASK_PATH, () => ({
      json: foxTask({ id: "task-s1", status: "processing", progress: 40 }),
    }));
    const submitted = await collection
      .POST(
        request("/api/generations", {
          body: { model: "veo-3.1-extend", prompt: "p", video_url: "https://example.com/in.mp4" },
        }),
      )
      .then(read);
    expect(submitted.status).toBe(201);
    const { getTaskStore } = await import("@/lib/tasks");
    const id = (submitted.json as { id: string }).id;
    // Last checked long ago: due for the sweep.
    await getTaskStore().update(id, { checkedAt: Date.now() - 10 * 60_000 });
    const before = app.fake.requestsTo("GET", TASK_PATH).length;
    const res = await call(`Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ refreshed: 1, archived: 0 });
    expect(app.fake.requestsTo("GET", TASK_PATH).length).toBe(before + 1);
    expect((await getTaskStore().get(id))!.progress).toBe(40);
  });

  it("is refused at start-up when the secret is too short, and BACKGROUND_WORKER takes only on or off", async () => {
    const { parseEnv } = await import("@/lib/env");
    expect(() => parseEnv({ SWEEP_SECRET: "short" })).toThrow(/SWEEP_SECRET must be at least 32 characters/);
    expect(() => parseEnv({ BACKGROUND_WORKER: "no" })).toThrow(/BACKGROUND_WORKER must be on or off/);
    expect(parseEnv({}).BACKGROUND_WORKER).toBe(true);
    expect(parseEnv({ BACKGROUND_WORKER: "off" }).BACKGROUND_WORKER).toBe(false);
  });

  it("BACKGROUND_WORKER=off starts no in-process worker; on (the default) does", async () => {
    const { startBackgroundWorker, resetTaskServiceForTests } = await import("@/lib/tasks");
    const timers = vi.spyOn(globalThis, "setInterval");
    try {
      app.configure({ BACKGROUND_WORKER: "off" });
      startBackgroundWorker(60_000);
      expect(timers).not.toHaveBeenCalled();
      app.configure({ BACKGROUND_WORKER: "on" });
      startBackgroundWorker(60_000);
      expect(timers).toHaveBeenCalledTimes(1);
    } finally {
      timers.mockRestore();
      resetTaskServiceForTests();
    }
  });
});
