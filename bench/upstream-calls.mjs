// Upstream status calls per task with live results (issue 16): how many GET /v1/tasks/{id} reach FoxAPI (a fake
// on loopback that counts them) for a 20 s and a 60 s task while 1, 20 or 200 pages hold the event stream open, and
// with 200 pages split over two replicas sharing PostgreSQL.
//
//   node bench/upstream-calls.mjs
//
// Real time, default STATUS_MIN_INTERVAL_MS (2000). Four setups run side by side, each with its own
// server(s) and streams: one server with 1 page, one with 20, one with 200 (SQLite each), and two `node server.mjs`
// replicas on one fresh PostgreSQL database with 100 pages on each (skipped with a message when no PostgreSQL:
// `bash scripts/services/postgres.sh start`, or BENCH_DATABASE_URL). A "page" is a real Server-Sent Events stream,
// GET /api/generations/events, read and parsed here; pages never poll. Each setup gets the same tasks in two rounds:
//   cold: three 20 s tasks and three 60 s tasks (two settings, so two histories), none finished before;
//   warm: the same again, now with three finished tasks of each in the history.
// FoxAPI's estimated_time is 45 s for all (as documented). Also checked: every page received every completion.
import { execFileSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { startFake } from "./lib/fake.mjs";
import { deadline, fmt, printCommand, printTable } from "./lib/measure.mjs";
import { ROOT, ensureBuild, generationBody, startServer, submit } from "./lib/server.mjs";
import { openStream } from "./lib/streams.mjs";

deadline(420, "upstream-calls");
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3410);
const SHORT_MS = 20_000;
const LONG_MS = 60_000;
const PER_ROUND = 3;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Today's cost with one page open (the browser's 2 s × 1.25ⁿ up to 15 s, one call per poll): 6 for 20 s, 10 for 60 s. */
function today(durationMs) {
  let t = 0;
  let gap = 2_000;
  for (let calls = 1; ; calls++) {
    t += gap;
    if (t >= durationMs) return calls;
    gap = Math.min(15_000, gap * 1.25);
  }
}

/** A fresh database in the project's PostgreSQL cluster, or null without one. */
async function freshDatabase() {
  let admin = process.env.BENCH_DATABASE_URL;
  if (!admin) {
    try {
      const out = execFileSync("bash", [path.join(ROOT, "scripts/services/postgres.sh"), "env"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
      admin = /DATABASE_URL=(\S+)/.exec(out)?.[1];
    } catch {
      return null;
    }
  }
  if (!admin) return null;
  const name = `bench_live_${String(process.pid)}_${String(Date.now() % 100000)}`;
  const pool = new pg.Pool({ connectionString: admin, max: 1 });
  await pool.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await pool.end();
    },
  };
}

const fake = await startFake();
ensureBuild();
const env = { FOXAPI_API_KEY: "bench-key", FOXAPI_BASE_URL: fake.url };
const setups = [
  { name: "1 page, one server", servers: [await startServer(BASE_PORT, env)], pages: [1] },
  { name: "20 pages, one server", servers: [await startServer(BASE_PORT + 1, env)], pages: [20] },
  { name: "200 pages, one server", servers: [await startServer(BASE_PORT + 2, env)], pages: [200] },
];
const db = await freshDatabase();
if (db) {
  // Every replica signs sessions with the same secret (required with DATABASE_URL).
  const pgEnv = {
    ...env,
    DATABASE_URL: db.url,
    SESSION_SECRET: "bench-live-session-secret-0123456789abcdef",
  };
  const [a, b] = await Promise.all([
    startServer(BASE_PORT + 3, pgEnv),
    startServer(BASE_PORT + 4, pgEnv),
  ]).catch(async (err) => {
    await db.drop();
    throw err;
  });
  setups.push({ name: "200 pages, two replicas (PG)", servers: [a, b], pages: [100, 100] });
} else
  console.log("no PostgreSQL (bash scripts/services/postgres.sh start): the two-replica setup is skipped");

try {
  for (const s of setups) {
    s.streams = s.servers.flatMap((server, i) =>
      Array.from({ length: s.pages[i] }, () => openStream(server.url)),
    );
    const refused = (await Promise.all(s.streams.map((x) => x.opened))).filter(Boolean);
    if (refused.length)
      throw new Error(`${s.name}: ${String(refused.length)} streams refused (${refused[0].message})`);
  }
  let n = 0;
  const rounds = [];
  for (const round of ["cold", "warm"]) {
    // Every setup's tasks at once, submitted on its first server (the follower is whoever holds the task's lease).
    const started = await Promise.all(
      setups.map(async (s) => {
        const tasks = [];
        for (const [len, audio] of [
          [SHORT_MS, true],
          [LONG_MS, false],
        ])
          for (let k = 0; k < PER_ROUND; k++) {
            const body = {
              ...generationBody(fake.url, ++n, `${round} dur=${String(len)} est=45`),
              generate_audio: audio,
            };
            tasks.push({ len, id: (await submit(s.servers[0], body)).id });
          }
        return tasks;
      }),
    );
    const due = Date.now() + LONG_MS + 40_000;
    const delivered = () =>
      setups.every((s, i) => started[i].every((t) => s.streams.every((x) => x.completedAt.has(t.id))));
    while (!delivered() && Date.now() < due) await sleep(500);
    await sleep(1_000);
    rounds.push({ round, started });
  }

  console.log(
    `\nUpstream status calls per task with live results, STATUS_MIN_INTERVAL_MS=2000 (default), ` +
      `estimated_time 45 s; ${String(PER_ROUND)} tasks of each length per round and setup`,
  );
  const rows = [
    [
      "setup",
      "round",
      "20 s task: calls",
      "60 s task: calls",
      "pages that got each completion",
      "last page +ms",
    ],
  ];
  let ok = true;
  for (const { round, started } of rounds)
    for (const [i, s] of setups.entries()) {
      const calls = (len) =>
        started[i]
          .filter((t) => t.len === len)
          .map((t) => fake.statusCallsFor(t.id))
          .join(", ");
      const got = started[i].map((t) => s.streams.filter((x) => x.completedAt.has(t.id)).length);
      // From the status call that saw it done to the last page's receipt of it.
      const spread = started[i].map((t) => {
        const seen = fake.tasks.get(t.id).firstCompletedAnswerAt;
        return Math.max(...s.streams.map((x) => (x.completedAt.get(t.id) ?? NaN) - seen));
      });
      if (got.some((g) => g !== s.streams.length)) ok = false;
      for (const t of started[i]) if (fake.statusCallsFor(t.id) > today(t.len)) ok = false;
      rows.push([
        s.name,
        round,
        calls(SHORT_MS),
        calls(LONG_MS),
        `${String(Math.min(...got))}/${String(s.streams.length)}`,
        fmt(Math.max(...spread), 0),
      ]);
    }
  printTable(rows);
  console.log(
    `today (one page polling, 2 s × 1.25ⁿ up to 15 s): ${String(today(SHORT_MS))} calls for 20 s, ` +
      `${String(today(LONG_MS))} for 60 s; every task within that and every page got every completion: ` +
      `${ok ? "yes" : "NO"}; streams that ended early: ${String(setups.reduce((c, s) => c + s.streams.filter((x) => x.ended).length, 0))}`,
  );
  if (!ok) process.exitCode = 1;
} finally {
  for (const s of setups) for (const x of s.streams ?? []) x.close();
  for (const s of setups) for (const server of s.servers) await server.stop();
  await db?.drop();
  await fake.close();
}
printCommand("bench/upstream-calls.mjs");
process.exit(process.exitCode ?? 0);
