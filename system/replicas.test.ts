import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { ServerResponse } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { type Browser, type Page, chromium } from "@playwright/test";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresTestUrl } from "@/lib/db/testing";
import { legacyCalls } from "@/lib/live/schedule";
import { type FakeFoxApi, SUBMIT_PATH, startFakeFoxApi } from "@/lib/testing/fake-foxapi";
import { chromiumLaunchOptions } from "../scripts/chromium.mjs";

/*
 * Several replicas act as one (issue 11), proven with real processes: two `npm start` servers (server.mjs over
 * the production build in .next-e2e), each on its own port with its own DATA_DIR, sharing one fresh PostgreSQL
 * database and one fresh S3 bucket (the Swift server of scripts/services/s3.sh), against a fake FoxAPI on loopback
 * that counts every call. Needs TEST_DATABASE_URL (or the project's cluster) and the S3_* variables; without them
 * it fails rather than skips, so it can't pass by not running.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const DIST = process.env.SYSTEM_DIST_DIR ?? ".next-e2e";
/** REPLICA_PORTS="a,b" pins the two ports; otherwise two free loopback ports are found when the run starts. */
let PORTS: [number, number];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
const PASSCODE = "replicas-passcode";
const SESSION_SECRET = "replicas-session-secret-0123456789abcdef";
const KEY = "retake-canary-replicas-5d0c9e";
/** Short, so a test window covers several status intervals. */
const INTERVAL_MS = 1_000;
const RESULT = fs.readFileSync(path.join(ROOT, "public/samples/result-16x9.mp4"));
const MEDIA = fs.readFileSync(path.join(ROOT, "public/samples/landscape-16x9.mp4"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const adminUrl = postgresTestUrl();
const s3Env = process.env.S3_BUCKET && process.env.S3_ENDPOINT ? process.env : null;

// ---- the fake FoxAPI: tasks that run for a while, then complete with a real MP4 ---------------------------------

interface FakeTask {
  createdAt: number;
  durationMs: number;
  estimatedSeconds: number;
  /** When each status call about it arrived (wall clock, ms). */
  checks: number[];
}

function taskFake(fake: FakeFoxApi) {
  const tasks = new Map<string, FakeTask>();
  let seq = 0;
  const body = (id: string, t: FakeTask) => {
    const done = Date.now() >= t.createdAt + t.durationMs;
    return {
      id,
      object: "video.generation.task",
      model: "veo-3.1-extend",
      type: "video",
      created: Math.floor(t.createdAt / 1000),
      status: done ? "completed" : "processing",
      progress: done ? 100 : 50,
      task_info: { can_cancel: !done, estimated_time: t.estimatedSeconds },
      ...(done ? { results: [{ url: `${fake.url}/results/${id}.mp4` }] } : {}),
    };
  };
  const binary = (bytes: Buffer) => (req: { method: string }, res: ServerResponse) => {
    res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": String(bytes.length) });
    res.end(req.method === "HEAD" ? undefined : bytes);
  };
  fake.on("POST", SUBMIT_PATH, (req) => {
    // The prompt says how long the task runs upstream ("dur=<ms>"); without it, it never finishes. "est=<s>" is
    // the estimate FoxAPI gives (60 s otherwise): the server's follower plans its checks around it.
    const dur = /\bdur=(\d+)/.exec(req.body)?.[1];
    const est = /\best=(\d+)/.exec(req.body)?.[1];
    const id = `task-rep-${String(++seq)}-${randomBytes(3).toString("hex")}`;
    const t = {
      createdAt: Date.now(),
      durationMs: dur ? Number(dur) : Infinity,
      estimatedSeconds: est ? Number(est) : 60,
      checks: [],
    };
    tasks.set(id, t);
    return { json: body(id, t) };
  });
  fake.on("GET", /^\/v1\/tasks\/[^/]+$/, (req) => {
    const id = decodeURIComponent(req.pathname.split("/").pop()!);
    const t = tasks.get(id);
    if (!t) return { status: 404, json: { error: { message: "Task not found.", type: "not_found" } } };
    t.checks.push(Date.now());
    return { json: body(id, t) };
  });
  for (const method of ["GET", "HEAD"]) {
    fake.on(method, /^\/media\//, binary(MEDIA));
    fake.on(method, /^\/results\//, binary(RESULT));
  }
  return {
    submits: () => fake.requestsTo("POST", SUBMIT_PATH).length,
    statusCalls: (id: string) => fake.requestsTo("GET", `/v1/tasks/${id}`).length,
    /** When the task started answering `completed` (wall clock, ms). */
    doneAt: (id: string) => tasks.get(id)!.createdAt + tasks.get(id)!.durationMs,
    /** The ages (ms since it was created here) at which it was asked about. */
    checkAges: (id: string) => tasks.get(id)!.checks.map((at) => at - tasks.get(id)!.createdAt),
  };
}

// ---- replicas -------------------------------------------------------------------------------------------------

interface Replica {
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

function replica(port: number, env: Record<string, string>): Replica {
  const url = `http://127.0.0.1:${String(port)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-replica-"));
  let child: ChildProcess | undefined;
  let log = "";
  return {
    url,
    async start() {
      log = "";
      // What `npm start` runs, without npm in between: the pid is the server's, so SIGKILL kills the server.
      const c = spawn(process.execPath, [path.join(ROOT, "server.mjs")], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: "production",
          HOST: "127.0.0.1",
          PORT: String(port),
          NEXT_DIST_DIR: DIST,
          NEXT_TELEMETRY_DISABLED: "1",
          DATA_DIR: dataDir,
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = c;
      c.stdout?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
      c.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
      for (let i = 0; i < 600; i++) {
        if (c.exitCode !== null) break;
        try {
          const res = await fetch(`${url}/sign-in`, { redirect: "manual" });
          if (res.status < 500) return;
        } catch {
          // not up yet
        }
        await sleep(100);
      }
      throw new Error(`the replica on ${url} did not start:\n${log}`);
    },
    async kill() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await exited;
    },
  };
}

// ---- HTTP helpers ---------------------------------------------------------------------------------------------

async function signIn(r: Replica): Promise<string> {
  const res = await fetch(`${r.url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: r.url },
    body: JSON.stringify({ passcode: PASSCODE }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

function submit(r: Replica, cookie: string, prompt: string, key = `k-${randomBytes(8).toString("hex")}`) {
  return fetch(`${r.url}/api/generations`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: r.url, Cookie: cookie, "Idempotency-Key": key },
    body: JSON.stringify({
      model: "veo-3.1-extend",
      prompt,
      // The same prompt gives the same body (and media link): what a retried Generate click sends.
      video_url: `${fake.url}/media/${encodeURIComponent(prompt)}.mp4`,
      aspect_ratio: "16:9",
    }),
  });
}

async function created(res: Promise<Response>): Promise<string> {
  const answer = await res;
  const text = await answer.text();
  expect(answer.status, text).toBe(201);
  return (JSON.parse(text) as { id: string }).id;
}

async function view(r: Replica, cookie: string, id: string) {
  const res = await fetch(`${r.url}/api/generations/${id}`, { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; storage: string | null };
}

// ---- the run --------------------------------------------------------------------------------------------------

let fake: FakeFoxApi;
let counts: ReturnType<typeof taskFake>;
let admin: pg.Pool;
let s3: S3Client;
const bucket = `retake-rep-${randomBytes(5).toString("hex")}`;
const databases: string[] = [];
const running: Replica[] = [];

/** A fresh database in the cluster, for one pair of replicas. */
async function freshDatabase(): Promise<string> {
  const name = `rep_${randomBytes(5).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  databases.push(name);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function pair(extra: Record<string, string> = {}): Promise<[Replica, Replica]> {
  const env = {
    FOXAPI_API_KEY: KEY,
    FOXAPI_BASE_URL: fake.url,
    DATABASE_URL: await freshDatabase(),
    SESSION_SECRET,
    ACCESS_PASSCODE: PASSCODE,
    STATUS_MIN_INTERVAL_MS: String(INTERVAL_MS),
    S3_BUCKET: bucket,
    S3_ENDPOINT: s3Env!.S3_ENDPOINT!,
    S3_REGION: s3Env!.S3_REGION ?? "us-east-1",
    S3_ACCESS_KEY_ID: s3Env!.S3_ACCESS_KEY_ID ?? "",
    S3_SECRET_ACCESS_KEY: s3Env!.S3_SECRET_ACCESS_KEY ?? "",
    S3_FORCE_PATH_STYLE: s3Env!.S3_FORCE_PATH_STYLE ?? "true",
    ...extra,
  };
  const both = [replica(PORTS[0], env), replica(PORTS[1], env)] as [Replica, Replica];
  running.push(...both);
  // Started together: the migrations must run once even then.
  await Promise.all(both.map((r) => r.start()));
  return both;
}

async function bucketKeys(): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

beforeAll(async () => {
  if (!adminUrl) throw new Error("No PostgreSQL: run `bash scripts/services/postgres.sh start` first.");
  if (!s3Env) throw new Error('No S3 server: `eval "$(bash scripts/services/s3.sh start)"` first.');
  if (!fs.existsSync(path.join(ROOT, DIST, "BUILD_ID")))
    throw new Error(`No production build in ${DIST}: NEXT_DIST_DIR=${DIST} npx next build first.`);
  PORTS = process.env.REPLICA_PORTS
    ? (process.env.REPLICA_PORTS.split(",").map(Number) as [number, number])
    : [await freePort(), await freePort()];
  admin = new pg.Pool({ connectionString: adminUrl, max: 1 });
  s3 = new S3Client({
    endpoint: s3Env.S3_ENDPOINT,
    region: s3Env.S3_REGION ?? "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: s3Env.S3_ACCESS_KEY_ID!, secretAccessKey: s3Env.S3_SECRET_ACCESS_KEY! },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  fake = await startFakeFoxApi();
  counts = taskFake(fake);
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.kill()));
  if (s3) {
    for (const key of await bucketKeys().catch(() => [])) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  }
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin?.end();
  await fake?.close();
});

describe("two replicas, one PostgreSQL, one bucket", () => {
  it("keeps MAX_TASKS_PER_DAY exact under 30 concurrent submits split over both, and shares sessions", async () => {
    const [a, b] = await pair({ MAX_TASKS_PER_DAY: "10" });
    const onA = await signIn(a);
    const onB = await signIn(b);
    // A session made on one replica works on the other; no session is refused on both.
    for (const [r, cookie] of [
      [b, onA],
      [a, onB],
    ] as const) {
      const res = await fetch(`${r.url}/api/generations?limit=1`, { headers: { Cookie: cookie } });
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${b.url}/api/generations?limit=1`)).status).toBe(401);

    const before = counts.submits();
    // Each session submits on the replica it was not made on: 15 each, under the per-session submit limit.
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0 ? submit(a, onB, `cap ${String(i)}`) : submit(b, onA, `cap ${String(i)}`),
      ),
    );
    const statuses = answers.map((r) => r.status);
    const refused = await Promise.all(
      answers
        .filter((r) => r.status !== 201)
        .map(async (r) => (await r.json()) as { error: { code: string } }),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(refused.map((r) => r.error.code)).toEqual(Array(20).fill("daily_limit_reached"));
    expect(counts.submits() - before).toBe(10);
    await Promise.all([a.kill(), b.kill()]);
  });

  it("accounts: one first admin, and sessions, invites, a person's limit and a removal hold across both", async () => {
    const ADMIN = { email: "ada@example.com", password: "admin-pass-1234" };
    // Started together, both try to create the first admin: the unique email lets one win.
    const [a, b] = await pair({
      AUTH_MODE: "accounts",
      ACCESS_PASSCODE: "",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    const call = async (r: Replica, route: string, cookie: string, method = "GET", body?: object) => {
      const res = await fetch(`${r.url}${route}`, {
        method,
        headers: { "Content-Type": "application/json", Origin: r.url, Cookie: cookie },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    const cookiesOf = (res: Response) =>
      res.headers
        .getSetCookie()
        .map((c) => c.split(";")[0]!)
        .join("; ");

    const signedIn = await fetch(`${a.url}/api/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: a.url },
      body: JSON.stringify(ADMIN),
    });
    expect(signedIn.status, await signedIn.text()).toBe(200);
    const admin = cookiesOf(signedIn);
    // Signed in on A, an admin on B; one admin in all.
    const team = await call(b, "/api/team", admin);
    expect(team.status, team.text).toBe(200);
    expect(team.json.people).toEqual([expect.objectContaining({ email: ADMIN.email, role: "admin" })]);

    // Invited on A, accepted on B.
    const invite = await call(a, "/api/team/invites", admin, "POST", {
      email: "mia@example.com",
      role: "member",
    });
    expect(invite.status, invite.text).toBe(201);
    const token = new URL(invite.json.link as string).pathname.split("/").pop()!;
    const accepted = await fetch(`${b.url}/api/invites/accept`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: b.url },
      body: JSON.stringify({ token, password: "mia-pass-1234", name: "Mia" }),
    });
    expect(accepted.status, await accepted.text()).toBe(200);
    const mia = cookiesOf(accepted);
    const people = (await call(a, "/api/team", admin)).json.people as { id: string; email: string }[];
    const miaId = people.find((p) => p.email === "mia@example.com")!.id;

    // Her limit, set on B, holds for 6 concurrent submits split over both: 2 go upstream, 4 are refused first.
    expect((await call(b, `/api/team/people/${miaId}`, admin, "PATCH", { dailyLimit: 2 })).status).toBe(200);
    const before = counts.submits();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => submit(i % 2 === 0 ? a : b, mia, `mia ${String(i)}`)),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(2);
    const refused = await Promise.all(
      answers
        .filter((r) => r.status !== 201)
        .map(async (r) => (await r.json()) as { error: { code: string } }),
    );
    expect(refused.map((r) => r.error.code)).toEqual(Array(4).fill("daily_limit_reached"));
    expect(counts.submits() - before).toBe(2);

    // Removed on A: her session stops working on both at once.
    expect((await call(b, "/api/generations?limit=1", mia)).status).toBe(200);
    expect((await call(a, `/api/team/people/${miaId}`, admin, "DELETE")).status).toBe(200);
    expect((await call(b, "/api/generations?limit=1", mia)).status).toBe(401);
    expect((await call(a, "/api/generations?limit=1", mia)).status).toBe(401);
    await Promise.all([a.kill(), b.kill()]);
  });

  describe("sharing the work", () => {
    let a: Replica;
    let b: Replica;
    let cookie: string;
    beforeAll(async () => {
      [a, b] = await pair();
      cookie = await signIn(a);
    });

    it("sends one Idempotency-Key given to both replicas at once to FoxAPI once", async () => {
      const before = counts.submits();
      const key = `same-${randomBytes(6).toString("hex")}`;
      const [ra, rb] = await Promise.all([submit(a, cookie, "once", key), submit(b, cookie, "once", key)]);
      const ok = [ra, rb].filter((r) => r.status === 201 || r.status === 200);
      // The loser either replays the winner's answer or says it is still being sent; never a second task.
      for (const r of [ra, rb])
        if (r.status !== 201 && r.status !== 200)
          expect(((await r.json()) as { error: { code: string } }).error.code).toBe("submit_in_progress");
      expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(counts.submits() - before).toBe(1);
    });

    it("20 watchers split over both replicas cost no more status calls than 20 on one", async () => {
      // An estimate inside the window, so the follower asks FoxAPI while the viewers watch.
      const alone = await created(submit(a, cookie, "watched on one est=2"));
      const split = await created(submit(a, cookie, "watched on two est=2"));
      const calls0 = { alone: counts.statusCalls(alone), split: counts.statusCalls(split) };
      const windowMs = 6_000;
      const end = Date.now() + windowMs;
      // Both tasks watched at the same time, under the same load: one by 20 viewers on A, one by 10 on each.
      const watcher = async (r: Replica, id: string) => {
        while (Date.now() < end) {
          await view(r, cookie, id);
          await sleep(200);
        }
      };
      await Promise.all([
        ...Array.from({ length: 20 }, () => watcher(a, alone)),
        ...Array.from({ length: 20 }, (_, i) => watcher(i % 2 ? a : b, split)),
      ]);
      const onOne = counts.statusCalls(alone) - calls0.alone;
      const onTwo = counts.statusCalls(split) - calls0.split;
      console.log(
        `status calls in ${String(windowMs)} ms: 20 watchers on one replica ${String(onOne)}, split ${String(onTwo)}`,
      );
      // One call per interval at most, wherever the viewers are (a lease on the task row decides who asks; with
      // the background worker on, the lease holder follows the task on its own schedule and viewers' reads add no
      // calls at all).
      expect(onOne).toBeGreaterThanOrEqual(1);
      expect(onTwo).toBeGreaterThanOrEqual(1);
      expect(onTwo).toBeLessThanOrEqual(onOne + 1);
      expect(onTwo).toBeLessThanOrEqual(Math.ceil(windowMs / INTERVAL_MS) + 1);
    });

    it("finishes and stores a task on the other replica when one is killed mid-task, once, in the bucket", async () => {
      const id = await created(submit(a, cookie, "survives dur=3000"));
      expect((await view(a, cookie, id)).status).not.toBe("completed");
      await a.kill();
      expect(await bucketKeys()).toEqual([]);
      // Nobody watches: B's background worker must claim the task, see it complete and copy the result.
      const deadline = Date.now() + 45_000;
      while (!(await bucketKeys()).length) {
        if (Date.now() > deadline) throw new Error("the surviving replica did not store the result in 45 s");
        await sleep(500);
      }
      expect(await bucketKeys()).toEqual([`results/${id}.mp4`]);
      const seen = await view(b, cookie, id);
      expect(seen).toMatchObject({ status: "completed", storage: "stored" });
      // More viewers and sweeps later: still the one object, and the fake was asked for the result file once.
      await Promise.all([view(b, cookie, id), view(b, cookie, id)]);
      expect(await bucketKeys()).toEqual([`results/${id}.mp4`]);
      expect(fake.requestsTo("GET", `/results/${id}.mp4`)).toHaveLength(1);

      // A comes back; either replica serves the stored result, with ranges and a true Content-Length.
      await a.start();
      for (const r of [a, b]) {
        const url = `${r.url}/api/generations/${id}/video`;
        const whole = await fetch(url, { headers: { Cookie: cookie } });
        expect(whole.status).toBe(200);
        expect(whole.headers.get("content-length")).toBe(String(RESULT.length));
        expect(Buffer.from(await whole.arrayBuffer()).equals(RESULT)).toBe(true);
        const part = await fetch(url, { headers: { Cookie: cookie, Range: "bytes=100-1099" } });
        expect(part.status).toBe(206);
        expect(part.headers.get("content-range")).toBe(`bytes 100-1099/${String(RESULT.length)}`);
        expect(part.headers.get("content-length")).toBe("1000");
        expect(part.headers.get("x-retake-content-length")).toBeNull();
        expect(Buffer.from(await part.arrayBuffer()).equals(RESULT.subarray(100, 1100))).toBe(true);
        const past = await fetch(url, {
          headers: { Cookie: cookie, Range: `bytes=${String(RESULT.length)}-` },
        });
        expect(past.status).toBe(416);
        const named = await fetch(`${url}?download=1`, { method: "HEAD", headers: { Cookie: cookie } });
        expect(named.headers.get("content-length")).toBe(String(RESULT.length));
        expect(named.headers.get("content-disposition")).toMatch(/^attachment; filename="veo-3\.1-extend_/);
        // Without a session, no bytes.
        expect((await fetch(url, { headers: { Range: "bytes=0-9" } })).status).toBe(401);
      }
    });
  });
});

// ---- live results across replicas (issue 16) --------------------------------------------------------------------

/** Counts a page's status polls (`GET /api/generations/{id}`) and its event streams, by the origin they went to. */
function watchRequests(page: Page) {
  const polls: string[] = [];
  const streams: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (r.method() !== "GET") return;
    if (url.pathname === "/api/generations/events") streams.push(url.origin);
    else if (/^\/api\/generations\/[^/]+$/.test(url.pathname)) polls.push(url.pathname);
  });
  return { polls, streams };
}

/** axe-core's WCAG A/AA rules on the page as it is now; resolves each violation as "rule: element". */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve("axe-core/axe.min.js") });
  return page.evaluate(async () => {
    interface Result {
      violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[];
    }
    const axe = (window as unknown as { axe: { run: (o: object) => Promise<Result> } }).axe;
    const result = await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.flatMap((v) =>
      v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${n.failureSummary ?? ""})`),
    );
  });
}

describe("live results across replicas (issue 16)", () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it("two pages, one on each replica, show a task's result within 2.5 s of its completion, with no status poll", async () => {
    // The replicas of the tests above are done with; these take the same ports.
    await Promise.all(running.map((r) => r.kill()));
    const [a, b] = await pair();
    const cookie = await signIn(a);
    // A history for the follower: two waves of three finished tasks of the same model, settings and length,
    // submitted on A, which follows what it accepts (the first wave on the old backoff, the second on the first's
    // history). FoxAPI's estimate is the documented 45 s, far off, as in real use.
    const LENGTH_MS = 6_000;
    const warm: string[] = [];
    for (const wave of [0, 1]) {
      const ids = await Promise.all(
        [0, 1, 2].map((i) =>
          created(
            submit(a, cookie, `live warm ${String(wave)}.${String(i)} dur=${String(LENGTH_MS)} est=45`),
          ),
        ),
      );
      for (const id of ids) {
        const until = Date.now() + 60_000;
        while ((await view(a, cookie, id)).status !== "completed") {
          if (Date.now() > until) throw new Error(`warm-up task ${id} did not complete`);
          await sleep(250);
        }
      }
      warm.push(...ids);
    }

    const prompt = `live watched ${randomBytes(3).toString("hex")} dur=${String(LENGTH_MS)} est=45`;
    browser = await chromium.launch(chromiumLaunchOptions);
    const [name, value] = cookie.split(/=(.*)/s) as [string, string];
    const pages: Page[] = [];
    for (const r of [a, b]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      // Cookies don't care for ports: the session made on A is sent to B too (they share PostgreSQL).
      await context.addCookies([{ name, value, url: r.url }]);
      const page = await context.newPage();
      // The wall-clock moment the watched task's result player first appears.
      await page.addInitScript((text) => {
        const w = window as unknown as { __shownAt?: number };
        new MutationObserver(() => {
          if (w.__shownAt) return;
          const cards = [...document.querySelectorAll("article")];
          if (
            cards.some(
              (c) => c.textContent?.includes(text) && c.querySelector('video[aria-label="Result video"]'),
            )
          )
            w.__shownAt = Date.now();
        }).observe(document, { childList: true, subtree: true, attributes: true });
      }, prompt.split(" dur=")[0]!);
      pages.push(page);
    }
    const [onA, onB] = pages as [Page, Page];
    const seen = [watchRequests(onA), watchRequests(onB)];
    // The studio open on A and on B, each holding its stream, before the task starts: the figure is from the
    // upstream's completion to the screen, not a page load.
    await Promise.all([onA.goto(`${a.url}/`), onB.goto(`${b.url}/`)]);
    for (const [i, p] of pages.entries()) {
      await p.getByRole("list", { name: "Tasks" }).waitFor({ timeout: 60_000 });
      while (seen[i]!.streams.length === 0) await sleep(100);
    }
    await sleep(1_000);
    const id = await created(submit(a, cookie, prompt));

    for (const p of pages) {
      const card = p.getByRole("list", { name: "Tasks" }).getByRole("article").filter({ hasText: prompt });
      await card.getByLabel("Result video").waitFor({ timeout: 60_000 });
      await card.getByText("Completed", { exact: true }).waitFor();
    }

    const doneAt = counts.doneAt(id);
    const lags = await Promise.all(
      pages.map(
        async (p) =>
          (await p.evaluate(() => (window as unknown as { __shownAt: number }).__shownAt)) - doneAt,
      ),
    );
    console.log(
      `live across replicas: result on screen ${lags.map((l) => `${String(l)} ms`).join(" (A) and ")} (B) after ` +
        `the upstream completed (${String(LENGTH_MS)} ms after it was created; asked at ` +
        `${counts.checkAges(id).join(", ")} ms; the warm-up tasks at ${warm.map((w) => counts.checkAges(w).join(", ")).join(" / ")}); streams A ` +
        `${String(seen[0]!.streams.length)}, B ${String(seen[1]!.streams.length)}`,
    );
    // Each page held a stream to its own replica (the task's follower is A: B heard of it over PostgreSQL), and not
    // one status poll from either.
    expect(seen[0]!.streams.length).toBeGreaterThanOrEqual(1);
    expect(new Set(seen[0]!.streams)).toEqual(new Set([a.url]));
    expect(seen[1]!.streams.length).toBeGreaterThanOrEqual(1);
    expect(new Set(seen[1]!.streams)).toEqual(new Set([b.url]));
    expect(seen[0]!.polls).toEqual([]);
    expect(seen[1]!.polls).toEqual([]);
    // Within the figure of issue 16 for a task that matches its history, on both pages.
    for (const lag of lags) {
      expect(lag).toBeGreaterThan(0);
      expect(lag).toBeLessThanOrEqual(2_500);
    }
    // No more upstream calls than the browser's old backoff spent on a task this long (1 s interval: 5).
    expect(counts.statusCalls(id)).toBeLessThanOrEqual(legacyCalls(LENGTH_MS, INTERVAL_MS));
    for (const p of pages) expect(await axeViolations(p)).toEqual([]);
  });
});
