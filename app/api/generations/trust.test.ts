import { afterEach, describe, expect, it, vi } from "vitest";
import { autoImplementMethods } from "next/dist/server/route-modules/app-route/helpers/auto-implement-methods";
import nextConfig from "@/next.config";
import { sessionKey } from "@/lib/api/guards";
import { SESSION_COOKIE, SESSION_TTL_MS, createSession, signingKey } from "@/lib/auth/session";
import { getDb, getTaskStore } from "@/lib/tasks";
import { secondsToNextDay } from "@/lib/tasks/submissions";
import {
  type Answer,
  type App,
  ORIGIN,
  type RequestOptions,
  params,
  read,
  request,
  serveAs,
  sessionCookie,
  signCookie,
  sleep,
  setupApp,
  veoBody,
} from "@/lib/testing/app-harness";
import { SUBMIT_PATH, TASK_PATH, foxError, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";
import * as lineage from "./[id]/lineage/route";
import * as video from "./[id]/video/route";
import * as simFiles from "../simulator/files/[name]/route";
import * as uploads from "../uploads/route";
import * as session from "../session/route";

const app: App = setupApp();
const PASSCODE = "correct horse battery staple";

const submits = () => app.fake.requestsTo("POST", SUBMIT_PATH);
const statusReads = () => app.fake.requestsTo("GET", TASK_PATH);

const post = (body: unknown, options: RequestOptions = {}) =>
  collection.POST(request("/api/generations", { body, ...options })).then(read);
const getTask = (id: string, options: RequestOptions = {}) =>
  item.GET(request(`/api/generations/${encodeURIComponent(id)}`, options), params("id", id)).then(read);

/** Every route handler that answers a visitor, called the way a browser would for `id`. */
function everyRoute(id: string, options: RequestOptions) {
  return [
    ["GET /api/generations", () => collection.GET(request("/api/generations", options))],
    [
      "POST /api/generations",
      () => collection.POST(request("/api/generations", { body: veoBody(app), ...options })),
    ],
    [
      "GET /api/generations/{id}",
      () => item.GET(request(`/api/generations/${id}`, options), params("id", id)),
    ],
    [
      "PATCH /api/generations/{id}",
      () =>
        item.PATCH(
          request(`/api/generations/${id}`, { method: "PATCH", body: { favourite: true }, ...options }),
          params("id", id),
        ),
    ],
    [
      "GET /api/generations/{id}/video",
      () => video.GET(request(`/api/generations/${id}/video`, options), params("id", id)),
    ],
    [
      "GET /api/generations/{id}/lineage",
      () => lineage.GET(request(`/api/generations/${id}/lineage`, options), params("id", id)),
    ],
    [
      "GET /api/simulator/files/x",
      () =>
        simFiles.GET(
          request("/api/simulator/files/result-16x9.mp4", options),
          params("name", "result-16x9.mp4"),
        ),
    ],
    ["GET /api/uploads", () => uploads.GET(request("/api/uploads", options))],
    [
      "POST /api/uploads",
      () =>
        uploads.POST(
          request("/api/uploads", {
            body: "--b\r\n\r\n--b--\r\n",
            ...options,
            extraHeaders: { ...options.extraHeaders, "Content-Type": "multipart/form-data; boundary=b" },
          }),
        ),
    ],
  ] as const;
}

/** Signs in with a passcode and records a task; returns the cookie and the task id. */
async function signedInWithTask(): Promise<{ cookie: string; id: string }> {
  app.configure({ ACCESS_PASSCODE: PASSCODE });
  const cookie = await sessionCookie();
  app.fake.enqueue("POST", SUBMIT_PATH, { json: foxTask({ id: "task-trust-1" }) });
  const created = await post(veoBody(app), { cookie });
  expect(created.status).toBe(201);
  app.fake.reset();
  app.media.reset();
  return { cookie, id: created.json.id as string };
}

async function expectAllRefused(id: string, options: RequestOptions, why: string) {
  for (const [name, call] of everyRoute(id, options)) {
    const res = await read(await call());
    expect(res.status, `${name} with ${why}`).toBe(401);
    expect(res.json.error.code, `${name} with ${why}`).toBe("sign_in_required");
    expect(res.headers.get("set-cookie")).toBeNull();
  }
  // Nothing was spent or even looked at.
  expect(app.fake.requests).toHaveLength(0);
  expect(app.media.requests).toHaveLength(0);
}

describe("who may spend: with ACCESS_PASSCODE set, every route needs a live session", () => {
  it("with the cookie the routes answer; without it every route is 401, with no upstream or media request", async () => {
    const { cookie, id } = await signedInWithTask();
    // With the session: the reads work (the simulator file route answers its own 404: the simulator is off).
    expect((await read(await collection.GET(request("/api/generations", { cookie })))).status).toBe(200);
    app.fake.on("GET", TASK_PATH, { json: foxTask({ id, status: "processing", progress: 5 }) });
    expect((await getTask(id, { cookie })).status).toBe(200);
    expect(
      (await read(await lineage.GET(request(`/api/generations/${id}/lineage`, { cookie }), params("id", id))))
        .status,
    ).toBe(200);
    app.fake.reset();

    await expectAllRefused(id, {}, "no cookie");
  });

  it.each([
    "middleware",
    "src/middleware",
    "middleware:middleware:middleware:middleware:middleware",
    "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware",
    "proxy",
    "src/proxy:src/proxy:src/proxy:src/proxy:src/proxy",
    "pages/_middleware",
    "1",
  ])("a forged x-middleware-subrequest: %j changes nothing", async (value) => {
    const { id } = await signedInWithTask();
    await expectAllRefused(
      id,
      { extraHeaders: { "x-middleware-subrequest": value, "x-middleware-prefetch": "1" } },
      `x-middleware-subrequest: ${value}`,
    );
  });

  it("forged, tampered, expired, revoked-looking and wrongly signed cookies are all refused", async () => {
    const { cookie, id } = await signedInWithTask();
    const value = cookie.slice(SESSION_COOKIE.length + 1);
    const [sid, expires, mac] = value.split(".") as [string, string, string];
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith("A") ? "B" : "A");
    const key = sessionKey();
    const now = Date.now();
    const expired = (await createSession(getDb(), key, now - SESSION_TTL_MS - 60_000)).cookie;
    const [expiredId] = expired.split(".") as [string];

    const forged: [string, string][] = [
      ["a made-up value", `${SESSION_COOKIE}=admin`],
      ["a made-up three-part value", `${SESSION_COOKIE}=abc.99999999999999.def`],
      ["an empty value", `${SESSION_COOKIE}=`],
      ["a flipped signature", `${SESSION_COOKIE}=${sid}.${expires}.${flip(mac)}`],
      ["a later expiry, same signature", `${SESSION_COOKIE}=${sid}.${String(Number(expires) + 1e9)}.${mac}`],
      ["another id, same signature", `${SESSION_COOKIE}=${flip(sid)}.${expires}.${mac}`],
      ["a fourth part", `${cookie}.x`],
      ["an expired session", `${SESSION_COOKIE}=${expired}`],
      // Only the server can sign these: they prove the check is not only the signature.
      ["the expired session re-signed with a later expiry", signCookie(key, expiredId, now + 3600_000)],
      ["a well-signed id the store never issued", signCookie(key, "never-issued", now + 3600_000)],
      [
        "a cookie signed for another passcode",
        signCookie(signingKey(app.dataDir, "another passcode"), sid, Number(expires)),
      ],
      ["the right value under another name", `retake_session_x=${value}`],
      ["malformed percent-encoding", `${SESSION_COOKIE}=%E0%A4%A`],
    ];
    for (const [why, forgedCookie] of forged) await expectAllRefused(id, { cookie: forgedCookie }, why);
  });

  it("without a passcode the same routes are open (the 401s above come from the passcode)", async () => {
    app.fake.enqueue("POST", SUBMIT_PATH, { json: foxTask({ id: "task-open-1" }) });
    expect((await post(veoBody(app))).status).toBe(201);
    expect((await read(await collection.GET(request("/api/generations")))).status).toBe(200);
  });
});

