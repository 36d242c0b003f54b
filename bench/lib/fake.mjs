// A lean fake FoxAPI on loopback for the benchmarks. Unlike lib/testing/fake-foxapi.ts (which records every
// request for assertions, and is TypeScript that Node 20 can't import without a loader), this one keeps only
// counters and optional timestamps, so a load test measures our server rather than the fake's bookkeeping.
//
// Routes:
//   POST /v1/videos/generations   creates a task: processing until `durationMs` after creation, then completed.
//                                 A prompt containing "dur=<ms>" sets that task's own duration, and "est=<s>"
//                                 the estimated_time it reports (otherwise the true duration, or 60 s).
//   GET  /v1/tasks/:id            the task's status (counted per task); unknown ids are 404 in FoxAPI's shape.
//   HEAD|GET /media/*             a sample MP4 (what the media pre-check looks at).
//   GET  /results/*               the result MP4 (what the archiver copies).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const MEDIA = fs.readFileSync(path.join(ROOT, "public/samples/landscape-16x9.mp4"));
const RESULT = fs.readFileSync(path.join(ROOT, "public/samples/result-16x9.mp4"));

/**
 * @param {{ durationMs?: number, onEvent?: (kind: string, info: Record<string, unknown>) => void }} [options]
 *   durationMs: how long a task takes upstream (default: forever, i.e. it stays processing).
 *   onEvent: called with ("head" | "submit" | "submitted" | "status", info) as requests arrive/answer.
 */
export async function startFake(options = {}) {
  const durationMs = options.durationMs ?? Infinity;
  const onEvent = options.onEvent ?? (() => undefined);
  /** @type {Map<string, { createdAt: number, durationMs: number, statusCalls: number, completedAt: number | null, firstCompletedAnswerAt: number | null }>} */
  const tasks = new Map();
  const counts = { submit: 0, status: 0, head: 0, media: 0, result: 0, other: 0 };
  let seq = 0;
  let url = "";

  const json = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  };

  const taskBody = (id, t, now) => {
    const done = now >= t.createdAt + t.durationMs;
    if (done && t.completedAt === null) t.completedAt = t.createdAt + t.durationMs;
    const progress = done ? 100 : Math.min(99, Math.floor(((now - t.createdAt) / t.durationMs) * 100));
    return {
      id,
      object: "video.generation.task",
      model: "veo-3.1-extend",
      type: "video",
      created: Math.floor(t.createdAt / 1000),
      status: done ? "completed" : now - t.createdAt < 50 ? "pending" : "processing",
      progress,
      task_info: {
        can_cancel: !done,
        estimated_time: t.estimatedSeconds ?? (Number.isFinite(t.durationMs) ? t.durationMs / 1000 : 60),
      },
      ...(done ? { results: [{ url: `${url}/results/${id}.mp4` }] } : {}),
    };
  };

  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    const pathname = (req.url ?? "/").split("?")[0];
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("error", () => undefined);
    req.on("end", () => {
      if (req.method === "POST" && pathname === "/v1/videos/generations") {
        counts.submit++;
        let body = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          // the fake accepts anything; our server never sends non-JSON
        }
        const id = `task-bench-${String(process.pid)}-${String(++seq)}`;
        const dur = /\bdur=(\d+)/.exec(String(body.prompt ?? ""));
        const est = /\best=(\d+)/.exec(String(body.prompt ?? ""));
        const t = {
          createdAt: Date.now(),
          durationMs: dur ? Number(dur[1]) : durationMs,
          estimatedSeconds: est ? Number(est[1]) : null,
          statusCalls: 0,
          /** When each status call about it arrived (ms, wall clock). */
          checkTimes: [],
          completedAt: null,
          firstCompletedAnswerAt: null,
        };
        tasks.set(id, t);
        onEvent("submit", { id, arrived, prompt: body.prompt, url: req.url });
        json(res, 200, taskBody(id, t, t.createdAt));
        onEvent("submitted", { id, at: performance.now(), prompt: body.prompt });
        return;
      }
      const m = /^\/v1\/tasks\/([^/]+)$/.exec(pathname);
      if (req.method === "GET" && m) {
        counts.status++;
        const id = decodeURIComponent(m[1]);
        const t = tasks.get(id);
        if (!t) {
          json(res, 404, {
            error: { message: "Task not found.", type: "not_found", code: "task_not_found" },
          });
          return;
        }
        t.statusCalls++;
        const now = Date.now();
        t.checkTimes.push(now);
        const body = taskBody(id, t, now);
        if (body.status === "completed" && t.firstCompletedAnswerAt === null) t.firstCompletedAnswerAt = now;
        onEvent("status", { id, arrived, status: body.status });
        json(res, 200, body);
        return;
      }
      if (pathname.startsWith("/media/") && (req.method === "HEAD" || req.method === "GET")) {
        if (req.method === "HEAD") {
          counts.head++;
          onEvent("head", { arrived, url: req.url });
        } else counts.media++;
        res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": MEDIA.length });
        res.end(req.method === "HEAD" ? undefined : MEDIA);
        return;
      }
      if (pathname.startsWith("/results/") && (req.method === "GET" || req.method === "HEAD")) {
        counts.result++;
        res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": RESULT.length });
        res.end(req.method === "HEAD" ? undefined : RESULT);
        return;
      }
      counts.other++;
      json(res, 404, {
        error: { message: `No route for ${String(req.method)} ${pathname}.`, type: "not_found" },
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(undefined));
  });
  url = `http://127.0.0.1:${String(server.address().port)}`;

  return {
    url,
    counts,
    tasks,
    /** Status calls that reached the fake for one task. */
    statusCallsFor: (id) => tasks.get(id)?.statusCalls ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}
