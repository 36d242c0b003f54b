import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { resetFoxClientForTests } from "@/lib/foxapi";
import { resetTaskServiceForTests } from "@/lib/tasks";
import { type FakeFoxApi, SUBMIT_PATH, TASK_PATH, foxTask, startFakeFoxApi } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";
import * as video from "./[id]/video/route";
import * as simFiles from "../simulator/files/[name]/route";

const ORIGIN = "http://127.0.0.1:3000";
const NAMES = [
  "FOXAPI_API_KEY",
  "FOXAPI_BASE_URL",
  "DATA_DIR",
  "SIMULATOR_DURATION_MS",
  "SIMULATOR_LINK_TTL_SECONDS",
  "STATUS_MIN_INTERVAL_MS",
];
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
let dataDir: string;

function configure(env: Record<string, string | undefined>) {
  resetTaskServiceForTests();
  for (const n of NAMES) delete process.env[n];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
  process.env.DATA_DIR = dataDir;
  resetEnvForTests();
  resetFoxClientForTests();
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function submit(body: unknown) {
  const res = await collection.POST(
    new Request(`${ORIGIN}/api/generations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: ORIGIN },
      body: JSON.stringify(body),
    }),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

async function poll(id: string) {
  const res = await item.GET(new Request(`${ORIGIN}/api/generations/${id}`), params(id));
  return (await res.json()) as { status: string; storage: string | null; upstreamResultUrl: string | null };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await sleep(100);
  }
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-archive-"));
});
afterEach(() => resetTaskServiceForTests());
afterAll(() => {
  for (const n of NAMES)
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  resetEnvForTests();
  resetFoxClientForTests();
});

describe("results kept in our storage", () => {
  it("serves the stored copy, with ranges and a download name, after the simulator's link has expired", async () => {
    configure({ SIMULATOR_DURATION_MS: "500", SIMULATOR_LINK_TTL_SECONDS: "1", STATUS_MIN_INTERVAL_MS: "0" });
    const task = await submit({
      model: "veo-3.1-extend-fast",
      prompt: "Stored before the link dies",
      video_url: "https://example.com/in.mp4",
    });
    const done = await until(
      () => poll(task.id),
      (t) => t.storage === "stored",
    );
    expect(done.status).toBe("completed");
    const link = done.upstreamResultUrl!;
    // Wait until the provider-side link is dead.
    await until(
      async () =>
        (
          await simFiles.GET(new Request(new URL(link, ORIGIN)), {
            params: Promise.resolve({ name: "result-16x9.mp4" }),
          })
        ).status,
      (s) => s === 410,
      4000,
    );

    const expected = fs.readFileSync(path.join(process.cwd(), "public/samples/result-16x9.mp4"));
    const full = await video.GET(new Request(`${ORIGIN}/api/generations/${task.id}/video`), params(task.id));
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("video/mp4");
    expect(full.headers.get("content-length")).toBe(String(expected.length));
    expect(Buffer.from(await full.arrayBuffer()).equals(expected)).toBe(true);

    const ranged = await video.GET(
      new Request(`${ORIGIN}/api/generations/${task.id}/video`, { headers: { Range: "bytes=100-199" } }),
      params(task.id),
    );
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 100-199/${String(expected.length)}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(expected.subarray(100, 200))).toBe(true);

    const named = await video.GET(
      new Request(`${ORIGIN}/api/generations/${task.id}/video?download=1`),
      params(task.id),
    );
    const today = new Date().toISOString().slice(0, 10);
    expect(named.headers.get("content-disposition")).toBe(
      `attachment; filename="veo-3.1-extend-fast_stored-before-the-link-dies_${today}.mp4"; filename*=UTF-8''veo-3.1-extend-fast_stored-before-the-link-dies_${today}.mp4`,
    );
  });

  describe("against a fake FoxAPI on loopback", () => {
    let fake: FakeFoxApi;
    beforeEach(async () => {
      fake = await startFakeFoxApi();
    });
    afterEach(async () => {
      await fake.close();
    });

    it("refuses a result that is not a video, keeps the task, and retries later", async () => {
      configure({
        FOXAPI_API_KEY: "canary-key-archive",
        FOXAPI_BASE_URL: fake.url,
        STATUS_MIN_INTERVAL_MS: "0",
      });
      let served = "<html>not a video</html>";
      fake.on("GET", "/files/out.mp4", () => ({
        status: 200,
        headers: { "Content-Type": "text/html" },
        body: served,
      }));
      fake.on("POST", SUBMIT_PATH, () => ({ json: foxTask({ id: "task-a1", status: "pending" }) }));
      fake.on("GET", TASK_PATH, () => ({
        json: foxTask({
          id: "task-a1",
          status: "completed",
          progress: 100,
          results: [{ url: `${fake.url}/files/out.mp4` }],
        }),
      }));
      const task = await submit({
        model: "veo-3.1-extend",
        prompt: "p",
        video_url: "https://example.com/in.mp4",
      });
      await poll(task.id);
      const { getTaskStore } = await import("@/lib/tasks");
      const failed = await until(
        async () => getTaskStore().get(task.id)!,
        (r) => r.archiveStatus === "failed",
      );
      expect(failed.status).toBe("completed");
      expect(failed.archiveError).toContain("did not return a video");
      expect(failed.archiveNextAt).toBeGreaterThan(Date.now());

      // Not stored yet: the video route sends the browser to the provider's link.
      const redirect = await video.GET(
        new Request(`${ORIGIN}/api/generations/${task.id}/video`),
        params(task.id),
      );
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get("location")).toBe(`${fake.url}/files/out.mp4`);

      served = "";
      const mp4 = fs.readFileSync(path.join(process.cwd(), "public/samples/result-16x9.mp4"));
      fake.on("GET", "/files/out.mp4", (_req, res) => {
        res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": String(mp4.length) });
        res.end(mp4);
      });
      const { getTaskService } = await import("@/lib/tasks");
      getTaskStore().update(task.id, { archiveNextAt: Date.now() - 1 });
      await getTaskService().sweep();
      expect(getTaskStore().get(task.id)!.archiveStatus).toBe("stored");
      expect(fs.readFileSync(path.join(dataDir, "results", "task-a1.mp4")).equals(mp4)).toBe(true);
    });
  });
});
