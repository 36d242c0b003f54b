// Proxy overhead: latency (p50/p99) and throughput of POST /api/generations and GET /api/generations/{id}
// through Retake's production server, next to the same requests sent straight to a fake FoxAPI on loopback.
//
//   node bench/proxy-overhead.mjs
//
// Four production servers run side by side, each with FOXAPI_API_KEY=bench-key, FOXAPI_BASE_URL=<the fake>:
//   A  STATUS_MIN_INTERVAL_MS=0       every status request refreshes from the upstream (the whole proxy path)
//   B  STATUS_MIN_INTERVAL_MS=600000  status requests are answered from the store (what most polls get)
//   C  as B, with ACCESS_PASSCODE set: submits, and status with a session cookie
//   D  as C, fresh: submit throughput
// Submits are limited to 20 a minute per session. C and D each sign in five sessions (sign-in allows five a
// minute per client) and spread 100 submits over them; no limit is lifted and no setting added for the bench.
// Requests to the fake and to each server are interleaved one by one (and throughput runs alternate in short
// rounds), so a busy machine slows all of them alike and the ratios hold.
import http from "node:http";
import { startFake } from "./lib/fake.mjs";
import { cannon, client, deadline, fmt, printCommand, printTable, summarize } from "./lib/measure.mjs";
import { ensureBuild, generationBody, signIn, startServer, submit } from "./lib/server.mjs";

deadline(200, "proxy-overhead");
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3410);
const GET_N = 500;
const GET_WARMUP = 50;
const POST_N = 90;
const POST_WARMUP = 10;
const SESSIONS = 5;
const ROUNDS = 3;
const ROUND_SECONDS = 1;
const PASSCODE = "bench-passcode";

ensureBuild();

/** Timings of proxied submits, keyed by request number (in the media URL's ?r= and the prompt). */
const marks = new Map();
const fake = await startFake({
  onEvent(kind, info) {
    const n = Number(
      kind === "head"
        ? /[?&]r=(\d+)/.exec(String(info.url))?.[1]
        : /^bench (\d+)/.exec(String(info.prompt ?? ""))?.[1],
    );
    const m = marks.get(n);
    if (!m) return;
    if (kind === "head") m.head ??= info.arrived;
    if (kind === "submit") m.submit = info.arrived;
    if (kind === "submitted") m.submitted = info.at;
  },
});
const env = (interval, extra = {}) => ({
  FOXAPI_API_KEY: "bench-key",
  FOXAPI_BASE_URL: fake.url,
  STATUS_MIN_INTERVAL_MS: String(interval),
  ...extra,
});
const [A, B, C, D] = await Promise.all([
  startServer(BASE_PORT, env(0)),
  startServer(BASE_PORT + 1, env(600_000)),
  startServer(BASE_PORT + 2, env(600_000, { ACCESS_PASSCODE: PASSCODE })),
  startServer(BASE_PORT + 3, env(600_000, { ACCESS_PASSCODE: PASSCODE })),
]);
const cookiesC = [];
const cookiesD = [];
for (let s = 0; s < SESSIONS; s++) {
  cookiesC.push(await signIn(C, PASSCODE));
  cookiesD.push(await signIn(D, PASSCODE));
}
const taskA = await submit(A, generationBody(fake.url, 900_001));
const taskB = await submit(B, generationBody(fake.url, 900_002));

const upstreamHeaders = {
  Authorization: "Bearer bench-key",
  Accept: "application/json",
  "Content-Type": "application/json",
};
// The body our server sends upstream for generationBody(n) (see veoUpstreamBody).
const upstreamBody = (n) => JSON.stringify({ ...generationBody(fake.url, n), generate_audio: true });
const direct = await (
  await fetch(`${fake.url}/v1/videos/generations`, {
    method: "POST",
    headers: upstreamHeaders,
    body: upstreamBody(0),
  })
).json();
const submitHeaders = (server, cookie, key) => ({
  "Content-Type": "application/json",
  Origin: server.url,
  "Idempotency-Key": key,
  ...(cookie ? { Cookie: cookie } : {}),
});

const expect = (want, res) => {
  if (!want.includes(res.status)) throw new Error(`HTTP ${String(res.status)}: ${res.text.slice(0, 300)}`);
  return res;
};

