import { describe, expect, it } from "vitest";
import { generationRequestSchema } from "../models";
import type { FoxClient } from "../foxapi/client";
import type { NormalizedTask } from "../foxapi/normalize";
import { ApiError } from "../api/errors";
import { createTaskService } from "./service";
import { TaskStore } from "./store";
import { createSubmissions, hashRequest } from "./submissions";

const body = { model: "veo-3.1-extend", prompt: "Keeps going", video_url: "https://example.com/in.mp4" };

function fakeClient(id: string) {
  const calls: Record<string, unknown>[] = [];
  const task: NormalizedTask = {
    id,
    model: "veo-3.1-extend",
    status: "pending",
    rawStatus: "pending",
    progress: 0,
    createdAt: null,
    estimatedSeconds: 45,
    resultUrl: null,
    error: null,
    creditsReserved: null,
  };
  const client: FoxClient = {
    createTask: (b) => {
      calls.push(b);
      return Promise.resolve(task);
    },
    getTask: () => Promise.resolve(task),
    uploadFile: () => Promise.reject(new Error("not used")),
  };
  return { client, calls };
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    return err instanceof ApiError ? `${String(err.status)} ${err.code}` : String(err);
  }
}

describe("submits that lost their way", () => {
  it("a submit left 'sending' by a dead process is an unknown outcome after a minute, never re-sent", async () => {
    let clock = 1_800_000_000_000;
    const store = new TaskStore(":memory:");
    const { client, calls } = fakeClient("task-x");
    const service = createTaskService({ store, client, minIntervalMs: 0, now: () => clock });
    // What a process that died mid-submit leaves behind: the reservation, and no answer.
    const request = generationRequestSchema.parse(body);
    await createSubmissions(store).reserve({
      sessionId: "anonymous",
      key: "k-1",
      hash: hashRequest({ request, parentId: null }),
      cap: undefined,
      now: clock,
    });

    clock += 30_000;
    expect(await code(service.submit(body, { idempotencyKey: "k-1" }))).toBe("409 submit_in_progress");
    clock += 31_000;
    expect(await code(service.submit(body, { idempotencyKey: "k-1" }))).toBe("504 submit_outcome_unknown");
    expect(await code(service.submit(body, { idempotencyKey: "k-1" }))).toBe("504 submit_outcome_unknown");
    expect(calls).toHaveLength(0);
    // A new key is a deliberate new attempt.
    expect(await code(service.submit(body, { idempotencyKey: "k-2" }))).toBe("ok");
    expect(calls).toHaveLength(1);
  });

  it("an upstream id we already hold keeps the existing record instead of failing the submit", async () => {
    const store = new TaskStore(":memory:");
    const { client, calls } = fakeClient("task-dup");
    const service = createTaskService({ store, client, minIntervalMs: 0 });
    const first = await service.submit(body, { idempotencyKey: "a" });
    const second = await service.submit({ ...body, prompt: "Another" }, { idempotencyKey: "b" });
    expect(calls).toHaveLength(2);
    expect(second.task.id).toBe(first.task.id);
    expect(second.task.input.prompt).toBe("Keeps going");
    expect((await service.list({})).tasks).toHaveLength(1);
    // The second key now answers with that task, not a 409.
    expect((await service.submit({ ...body, prompt: "Another" }, { idempotencyKey: "b" })).replayed).toBe(
      true,
    );
  });
});
