// SQLite beside PostgreSQL, measured in one run (issue 11): proxy overhead (latency of the status and submit
// routes through Retake next to the same request sent straight to the fake FoxAPI) and status throughput, with
// the same build, the same fake and the same load, requests interleaved one by one (throughput in alternating
// short rounds) so a busy machine slows both engines alike. Loopback only, bounded in time.
//
//   node bench/databases.mjs [--database postgres://user:pass@127.0.0.1:port/db]
//
// The PostgreSQL comes from --database, else TEST_DATABASE_URL or DATABASE_URL, else the project's own cluster
// (`bash scripts/services/postgres.sh start`). The run makes a fresh database in it and drops it at the end.
// Four production servers (ports BENCH_PORT…+3, default 3450), two per engine:
//   refresh  STATUS_MIN_INTERVAL_MS=0: every status request takes the lease, asks the fake and writes the row
//   stored   STATUS_MIN_INTERVAL_MS=600000 and ACCESS_PASSCODE: status answered from the database with a session
//            check (what most polls get); submits (idempotency row, daily count, rate limit, task row)
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";
import { startFake } from "./lib/fake.mjs";
import { cannon, client, deadline, fmt, printCommand, printTable, summarize } from "./lib/measure.mjs";
import { ensureBuild, generationBody, signIn, startServer, submit } from "./lib/server.mjs";

deadline(180, "databases");
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3450);
const GET_N = 300;
const GET_WARMUP = 30;
const POST_N = 36;
const POST_WARMUP = 6;
const SESSIONS = 3;
const ROUNDS = 3;
const ROUND_SECONDS = 2;
const CONNECTIONS = 10;
const PASSCODE = "bench-passcode";