// ---- latency: one request to each target in turn -----------------------------------------------------------
const fakeClient = client(fake.url);
const aClient = client(A.url);
const bClient = client(B.url);
const cClient = client(C.url);
const lat = {
  directGet: [],
  directGet2: [],
  refresh: [],
  stored: [],
  storedSession: [],
  directPost: [],
  post: [],
  head: [],
};
const callsBeforeA = fake.statusCallsFor(taskA.id);
for (let i = 0; i < GET_WARMUP + GET_N; i++) {
  const keep = i >= GET_WARMUP;
  const r1 = expect(
    [200],
    await fakeClient.send({ path: `/v1/tasks/${direct.id}`, headers: upstreamHeaders }),
  );
  const r2 = expect([200], await aClient.send({ path: `/api/generations/${taskA.id}` }));
  const r3 = expect([200], await bClient.send({ path: `/api/generations/${taskB.id}` }));
  if (keep) {
    lat.directGet.push(r1.ms);
    lat.refresh.push(r2.ms);
    lat.stored.push(r3.ms);
  }
}
const refreshCalls = fake.statusCallsFor(taskA.id) - callsBeforeA;
for (let i = 0; i < POST_WARMUP + POST_N; i++) {
  const keep = i >= POST_WARMUP;
  const n = i + 1;
  const r1 = expect(
    [200],
    await fakeClient.send({
      path: "/v1/videos/generations",
      method: "POST",
      headers: upstreamHeaders,
      body: upstreamBody(1_000_000 + n),
    }),
  );
  // What the media check sends: a HEAD on a fresh connection (the guarded client never reuses sockets).
  const t0 = performance.now();
  await new Promise((resolve, reject) => {
    const req = http.request(`${fake.url}/media/clip.mp4`, { method: "HEAD", agent: false }, (res) => {
      res.resume();
      res.on("end", resolve);
    });
    req.on("error", reject);
    req.end();
  });
  const head = performance.now() - t0;
  marks.set(n, { t0: performance.now(), keep });
  const r2 = expect(
    [201],
    await cClient.send({
      path: "/api/generations",
      method: "POST",
      headers: submitHeaders(C, cookiesC[i % SESSIONS], `bench-${String(n)}`),
      body: JSON.stringify(generationBody(fake.url, n)),
    }),
  );
  marks.get(n).t1 = performance.now();
  if (keep) {
    lat.directPost.push(r1.ms);
    lat.post.push(r2.ms);
    lat.head.push(head);
  }
}
const taskC = JSON.parse(
  expect([200], await cClient.send({ path: "/api/generations?limit=1", headers: { Cookie: cookiesC[0] } }))
    .text,
).tasks[0];
for (let i = 0; i < GET_WARMUP + GET_N; i++) {
  const r1 = expect(
    [200],
    await fakeClient.send({ path: `/v1/tasks/${direct.id}`, headers: upstreamHeaders }),
  );
  const r4 = expect(
    [200],
    await cClient.send({ path: `/api/generations/${taskC.id}`, headers: { Cookie: cookiesC[0] } }),
  );
  if (i >= GET_WARMUP) {
    lat.storedSession.push(r4.ms);
    lat.directGet2.push(r1.ms);
  }
}
for (const c of [fakeClient, aClient, bClient, cClient]) c.close();

// ---- throughput: autocannon, alternating short rounds --------------------------------------------------------
const tp = { directGet: [], refresh: [], stored: [], directPost: [], post: [] };
let refreshThroughputCalls = 0;
for (let round = 0; round < ROUNDS; round++) {
  tp.directGet.push(
    await cannon({
      url: `${fake.url}/v1/tasks/${direct.id}`,
      headers: upstreamHeaders,
      duration: ROUND_SECONDS,
    }),
  );
  const before = fake.statusCallsFor(taskA.id);
  tp.refresh.push(await cannon({ url: `${A.url}/api/generations/${taskA.id}`, duration: ROUND_SECONDS }));
  refreshThroughputCalls += fake.statusCallsFor(taskA.id) - before;
  tp.stored.push(await cannon({ url: `${B.url}/api/generations/${taskB.id}`, duration: ROUND_SECONDS }));
}
for (let i = 0; i < POST_WARMUP; i++)
  await submit(D, generationBody(fake.url, 2_000_000 + i), { cookie: cookiesD[i % SESSIONS] });
let seq = 3_000_000;
const perRound = POST_N / ROUNDS;
for (let round = 0; round < ROUNDS; round++) {
  tp.directPost.push(
    await cannon({
      url: `${fake.url}/v1/videos/generations`,
      method: "POST",
      connections: SESSIONS,
      amount: perRound,
      requests: [
        { setupRequest: (req) => ({ ...req, headers: upstreamHeaders, body: upstreamBody(seq++) }) },
      ],
    }),
  );
  tp.post.push(
    await cannon({
      url: `${D.url}/api/generations`,
      method: "POST",
      connections: SESSIONS,
      amount: perRound,
      requests: [
        {
          setupRequest: (req) => {
            const n = seq++;
            return {
              ...req,
              headers: submitHeaders(D, cookiesD[n % SESSIONS], `bench-t-${String(n)}`),
              body: JSON.stringify(generationBody(fake.url, n)),
            };
          },
        },
      ],
    }),
  );
}
await Promise.all([A, B, C, D].map((s) => s.stop()));
await fake.close();