describe("state-changing routes: application/json from our own origin only", () => {
  const body = () => JSON.stringify(veoBody(app));
  const cases: [string, () => Record<string, string>, number, string][] = [
    [
      "a cross-site Origin",
      () => ({ "Content-Type": "application/json", Origin: "https://evil.example" }),
      403,
      "cross_site_request",
    ],
    [
      "an Origin on another port",
      () => ({ "Content-Type": "application/json", Origin: "http://localhost:3001" }),
      403,
      "cross_site_request",
    ],
    [
      "Origin: null (sandboxed frame, file://)",
      () => ({ "Content-Type": "application/json", Origin: "null" }),
      403,
      "cross_site_request",
    ],
    [
      "Sec-Fetch-Site: cross-site",
      () => ({ "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site" }),
      403,
      "cross_site_request",
    ],
    [
      "Sec-Fetch-Site: same-site",
      () => ({ "Content-Type": "application/json", "Sec-Fetch-Site": "same-site" }),
      403,
      "cross_site_request",
    ],
    [
      "text/plain (a no-preflight cross-site form)",
      () => ({ "Content-Type": "text/plain", Origin: ORIGIN }),
      415,
      "unsupported_media_type",
    ],
    [
      "application/x-www-form-urlencoded",
      () => ({ "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN }),
      415,
      "unsupported_media_type",
    ],
    [
      "multipart/form-data",
      () => ({ "Content-Type": "multipart/form-data; boundary=x", Origin: ORIGIN }),
      415,
      "unsupported_media_type",
    ],
    [
      "no declared type (fetch then sends text/plain)",
      () => ({ Origin: ORIGIN }),
      415,
      "unsupported_media_type",
    ],
  ];

  it.each(cases)(
    "POST /api/generations with %s → %s, zero upstream requests",
    async (_why, headers, status, code) => {
      app.configure({ ACCESS_PASSCODE: PASSCODE });
      const cookie = await sessionCookie();
      app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
      const res = await post(body(), { headers: headers(), cookie });
      expect(res.status).toBe(status);
      expect(res.json.error.code).toBe(code);
      expect(submits()).toHaveLength(0);
      expect(app.media.requests).toHaveLength(0);
    },
  );

  it.each(cases)(
    "PATCH /api/generations/{id} (favourite) with %s → %s, nothing changed",
    async (_why, headers, status, code) => {
      const { cookie, id } = await signedInWithTask();
      const res = await read(
        await item.PATCH(
          request(`/api/generations/${id}`, {
            method: "PATCH",
            body: JSON.stringify({ favourite: true }),
            headers: headers(),
            cookie,
          }),
          params("id", id),
        ),
      );
      expect(res.status).toBe(status);
      expect(res.json.error.code).toBe(code);
      expect((await getTaskStore().get(id))?.favourite).toBe(0);
    },
  );

  it("same origin with JSON goes through (so the refusals above are the origin and type checks)", async () => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-same-origin" }) });
    const res = await post(body(), {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        Origin: ORIGIN,
        "Sec-Fetch-Site": "same-origin",
      },
    });
    expect(res.status).toBe(201);
    expect(submits()).toHaveLength(1);
  });

  it("sign-in and sign-out refuse other origins too", async () => {
    app.configure({ ACCESS_PASSCODE: PASSCODE });
    const cookie = await sessionCookie();
    const evil = { "Content-Type": "application/json", Origin: "https://evil.example" };
    const signIn = await read(
      await session.POST(request("/api/session", { body: { passcode: PASSCODE }, headers: evil })),
    );
    expect(signIn.status).toBe(403);
    expect(signIn.headers.get("set-cookie")).toBeNull();
    const signOut = await read(
      await session.DELETE(request("/api/session", { method: "DELETE", headers: evil, cookie })),
    );
    expect(signOut.status).toBe(403);
    // The session survived the cross-site sign-out attempt.
    expect((await read(await collection.GET(request("/api/generations", { cookie })))).status).toBe(200);
  });

  it("no permissive CORS: OPTIONS (Next's automatic answer) is 204 with Allow and no Access-Control-* header", async () => {
    app.configure({ ACCESS_PASSCODE: PASSCODE });
    // Route files define no OPTIONS; Next answers it with this helper. Run it over the real modules.
    const modules = { collection, item, lineage, video, simFiles, uploads, session };
    const allows: Record<string, string | null> = {};
    for (const [name, mod] of Object.entries(modules)) {
      expect((mod as Record<string, unknown>).OPTIONS, name).toBeUndefined();
      const methods = autoImplementMethods(mod as never);
      const res = await read(
        (await methods.OPTIONS(
          request("/api/generations", {
            method: "OPTIONS",
            headers: {
              Origin: "https://evil.example",
              "Access-Control-Request-Method": "POST",
              "Access-Control-Request-Headers": "content-type",
            },
          }) as never,
          {} as never,
        )) as Response,
      );
      expect(res.status).toBe(204);
      allows[name] = res.headers.get("allow");
    }
    expect(allows).toEqual({
      collection: "GET, HEAD, OPTIONS, POST",
      item: "GET, HEAD, OPTIONS, PATCH",
      lineage: "GET, HEAD, OPTIONS",
      video: "GET, HEAD, OPTIONS",
      simFiles: "GET, HEAD, OPTIONS",
      uploads: "GET, HEAD, OPTIONS, POST",
      session: "DELETE, GET, HEAD, OPTIONS, POST",
    });
    // And no config-level header rules could add CORS headers either.
    expect(nextConfig.headers).toBeUndefined();
    expect(app.fake.requests).toHaveLength(0);
  });
});

