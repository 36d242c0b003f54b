import type { ServerResponse } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { getTaskStore } from "@/lib/tasks";
import { type Answer, params, read, request, setupApp, veoBody } from "@/lib/testing/app-harness";
import { SUBMIT_PATH, TASK_PATH, foxError, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";

/*
 * Issue 10 item 2: a viewer's poll is answered within 3 s whatever FoxAPI does. These run the production client
 * (its real 10 s status timeout and Retry-After handling) against a fake FoxAPI on loopback that hangs or answers
 * 429 with Retry-After: 7, and count what reaches it.
 */

const app = setupApp({ quietErrors: true });

const statusReads = () => app.fake.requestsTo("GET", TASK_PATH);
const getTask = (id: string) => item.GET(request(`/api/generations/${id}`), params("id", id)).then(read);

async function timed(id: string): Promise<{ res: Answer; ms: number }> {
  const started = Date.now();
  const res = await getTask(id);
  return { res, ms: Date.now() - started };
}

async function runningTask(id: string): Promise<{ checkedAt: string }> {
  app.fake.enqueue("POST", SUBMIT_PATH, { json: foxTask({ id }) });
  const res = await collection.POST(request("/api/generations", { body: veoBody(app) })).then(read);
  expect(res.status).toBe(201);
  expect(typeof res.json.checkedAt).toBe("string");
  return res.json as { checkedAt: string };
}

describe("GET /api/generations/{id} answers within 3 s whatever the upstream does", () => {
  it("FoxAPI hangs: the stored status (with when it was checked) in < 3 s, one upstream read for every viewer, and the read finishes behind", async () => {
    const created = await runningTask("task-budget-hang");
    const hung: ServerResponse[] = [];
    app.fake.on("GET", TASK_PATH, (_req, res) => {
      hung.push(res);
    });

    const first = await timed("task-budget-hang");
    expect(first.ms).toBeLessThan(3000);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("cache-control")).toBe("no-store");
    expect(first.res.json).toMatchObject({ status: "pending", checkedAt: created.checkedAt });
    expect(statusReads()).toHaveLength(1);

    // Viewers arriving while the read is still hanging are answered at once from the store, costing nothing.
    const started = Date.now();
    const more = await Promise.all(Array.from({ length: 10 }, () => getTask("task-budget-hang")));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(more.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(more.map((a) => a.json.status)).toEqual(Array(10).fill("pending"));
    expect(statusReads()).toHaveLength(1);

    // FoxAPI finally answers the read that was left running: the answer is stored without any viewer waiting.
    expect(hung).toHaveLength(1);
    const body = JSON.stringify(foxTask({ id: "task-budget-hang", status: "processing", progress: 40 }));
    hung[0]!.writeHead(200, { "Content-Type": "application/json" }).end(body);
    await vi.waitFor(async () =>
      expect((await getTaskStore().get("task-budget-hang"))?.status).toBe("processing"),
    );
    expect(statusReads()).toHaveLength(1);

    app.fake.on("GET", TASK_PATH, {
      json: foxTask({ id: "task-budget-hang", status: "processing", progress: 60 }),
    });
    const after = await timed("task-budget-hang");
    expect(after.res.json).toMatchObject({ status: "processing", progress: 60 });
    expect(Date.parse(after.res.json.checkedAt as string)).toBeGreaterThan(Date.parse(created.checkedAt));
    expect(statusReads()).toHaveLength(2);
  });

  it("FoxAPI answers 429 with Retry-After: 7: the stored status in < 3 s instead of an error, and no extra upstream call", async () => {
    const created = await runningTask("task-budget-429");
    app.fake.enqueue(
      "GET",
      TASK_PATH,
      foxError(429, "rate_limit_error", "slow down", undefined, { "Retry-After": "7" }),
    );
    let answeredAt = 0;
    app.fake.on("GET", TASK_PATH, () => {
      answeredAt = Date.now();
      return { json: foxTask({ id: "task-budget-429", status: "processing", progress: 30 }) };
    });
    const askedAt = Date.now();

    const first = await timed("task-budget-429");
    expect(first.ms).toBeLessThan(3000);
    expect(first.res.status).toBe(200);
    expect(first.res.json).toMatchObject({ status: "pending", checkedAt: created.checkedAt, error: null });
    expect(statusReads()).toHaveLength(1);

    // Polls during the 7 s wait: answered at once, and the client's wait is not cut short by another read.
    for (let i = 0; i < 3; i++) {
      const poll = await timed("task-budget-429");
      expect(poll.ms).toBeLessThan(1000);
      expect(poll.res.status).toBe(200);
      expect(poll.res.json.status).toBe("pending");
    }
    expect(statusReads()).toHaveLength(1);

    // After Retry-After the client asks again, once, and the answer lands in the store.
    await vi.waitFor(
      async () => expect((await getTaskStore().get("task-budget-429"))?.status).toBe("processing"),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    expect(statusReads()).toHaveLength(2);
    expect(answeredAt - askedAt).toBeGreaterThanOrEqual(6900);
  }, 15_000);
});