function postgresUrl() {
  const i = process.argv.indexOf("--database");
  if (i > 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL)
    return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  try {
    const out = execFileSync(
      "bash",
      [path.join(import.meta.dirname, "../scripts/services/postgres.sh"), "env"],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    return /^DATABASE_URL=(.+)$/m.exec(out)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

const adminUrl = postgresUrl();
if (!adminUrl) {
  console.error(
    "databases: no PostgreSQL. Pass --database postgres://…, or run `bash scripts/services/postgres.sh start`.",
  );
  process.exit(1);
}
const target = new URL(adminUrl);
if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) {
  console.error(`databases: the PostgreSQL must be on loopback (got ${target.hostname}).`);
  process.exit(1);
}

ensureBuild();
const admin = new pg.Pool({ connectionString: adminUrl, max: 1 });
const dbName = `bench_${crypto.randomBytes(5).toString("hex")}`;
await admin.query(`CREATE DATABASE ${dbName}`);
const pgUrl = new URL(adminUrl);
pgUrl.pathname = `/${dbName}`;
let failed = false;
const fake = await startFake();
try {
  const base = (interval, extra = {}) => ({
    FOXAPI_API_KEY: "bench-key",
    FOXAPI_BASE_URL: fake.url,
    STATUS_MIN_INTERVAL_MS: String(interval),
    ...extra,
  });
  const onPg = { DATABASE_URL: pgUrl.toString(), SESSION_SECRET: "bench-session-secret-0123456789abcdef" };
  const passcode = { ACCESS_PASSCODE: PASSCODE };
  // The two PostgreSQL servers share one database (as replicas would); started one after the other, so the
  // second finds it migrated.
  const sqliteRefresh = await startServer(BASE_PORT, base(0));
  const sqliteStored = await startServer(BASE_PORT + 1, base(600_000, passcode));
  const pgRefresh = await startServer(BASE_PORT + 2, base(0, onPg));
  const pgStored = await startServer(BASE_PORT + 3, base(600_000, { ...onPg, ...passcode }));
  const engines = [
    { name: "SQLite", refresh: sqliteRefresh, stored: sqliteStored },
    { name: "PostgreSQL", refresh: pgRefresh, stored: pgStored },
  ];
  for (const e of engines) {
    e.cookies = [];
    for (let s = 0; s < SESSIONS; s++) e.cookies.push(await signIn(e.stored, PASSCODE));
    e.refreshTask = (await submit(e.refresh, generationBody(fake.url, 1))).id;
    e.storedTask = (await submit(e.stored, generationBody(fake.url, 2), { cookie: e.cookies[0] })).id;
    e.refreshClient = client(e.refresh.url);
    e.storedClient = client(e.stored.url);
    e.lat = { refresh: [], stored: [], post: [] };
  }
  const upstreamHeaders = {
    Authorization: "Bearer bench-key",
    Accept: "application/json",
    "Content-Type": "application/json",
  };
  const direct = await (
    await fetch(`${fake.url}/v1/videos/generations`, {
      method: "POST",
      headers: upstreamHeaders,
      body: JSON.stringify(generationBody(fake.url, 0)),
    })
  ).json();
  const fakeClient = client(fake.url);
  const ok = (want, res) => {
    if (!want.includes(res.status)) throw new Error(`HTTP ${String(res.status)}: ${res.text.slice(0, 300)}`);
    return res;
  };

  // ---- latency, one request to each target in turn ----------------------------------------------------------
  const directGet = [];
  for (let i = 0; i < GET_WARMUP + GET_N; i++) {
    const keep = i >= GET_WARMUP;
    const d = ok([200], await fakeClient.send({ path: `/v1/tasks/${direct.id}`, headers: upstreamHeaders }));
    if (keep) directGet.push(d.ms);
    for (const e of engines) {
      const r = ok([200], await e.refreshClient.send({ path: `/api/generations/${e.refreshTask}` }));
      const s = ok(
        [200],
        await e.storedClient.send({
          path: `/api/generations/${e.storedTask}`,
          headers: { Cookie: e.cookies[0] },
        }),
      );
      if (keep) {
        e.lat.refresh.push(r.ms);
        e.lat.stored.push(s.ms);
      }
    }
  }
  const directPost = [];
  for (let i = 0; i < POST_WARMUP + POST_N; i++) {
    const keep = i >= POST_WARMUP;
    const n = 1000 + i;
    const d = ok(
      [200],
      await fakeClient.send({
        path: "/v1/videos/generations",
        method: "POST",
        headers: upstreamHeaders,
        body: JSON.stringify(generationBody(fake.url, n)),
      }),
    );
    if (keep) directPost.push(d.ms);
    for (const e of engines) {
      const p = ok(
        [201],
        await e.storedClient.send({
          path: "/api/generations",
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Origin: e.stored.url,
            Cookie: e.cookies[i % SESSIONS],
            "Idempotency-Key": `bench-db-${String(n)}`,
          },
          body: JSON.stringify(generationBody(fake.url, n)),
        }),
      );
      if (keep) e.lat.post.push(p.ms);
    }
  }
  fakeClient.close();
  for (const e of engines) {
    e.refreshClient.close();
    e.storedClient.close();
  }

  // ---- status throughput, alternating rounds ----------------------------------------------------------------
  for (const e of engines) e.tp = { refresh: [], stored: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of engines) {
      e.tp.refresh.push(
        await cannon({
          url: `${e.refresh.url}/api/generations/${e.refreshTask}`,
          connections: CONNECTIONS,
          duration: ROUND_SECONDS,
        }),
      );
      e.tp.stored.push(
        await cannon({
          url: `${e.stored.url}/api/generations/${e.storedTask}`,
          headers: { Cookie: e.cookies[0] },
          connections: CONNECTIONS,
          duration: ROUND_SECONDS,
        }),
      );
    }
  }
  const rate = (runs) => {
    const total = runs.reduce((s, r) => s + r.requests.total, 0);
    const secs = runs.reduce((s, r) => s + r.elapsedMs, 0) / 1000;
    return total / secs;
  };
  const bad = (runs) => runs.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0);

  // ---- report -----------------------------------------------------------------------------------------------
  const dg = summarize(directGet);
  const dp = summarize(directPost);
  console.log(
    `\nLatency, ms (${String(GET_N)} status requests and ${String(POST_N)} submits per target, interleaved; ` +
      `overhead = p50 minus the same request straight to the fake)`,
  );
  const rows = [["route", "engine", "p50", "p99", "overhead p50"]];
  rows.push(["GET task, straight to the fake", "-", fmt(dg.p50), fmt(dg.p99), "-"]);
  for (const e of engines) {
    const r = summarize(e.lat.refresh);
    rows.push(["GET status, refreshed upstream", e.name, fmt(r.p50), fmt(r.p99), fmt(r.p50 - dg.p50)]);
  }
  for (const e of engines) {
    const s = summarize(e.lat.stored);
    rows.push(["GET status, from the store + session", e.name, fmt(s.p50), fmt(s.p99), "-"]);
  }
  rows.push(["POST submit, straight to the fake", "-", fmt(dp.p50), fmt(dp.p99), "-"]);
  for (const e of engines) {
    const p = summarize(e.lat.post);
    rows.push(["POST submit (media check, session)", e.name, fmt(p.p50), fmt(p.p99), fmt(p.p50 - dp.p50)]);
  }
  printTable(rows);
  console.log(
    `\nStatus throughput, req/s (${String(CONNECTIONS)} connections, ${String(ROUNDS)} rounds of ` +
      `${String(ROUND_SECONDS)} s per target, engines alternating)`,
  );
  const tpRows = [["engine", "refreshed upstream", "from the store + session", "errors/non-2xx"]];
  for (const e of engines)
    tpRows.push([
      e.name,
      fmt(rate(e.tp.refresh), 0),
      fmt(rate(e.tp.stored), 0),
      String(bad(e.tp.refresh) + bad(e.tp.stored)),
    ]);
  printTable(tpRows);
  if (engines.some((e) => bad(e.tp.refresh) + bad(e.tp.stored) > 0)) {
    console.error("databases: some requests failed under load");
    failed = true;
  }
  for (const e of engines) for (const s of [e.refresh, e.stored]) await s.stop();
} finally {
  await fake.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
}
printCommand("bench/databases.mjs [--database postgres://…]");
process.exit(failed ? 1 : 0);