describe("spend cap: MAX_TASKS_PER_DAY, checked atomically before any upstream call", () => {
  /** The fake answers every submit after ~50 ms with a fresh task id. */
  function slowUpstream() {
    let n = 0;
    app.fake.on("POST", SUBMIT_PATH, () => {
      n++;
      return { json: foxTask({ id: `task-cap-${String(n)}` }), delayMs: 50 };
    });
  }

  function expectCapAnswer(res: Answer) {
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe("daily_limit_reached");
    expect(res.json.error.message).toMatch(/limit of 10 tasks/);
    const retry = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(retry)).toBe(true);
    expect(Math.abs(retry - secondsToNextDay(Date.now()))).toBeLessThanOrEqual(2);
  }

  it("50 concurrent submits from three team members against a cap of 10 → exactly 10 upstream calls", async () => {
    app.configure({ ACCESS_PASSCODE: PASSCODE, MAX_TASKS_PER_DAY: "10" });
    const cookies = [await sessionCookie(), await sessionCookie(), await sessionCookie()];
    slowUpstream();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(veoBody(app, { prompt: `Shot ${String(i)} keeps panning` }), {
          cookie: cookies[i % 3]!,
          idempotencyKey: `cap-key-${String(i)}`,
        }),
      ),
    );
    expect(submits()).toHaveLength(10);
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(created).toHaveLength(10);
    expect(new Set(created.map((a) => a.json.id as string)).size).toBe(10);
    expect(refused).toHaveLength(40);
    for (const res of refused) expectCapAnswer(res);
    // Every upstream body is one of the 50 prompts, each sent once.
    expect(new Set(submits().map((r) => (JSON.parse(r.body) as { prompt: string }).prompt)).size).toBe(10);
    const listed = await read(
      await collection.GET(request("/api/generations?limit=100", { cookie: cookies[0]! })),
    );
    expect(listed.json.tasks).toHaveLength(10);
  });

  it("50 concurrent submits from one browser: the session rate limit and the cap together still make 10 calls", async () => {
    app.configure({ MAX_TASKS_PER_DAY: "10" });
    slowUpstream();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(veoBody(app, { prompt: `Take ${String(i)}` }), { idempotencyKey: `solo-${String(i)}` }),
      ),
    );
    expect(submits()).toHaveLength(10);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(40);
    for (const res of refused) {
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(typeof res.json.error.message).toBe("string");
      expect(res.json.error.message.length).toBeGreaterThan(10);
    }
    const codes = new Set(refused.map((a) => a.json.error.code as string));
    expect([...codes].sort()).toEqual(["daily_limit_reached", "rate_limited"]);
  });

  it("the per-session submit rate limit is per session: one member's burst doesn't block another", async () => {
    app.configure({ ACCESS_PASSCODE: PASSCODE });
    const [a, b] = [await sessionCookie(), await sessionCookie()];
    let n = 0;
    app.fake.on("POST", SUBMIT_PATH, () => ({ json: foxTask({ id: `task-rl-${String(++n)}` }) }));
    for (let i = 0; i < 20; i++)
      expect((await post(veoBody(app, { prompt: `a ${String(i)}` }), { cookie: a })).status).toBe(201);
    const limited = await post(veoBody(app, { prompt: "a 21" }), { cookie: a });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    // 20 a minute, counted from the first submit: what is left of that minute (the burst takes a few seconds at most).
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(retryAfter).toBeGreaterThanOrEqual(30);
    expect(submits()).toHaveLength(20);
    expect((await post(veoBody(app, { prompt: "b 1" }), { cookie: b })).status).toBe(201);
    expect(submits()).toHaveLength(21);
  });

  it("submits the upstream refuses (422, 402, 429) don't use up the cap", async () => {
    app.configure({ MAX_TASKS_PER_DAY: "2" });
    app.fake.enqueue(
      "POST",
      SUBMIT_PATH,
      foxError(422, "invalid_request_error", "unsupported_advanced_options", "unsupported_advanced_options"),
      foxError(402, "insufficient_quota", "balance too low"),
      foxError(429, "rate_limit_error", "slow down", undefined, { "Retry-After": "3" }),
    );
    app.fake.on("POST", SUBMIT_PATH, () => ({
      json: foxTask({ id: `task-ok-${String(submits().length)}` }),
    }));
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await post(veoBody(app, { prompt: `Attempt ${String(i)}` }))).status);
    expect(statuses).toEqual([422, 402, 429, 201, 201, 429]);
    // The last one was refused by our cap, before the upstream.
    expect(submits()).toHaveLength(5);
  });

  it("submits whose outcome is unknown (connection dropped after sending) do use up the cap", async () => {
    app.configure({ MAX_TASKS_PER_DAY: "2" });
    app.fake.enqueue("POST", SUBMIT_PATH, (_req, res) => {
      res.socket?.destroy();
    });
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-after-unknown" }) });
    const first = await post(veoBody(app, { prompt: "Unknown fate" }));
    expect(first.status).toBe(504);
    expect(first.json.error.code).toBe("submit_outcome_unknown");
    expect((await post(veoBody(app, { prompt: "Second" }))).status).toBe(201);
    const third = await post(veoBody(app, { prompt: "Third" }));
    expect(third.status).toBe(429);
    expect(third.json.error.code).toBe("daily_limit_reached");
    expect(submits()).toHaveLength(2);
  });

  it("a 500 from the upstream on submit is an unknown outcome: it uses up the cap", async () => {
    app.configure({ MAX_TASKS_PER_DAY: "1" });
    app.fake.on("POST", SUBMIT_PATH, foxError(500, "server_error", "boom"));
    const first = await post(veoBody(app, { prompt: "Maybe created" }));
    expect(first.status).toBe(502);
    expect(first.json.error.code).toBe("upstream_error");
    const second = await post(veoBody(app, { prompt: "Next one" }));
    expect(second.status).toBe(429);
    expect(second.json.error.code).toBe("daily_limit_reached");
    expect(submits()).toHaveLength(1);
  });

  it("a cap of 0 refuses everything with zero upstream calls", async () => {
    app.configure({ MAX_TASKS_PER_DAY: "0" });
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(veoBody(app));
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe("daily_limit_reached");
    expect(submits()).toHaveLength(0);
  });
});

