import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { params, read, request, setupApp, sleep } from "@/lib/testing/app-harness";
import { SUBMIT_PATH, TASK_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";
import * as video from "./[id]/video/route";
import * as simFiles from "../simulator/files/[name]/route";

const app = setupApp();
const s3Vars =
  process.env.S3_BUCKET && process.env.S3_ENDPOINT
    ? Object.fromEntries(
        [
          "S3_BUCKET",
          "S3_ENDPOINT",
          "S3_REGION",
          "S3_ACCESS_KEY_ID",
          "S3_SECRET_ACCESS_KEY",
          "S3_FORCE_PATH_STYLE",
        ].map((n) => [n, process.env[n]]),
      )
    : null;

async function submit(body: unknown) {
  const res = await collection.POST(request("/api/generations", { body })).then(read);
  expect(res.status).toBe(201);
  return res.json as { id: string };
}

async function poll(id: string) {
  const res = await item.GET(request(`/api/generations/${id}`), params("id", id)).then(read);
  return res.json as { status: string; storage: string | null; upstreamResultUrl: string | null };
}

// Generous: the copy runs behind the poll, and CI runs this beside the build on two cores.
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await sleep(100);
  }
}

describe("results kept in our storage", { timeout: 60_000 }, () => {
  it("serves the stored copy, with ranges and a download name, after the simulator's link has expired", async () => {
    app.configure({
      FOXAPI_API_KEY: undefined,
      SIMULATOR_DURATION_MS: "500",
      // Long enough for the copy to start on a loaded machine (a copy that meets a dead link is retried later,
      // past this test's patience), short enough to wait out below.
      SIMULATOR_LINK_TTL_SECONDS: "5",
    });
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
      async () => (await simFiles.GET(request(link), params("name", "result-16x9.mp4"))).status,
      (s) => s === 410,
      20_000,
    );

    const expected = fs.readFileSync(path.join(process.cwd(), "public/samples/result-16x9.mp4"));
    const full = await video.GET(request(`/api/generations/${task.id}/video`), params("id", task.id));
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("video/mp4");
    expect(full.headers.get("content-length")).toBe(String(expected.length));
    expect(Buffer.from(await full.arrayBuffer()).equals(expected)).toBe(true);

    const ranged = await video.GET(
      request(`/api/generations/${task.id}/video`, { headers: { Range: "bytes=100-199" } }),
      params("id", task.id),
    );
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 100-199/${String(expected.length)}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(expected.subarray(100, 200))).toBe(true);

    const named = await video.GET(
      request(`/api/generations/${task.id}/video?download=1`),
      params("id", task.id),
    );
    const today = new Date().toISOString().slice(0, 10);
    expect(named.headers.get("content-disposition")).toBe(
      `attachment; filename="veo-3.1-extend-fast_stored-before-the-link-dies_${today}.mp4"; filename*=UTF-8''veo-3.1-extend-fast_stored-before-the-link-dies_${today}.mp4`,
    );
  });

  describe("against a fake FoxAPI on loopback", () => {
    it("refuses a result that is not a video, keeps the task, and retries later", async () => {
      let served = "<html>not a video</html>";
      app.fake.on("GET", "/files/out.mp4", () => ({
        status: 200,
        headers: { "Content-Type": "text/html" },
        body: served,
      }));
      app.fake.on("POST", SUBMIT_PATH, () => ({ json: foxTask({ id: "task-a1", status: "pending" }) }));
      app.fake.on("GET", TASK_PATH, () => ({
        json: foxTask({
          id: "task-a1",
          status: "completed",
          progress: 100,
          results: [{ url: `${app.fake.url}/files/out.mp4` }],
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
        async () => (await getTaskStore().get(task.id))!,
        (r) => r.archiveStatus === "failed",
      );
      expect(failed.status).toBe("completed");
      expect(failed.archiveError).toContain("did not return a video");
      expect(failed.archiveNextAt).toBeGreaterThan(Date.now());

      // Not stored yet: the video route sends the browser to the provider's link.
      const redirect = await video.GET(request(`/api/generations/${task.id}/video`), params("id", task.id));
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get("location")).toBe(`${app.fake.url}/files/out.mp4`);

      served = "";
      const mp4 = fs.readFileSync(path.join(process.cwd(), "public/samples/result-16x9.mp4"));
      app.fake.on("GET", "/files/out.mp4", (_req, res) => {
        res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": String(mp4.length) });
        res.end(mp4);
      });
      const { getTaskService } = await import("@/lib/tasks");
      await getTaskStore().update(task.id, { archiveNextAt: Date.now() - 1 });
      await getTaskService().sweep();
      expect((await getTaskStore().get(task.id))!.archiveStatus).toBe("stored");
      expect(fs.readFileSync(path.join(app.dataDir, "results", "task-a1.mp4")).equals(mp4)).toBe(true);
    });

    it("never stores a body that says video/mp4 but is not an MP4", async () => {
      app.fake.on("GET", "/files/fake.mp4", () => ({
        status: 200,
        headers: { "Content-Type": "video/mp4" },
        body: "<html>a login page, not a video</html>",
      }));
      app.fake.on("POST", SUBMIT_PATH, () => ({ json: foxTask({ id: "task-a2", status: "pending" }) }));
      app.fake.on("GET", TASK_PATH, () => ({
        json: foxTask({
          id: "task-a2",
          status: "completed",
          progress: 100,
          results: [{ url: `${app.fake.url}/files/fake.mp4` }],
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
        async () => (await getTaskStore().get(task.id))!,
        (r) => r.archiveStatus === "failed",
      );
      expect(failed.archiveError).toContain("not an MP4");
      expect(fs.existsSync(path.join(app.dataDir, "results", "task-a2.mp4"))).toBe(false);
    });
  });

  // With S3_BUCKET set the copy goes to the bucket and is served from it (the S3 server of
  // scripts/services/s3.sh; its variables are read before the harness pins them away).
  describe.runIf(s3Vars)("in an S3 bucket", () => {
    it("copies the result into the bucket, not DATA_DIR, and serves it with ranges", async () => {
      app.configure({ ...s3Vars, FOXAPI_API_KEY: undefined, SIMULATOR_DURATION_MS: "500" });
      const task = await submit({
        model: "veo-3.1-extend-fast",
        prompt: "Stored in a bucket",
        video_url: "https://example.com/in.mp4",
      });
      await until(
        () => poll(task.id),
        (t) => t.storage === "stored",
      );
      const { getStorage } = await import("@/lib/storage");
      const storage = await getStorage();
      expect(storage.driver).toBe("s3");
      const expected = fs.readFileSync(path.join(process.cwd(), "public/samples/result-16x9.mp4"));
      const key = `results/${task.id.replace(/[^A-Za-z0-9_-]/g, "_")}.mp4`;
      expect((await storage.stat(key))?.size).toBe(expected.length);
      expect(fs.existsSync(path.join(app.dataDir, "results"))).toBe(false);
      const ranged = await video.GET(
        request(`/api/generations/${task.id}/video`, { headers: { Range: "bytes=-100" } }),
        params("id", task.id),
      );
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get("content-range")).toBe(
        `bytes ${String(expected.length - 100)}-${String(expected.length - 1)}/${String(expected.length)}`,
      );
      expect(Buffer.from(await ranged.arrayBuffer()).equals(expected.subarray(-100))).toBe(true);
      await storage.delete(key);
    });
  });
});