// ---- report --------------------------------------------------------------------------------------------------
console.log(
  `\nLatency, ms (one request at a time on a keep-alive connection, targets interleaved; warm-up excluded)`,
);
const rows = [
  ["request", "n", "direct p50", "direct p99", "proxy p50", "proxy p99", "added p50", "added p99"],
];
const line = (name, proxy, directSamples) => {
  const p = summarize(proxy);
  const d = summarize(directSamples);
  rows.push([
    name,
    p.n,
    fmt(d.p50),
    fmt(d.p99),
    fmt(p.p50),
    fmt(p.p99),
    fmt(p.p50 - d.p50),
    fmt(p.p99 - d.p99),
  ]);
};
line("GET status, refreshed upstream (A)", lat.refresh, lat.directGet);
line("GET status, from the store (B)", lat.stored, lat.directGet);
line("GET status, store + session (C)", lat.storedSession, lat.directGet2);
line("POST submit, session (C)", lat.post, lat.directPost);
printTable(rows);
console.log(
  `A made ${String(refreshCalls)} upstream status calls for ${String(GET_N + GET_WARMUP)} sequential status requests.`,
);

const sum = (runs, f) => runs.reduce((s, r) => s + f(r), 0);
const rps = (runs) => sum(runs, (r) => r.requests.total) / (sum(runs, (r) => r.elapsedMs) / 1000);
const bad = (runs) => sum(runs, (r) => r.non2xx + r.errors + r.timeouts);
console.log(
  `\nThroughput, requests/s (autocannon; GET: 8 connections, ${String(ROUNDS)} rounds of ${String(ROUND_SECONDS)} s; ` +
    `POST: ${String(POST_N)} requests over ${String(SESSIONS)} connections in ${String(ROUNDS)} rounds; targets alternate)`,
);
const totalRefresh = sum(tp.refresh, (r) => r.requests.total);
printTable([
  ["request", "direct", "proxy", "proxy/direct", "errors+non-2xx"],
  [
    "GET status, refreshed upstream (A)",
    fmt(rps(tp.directGet), 0),
    fmt(rps(tp.refresh), 0),
    fmt(rps(tp.refresh) / rps(tp.directGet), 3),
    bad(tp.refresh),
  ],
  [
    "GET status, from the store (B)",
    fmt(rps(tp.directGet), 0),
    fmt(rps(tp.stored), 0),
    fmt(rps(tp.stored) / rps(tp.directGet), 3),
    bad(tp.stored),
  ],
  [
    "POST submit, session (D)",
    fmt(rps(tp.directPost), 0),
    fmt(rps(tp.post), 0),
    fmt(rps(tp.post) / rps(tp.directPost), 3),
    bad(tp.post),
  ],
]);
console.log(
  `A under 8 connections: ${String(refreshThroughputCalls)} upstream calls for ${String(totalRefresh)} requests ` +
    `(concurrent requests for one task share a call).`,
);

// Where a submit's time goes, seen from the fake (same clock: the fake runs in this process).
const seg = { before: [], media: [], upstream: [], after: [] };
for (const m of marks.values()) {
  if (!m.keep || m.t1 === undefined || m.head === undefined) continue;
  seg.before.push(m.head - m.t0);
  seg.media.push(m.submit - m.head);
  seg.upstream.push(m.submitted - m.submit);
  seg.after.push(m.t1 - m.submitted);
}
const post = summarize(lat.post).p50;
const directPost = summarize(lat.directPost).p50;
console.log(
  `\nWhere a submit's time goes (ms over ${String(seg.media.length)} submits; proxy p50 ${fmt(post)}, ` +
    `direct p50 ${fmt(directPost)}, added ${fmt(post - directPost)})`,
);
const segRow = (name, xs, what) => [name, fmt(summarize(xs).p50), fmt(summarize(xs).p99), what];
printTable([
  ["segment", "p50", "p99", "what happens in it"],
  segRow(
    "request sent → media HEAD arrives",
    seg.before,
    "routing, session, rate limit, body, schema, address check, connect",
  ),
  segRow(
    "media HEAD → upstream POST arrives",
    seg.media,
    "HEAD answer, idempotency + spend-cap reservation (SQLite), upstream request",
  ),
  segRow("upstream POST in the fake", seg.upstream, "the fake's own work"),
  segRow("fake answered → response received", seg.after, "normalize, record the task (SQLite), respond"),
]);
console.log(
  `a bare HEAD on a fresh loopback connection (what the media check sends) costs p50 ${fmt(summarize(lat.head).p50)} ms, ` +
    `p99 ${fmt(summarize(lat.head).p99)} ms from this process.`,
);
printCommand("bench/proxy-overhead.mjs");
process.exit(0);