describe("never twice: the Idempotency-Key header", () => {
  it("the same key twice → the same task, one upstream call, the second marked Idempotent-Replayed", async () => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-idem-1" }) });
    const first = await post(veoBody(app), { idempotencyKey: "k-1" });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const second = await post(veoBody(app), { idempotencyKey: "k-1" });
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.json.id).toBe(first.json.id);
    expect(submits()).toHaveLength(1);
    // The same request spelled differently (defaults written out, keys reordered) is the same request.
    const spelled = await post(
      {
        generate_audio: true,
        aspect_ratio: "16:9",
        ...veoBody(app),
        prompt: `  ${veoBody(app).prompt as string} `,
      },
      { idempotencyKey: "k-1" },
    );
    expect(spelled.status).toBe(200);
    expect(spelled.json.id).toBe(first.json.id);
    expect(submits()).toHaveLength(1);
  });

  it("10 concurrent duplicates with one key → one upstream call, all the same task", async () => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-idem-burst" }), delayMs: 80 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post(veoBody(app), { idempotencyKey: "burst-key" })),
    );
    expect(submits()).toHaveLength(1);
    expect(answers.map((a) => a.json.id)).toEqual(Array(10).fill("task-idem-burst"));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(9);
  });

  it("the same key with a different body → 422 idempotency_key_reused, no extra call", async () => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-idem-2" }) });
    expect((await post(veoBody(app), { idempotencyKey: "k-2" })).status).toBe(201);
    for (const changed of [
      veoBody(app, { prompt: "Something else entirely" }),
      veoBody(app, { model: "veo-3.1-extend-fast" }),
      veoBody(app, { seed: 7 }),
      { ...veoBody(app), parent_task_id: "task-idem-2" },
    ]) {
      const res = await post(changed, { idempotencyKey: "k-2" });
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe("idempotency_key_reused");
    }
    expect(submits()).toHaveLength(1);
  });

  it("keys are scoped per session: two team members may use the same key independently", async () => {
    app.configure({ ACCESS_PASSCODE: PASSCODE });
    const [a, b] = [await sessionCookie(), await sessionCookie()];
    app.fake.enqueue(
      "POST",
      SUBMIT_PATH,
      { json: foxTask({ id: "task-of-a" }) },
      { json: foxTask({ id: "task-of-b" }) },
    );
    const ofA = await post(veoBody(app), { cookie: a, idempotencyKey: "shared" });
    const ofB = await post(veoBody(app, { prompt: "B's own prompt" }), {
      cookie: b,
      idempotencyKey: "shared",
    });
    expect([ofA.status, ofB.status]).toEqual([201, 201]);
    expect([ofA.json.id, ofB.json.id]).toEqual(["task-of-a", "task-of-b"]);
    expect(submits()).toHaveLength(2);
    // Each replays its own.
    expect((await post(veoBody(app), { cookie: a, idempotencyKey: "shared" })).json.id).toBe("task-of-a");
    expect(
      (await post(veoBody(app, { prompt: "B's own prompt" }), { cookie: b, idempotencyKey: "shared" })).json
        .id,
    ).toBe("task-of-b");
    expect(submits()).toHaveLength(2);
  });

  it("without a key nothing is deduplicated: two clicks are two tasks", async () => {
    let n = 0;
    app.fake.on("POST", SUBMIT_PATH, () => ({ json: foxTask({ id: `task-nokey-${String(++n)}` }) }));
    const [x, y] = [await post(veoBody(app)), await post(veoBody(app))];
    expect([x.status, y.status]).toEqual([201, 201]);
    expect(x.json.id).not.toBe(y.json.id);
    expect(submits()).toHaveLength(2);
  });

  it.each([["x".repeat(256)], ["has space"], ["tab\there"]])(
    "an unusable key %j → 400 before anything is spent",
    async (key) => {
      app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
      const res = await post(veoBody(app), { idempotencyKey: key });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("invalid_idempotency_key");
      expect(submits()).toHaveLength(0);
    },
  );

  it("a connection reset after the upstream read the body → 504 outcome unknown; the same key again never re-sends", async () => {
    app.fake.on("POST", SUBMIT_PATH, (req, res) => {
      expect(JSON.parse(req.body)).toMatchObject({ model: "veo-3.1-extend" });
      res.socket?.destroy();
    });
    const first = await post(veoBody(app), { idempotencyKey: "dropped" });
    expect(first.status).toBe(504);
    expect(first.json.error.code).toBe("submit_outcome_unknown");
    expect(first.json.error.message).toMatch(/may or may not have been created/);
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-would-be-second" }) });
    for (let i = 0; i < 3; i++) {
      const again = await post(veoBody(app), { idempotencyKey: "dropped" });
      expect(again.status).toBe(504);
      expect(again.json.error.code).toBe("submit_outcome_unknown");
    }
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => post(veoBody(app), { idempotencyKey: "dropped" })),
    );
    expect(burst.map((a) => a.status)).toEqual([504, 504, 504, 504, 504]);
    expect(submits()).toHaveLength(1);
    // Sending it again on purpose takes a new key.
    expect((await post(veoBody(app), { idempotencyKey: "resend-on-purpose" })).status).toBe(201);
    expect(submits()).toHaveLength(2);
  });

  it("concurrent duplicates of a submit that fails share its one upstream call and its error", async () => {
    app.fake.on("POST", SUBMIT_PATH, (_req, res) => {
      setTimeout(() => res.socket?.destroy(), 60);
    });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post(veoBody(app), { idempotencyKey: "shared-fate" })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(504));
    expect(submits()).toHaveLength(1);
  });

  it.each([
    [
      "429 (rate limited)",
      foxError(429, "rate_limit_error", "slow down", undefined, { "Retry-After": "2" }),
      429,
    ],
    ["402 (out of credit, then topped up)", foxError(402, "insufficient_quota", "balance too low"), 402],
  ])(
    "a key whose first submit the upstream refused with %s is sent again when retried, as the message advises",
    async (_why, refusal, status) => {
      app.fake.enqueue("POST", SUBMIT_PATH, refusal);
      app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-after-refusal" }) });
      const first = await post(veoBody(app), { idempotencyKey: "retry-me" });
      expect(first.status).toBe(status);
      // The studio keeps the key when the values are unchanged; the upstream created nothing, so send it again.
      const retry = await post(veoBody(app), { idempotencyKey: "retry-me" });
      expect(retry.status).toBe(201);
      expect(retry.json.id).toBe("task-after-refusal");
      expect(submits()).toHaveLength(2);
      // And from now on the key is the task's.
      const replay = await post(veoBody(app), { idempotencyKey: "retry-me" });
      expect(replay.status).toBe(200);
      expect(replay.json.id).toBe("task-after-refusal");
      expect(submits()).toHaveLength(2);
    },
  );

  it.each([
    ["500", foxError(500, "server_error", "boom"), 502],
    ["503", foxError(503, "service_unavailable_error", "no channel"), 503],
  ])("a key whose submit got a %s (maybe created) is never re-sent", async (_s, failure, status) => {
    app.fake.on("POST", SUBMIT_PATH, failure);
    expect((await post(veoBody(app), { idempotencyKey: "five-hundred" })).status).toBe(status);
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-duplicate" }) });
    const again = await post(veoBody(app), { idempotencyKey: "five-hundred" });
    expect(again.status).toBe(504);
    expect(again.json.error.code).toBe("submit_outcome_unknown");
    expect(submits()).toHaveLength(1);
  });
});

describe("cheap polling", () => {
  async function runningTask(id: string) {
    app.fake.enqueue("POST", SUBMIT_PATH, { json: foxTask({ id }) });
    const created = await post(veoBody(app));
    expect(created.status).toBe(201);
    return id;
  }

  it("20 concurrent GETs of one task → one upstream status call", async () => {
    const id = await runningTask("task-poll-1");
    app.fake.on("GET", TASK_PATH, {
      json: foxTask({ id, status: "processing", progress: 30 }),
      delayMs: 100,
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => getTask(id)));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({ id, status: "processing", progress: 30 });
    }
    expect(statusReads()).toHaveLength(1);
  });

  it("STATUS_MIN_INTERVAL_MS=1000: a 1.5 s burst of polls makes at most 2 upstream calls, ≥ 1 s apart", async () => {
    app.configure({ STATUS_MIN_INTERVAL_MS: "1000" });
    const id = await runningTask("task-poll-2");
    const arrivals: number[] = [];
    app.fake.on("GET", TASK_PATH, () => {
      arrivals.push(Date.now());
      return { json: foxTask({ id, status: "processing", progress: 10 + arrivals.length }) };
    });
    const start = Date.now();
    const polls: Promise<Answer>[] = [];
    while (Date.now() - start < 1500) {
      polls.push(getTask(id), getTask(id));
      await sleep(20);
    }
    const answers = await Promise.all(polls);
    expect(answers.length).toBeGreaterThan(40);
    for (const a of answers) expect(a.status).toBe(200);
    expect(statusReads().length).toBeGreaterThanOrEqual(1);
    expect(statusReads().length).toBeLessThanOrEqual(2);
    for (let i = 1; i < arrivals.length; i++)
      expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(990);
  });

  it.each([
    [401, foxError(401, "authentication_error", "bad key"), 502, "upstream_auth_failed"],
    [402, foxError(402, "insufficient_quota", "no credit"), 402, "insufficient_credit"],
  ])("upstream %s on status → our %s %s, asked once (not retried)", async (_u, reply, status, code) => {
    const id = await runningTask(`task-poll-${String(status)}`);
    app.fake.on("GET", TASK_PATH, reply);
    const res = await getTask(id);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(res.headers.get("retry-after")).toBeNull();
    expect(statusReads()).toHaveLength(1);
  });

  it("upstream 404 on status → the task is failed (task_not_found), asked once, never again", async () => {
    const id = await runningTask("task-poll-404");
    app.fake.on("GET", TASK_PATH, foxError(404, "not_found", "no such task"));
    const res = await getTask(id);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "failed", error: { code: "task_not_found" } });
    await getTask(id);
    await getTask(id);
    expect(statusReads()).toHaveLength(1);
  });

  it("upstream 429 on status → 429 with Retry-After after a bounded number of tries; then the stored status is served", async () => {
    app.configure({ STATUS_MIN_INTERVAL_MS: "5000" });
    const id = await runningTask("task-poll-429");
    // Past the interval since creation, so the next poll asks.
    await getTaskStore().update(id, { checkedAt: Date.now() - 10_000 });
    app.fake.on(
      "GET",
      TASK_PATH,
      foxError(429, "rate_limit_error", "slow down", undefined, { "Retry-After": "1" }),
    );
    const started = Date.now();
    const res = await getTask(id);
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe("rate_limited");
    expect(res.headers.get("retry-after")).toBe("1");
    expect(statusReads()).toHaveLength(3);
    // Retry-After honoured between the tries: two waits of 1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    // A failing upstream is not hammered: within the interval viewers get the stored status.
    const calm = await getTask(id);
    expect(calm.status).toBe(200);
    expect(calm.json.status).toBe("pending");
    expect(statusReads()).toHaveLength(3);
  });
});

describe("before spending: media links are checked on their field, with zero upstream calls", () => {
  const blocked: [string, string][] = [
    ["private 10/8", "http://10.0.0.1/clip.mp4"],
    ["private 192.168/16", "http://192.168.1.1/clip.mp4"],
    ["private 172.16/12", "http://172.16.5.4/clip.mp4"],
    ["link-local metadata", "http://169.254.169.254/latest/meta-data/"],
    ["IPv4-mapped IPv6 private", "http://[::ffff:10.0.0.1]/clip.mp4"],
    ["IPv4-mapped IPv6 metadata", "http://[::ffff:a9fe:a9fe]/clip.mp4"],
    ["decimal IP (10.0.0.1)", "http://167772161/clip.mp4"],
    ["decimal IP (169.254.169.254)", "http://2852039166/clip.mp4"],
    ["hex IP", "http://0xa9fea9fe/clip.mp4"],
    ["octal IP", "http://0251.0376.0251.0376/clip.mp4"],
    ["IPv6 unique local", "http://[fd00::1]/clip.mp4"],
    ["IPv6 link-local", "http://[fe80::1]/clip.mp4"],
    ["unspecified", "http://0.0.0.0/clip.mp4"],
    ["carrier-grade NAT", "http://100.64.0.1/clip.mp4"],
  ];

  it.each(blocked)("video_url at %s → 422 invalid_media on video_url", async (_why, url) => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(veoBody(app, { video_url: url }));
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("invalid_media");
    expect(Object.keys(res.json.error.fields as object)).toEqual(["video_url"]);
    expect(submits()).toHaveLength(0);
  });

  it.each([
    ["image_urls.0", { image_urls: ["http://192.168.1.1/sky.jpg"] }],
    [
      "elements.0.frontal_image_url",
      { elements: [{ frontal_image_url: "http://169.254.169.254/a.jpg", reference_image_urls: [] }] },
    ],
    [
      "elements.0.reference_image_urls.0",
      {
        elements: [
          {
            frontal_image_url: "http://127.0.0.2/a.jpg",
            reference_image_urls: ["http://[::ffff:10.1.2.3]/b.jpg"],
          },
        ],
      },
    ],
  ])("a Kling %s at a private address → 422 on exactly that field", async (field, overrides) => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post({
      model: "kling-o3-video-to-video-edit",
      prompt: "Edit @Video1",
      video_url: `${app.media.url}/clip.mp4`,
      ...overrides,
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.error.fields as object)).toEqual([field]);
    expect(submits()).toHaveLength(0);
  });

  it.each([
    ["ftp://example.com/clip.mp4"],
    ["file:///etc/passwd"],
    ["javascript:alert(1)"],
    ["data:video/mp4;base64,AAAA"],
    ["gopher://127.0.0.1:6379/_INFO"],
  ])("a non-http(s) video_url %j → 422 on video_url, nothing fetched", async (url) => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(veoBody(app, { video_url: url }));
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.error.fields as object)).toEqual(["video_url"]);
    expect(submits()).toHaveLength(0);
    expect(app.media.requests).toHaveLength(0);
  });

  describe("loopback media", () => {
    afterEach(() => vi.restoreAllMocks());

    it("is refused when the upstream is not on loopback (real FoxAPI), and nothing is contacted", async () => {
      app.configure({ FOXAPI_BASE_URL: "https://api.foxapi.cc" });
      const fetchSpy = vi.spyOn(globalThis, "fetch");
      for (const url of [
        `${app.media.url}/clip.mp4`,
        `http://localhost:${new URL(app.media.url).port}/clip.mp4`,
        "http://[::1]/clip.mp4",
        "http://2130706433/clip.mp4",
        "http://[::ffff:127.0.0.1]/clip.mp4",
      ]) {
        const res = await post(veoBody(app, { video_url: url }));
        expect(res.status, url).toBe(422);
        expect(res.json.error.code).toBe("invalid_media");
        expect(res.json.error.fields.video_url).toMatch(/private, loopback or link-local/);
      }
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(app.media.requests).toHaveLength(0);
      expect(app.fake.requests).toHaveLength(0);
    });

    it("is allowed when the upstream is on loopback too (a fake FoxAPI, the simulator)", async () => {
      app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-loopback-ok" }) });
      const res = await post(veoBody(app));
      expect(res.status).toBe(201);
      expect(res.json.warnings).toEqual({});
      // The link check (HEAD), then the probe of the clip's header (one ranged GET).
      expect(app.media.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        "HEAD /clip.mp4",
        "GET /clip.mp4",
      ]);
      expect(submits()).toHaveLength(1);
    });
  });

  it("a link that serves an HTML page → 422 'not a video' on video_url", async () => {
    app.media.on("/page.mp4", serveAs("text/html; charset=utf-8", 5000));
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(veoBody(app, { video_url: `${app.media.url}/page.mp4` }));
    expect(res.status).toBe(422);
    expect(res.json.error.fields.video_url).toMatch(/serves text\/html, not a video/);
    expect(submits()).toHaveLength(0);
  });

  it("a 300 MB video → 422 on video_url", async () => {
    app.media.on("/huge.mp4", serveAs("video/mp4", 300 * 1024 * 1024));
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(veoBody(app, { video_url: `${app.media.url}/huge.mp4` }));
    expect(res.status).toBe(422);
    expect(res.json.error.fields.video_url).toMatch(/300 MB; the limit is 200 MB/);
    expect(submits()).toHaveLength(0);
  });

  it("an 11 MB image → 422 on its field", async () => {
    app.media.on("/big.jpg", serveAs("image/jpeg", 11 * 1024 * 1024));
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post({
      model: "kling-o3-video-to-video-edit",
      prompt: "Put @Image2 on @Video1",
      video_url: `${app.media.url}/clip.mp4`,
      image_urls: [`${app.media.url}/ok.jpg`, `${app.media.url}/big.jpg`],
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.error.fields as object)).toEqual(["image_urls.1"]);
    expect(res.json.error.fields["image_urls.1"]).toMatch(/11 MB; the limit is 10 MB/);
    expect(submits()).toHaveLength(0);
  });

  it("a link our server can't reach → 201 with a warning on that field", async () => {
    app.fake.on("POST", SUBMIT_PATH, () => ({
      json: foxTask({ id: `task-warned-${String(submits().length)}` }),
    }));
    const unresolvable = await post(veoBody(app, { video_url: "https://nothing-here.invalid/clip.mp4" }));
    expect(unresolvable.status).toBe(201);
    expect(Object.keys(unresolvable.json.warnings as object)).toEqual(["video_url"]);
    expect(unresolvable.json.warnings.video_url).toMatch(/couldn't/);

    // Connection refused on a loopback port nobody listens on.
    const refused = await post(veoBody(app, { video_url: "http://127.0.0.1:1/clip.mp4", prompt: "Another" }));
    expect(refused.status).toBe(201);
    expect(refused.json.warnings.video_url).toMatch(/couldn't check this link/);
    expect(submits()).toHaveLength(2);
  });
});
