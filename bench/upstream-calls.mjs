// Upstream calls per task: how many status calls reach FoxAPI for one task while 1, 5 or 20 browsers watch it.
//
//   node bench/upstream-calls.mjs
//
// Time is scaled down tenfold so the run takes seconds: the task takes 6 s upstream (standing for 60 s), the
// server's STATUS_MIN_INTERVAL_MS is 200 (for the default 2000), and each "browser" is a plain HTTP poller that
// follows the client's own backoff (pollInterval from lib/tasks/polling.ts, run as is) divided by ten. The three
// groups watch three tasks at the same time on one server. Browsers open the task at staggered moments (a
// seeded random time in the first fifth of the task), as a team's browsers would; the first opens it at once.
// The server's background worker (every 5 s, not scaled) may add a call or two per task in every group alike.
import http from "node:http";
import path from "node:path";
import { startFake } from "./lib/fake.mjs";
import { deadline, printCommand, printTable } from "./lib/measure.mjs";
import { ROOT, ensureBuild, generationBody, startServer, submit } from "./lib/server.mjs";
import { importTs } from "./lib/ts-import.mjs";

deadline(90, "upstream-calls");
const PORT = Number(process.env.BENCH_PORT ?? 3402);
const SCALE = 10;
const TASK_MS = 60_000 / SCALE;
const INTERVAL_MS = 2_000 / SCALE;
const GROUPS = [1, 5, 20];
const ROUNDS = 2;
const { pollInterval, needsPolling } = await importTs(path.join(ROOT, "lib/tasks/polling.ts"));

ensureBuild();
const fake = await startFake({ durationMs: TASK_MS });
const server = await startServer(PORT, {
  FOXAPI_API_KEY: "bench-key",
  FOXAPI_BASE_URL: fake.url,
  STATUS_MIN_INTERVAL_MS: String(INTERVAL_MS),
});

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const get = (url) =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      })
      .on("error", reject);
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One browser: React Query's refetchInterval loop, with pollInterval's answer divided by SCALE. */
async function browser(taskId, initial, startAfterMs, stopAt) {
  await sleep(startAfterMs);
  const state = { data: initial, dataUpdateCount: 0, dataUpdatedAt: Date.now(), error: null };
  let polls = 0;
  let errors = 0;
  for (;;) {
    const next = pollInterval(state);
    if (next === false || Date.now() > stopAt) break;
    await sleep(next / SCALE);
    polls++;
    const res = await get(`${server.url}/api/generations/${taskId}`);
    if (res.status === 200) {
      state.data = JSON.parse(res.body);
      state.dataUpdateCount++;
      state.dataUpdatedAt = Date.now();
      state.error = null;
    } else {
      errors++;
      state.error = { retryable: res.status >= 500 || res.status === 429 };
    }
    if (!needsPolling(state.data)) break;
  }
  return { polls, errors };
}

/** One round: each group of browsers watches a task of its own, all groups at once. */
async function round(r) {
  const tasks = [];
  for (const [g, viewers] of GROUPS.entries())
    tasks.push({ viewers, task: await submit(server, generationBody(fake.url, r * 10 + g + 1)) });
  const stopAt = Date.now() + TASK_MS + 3_000;
  const outcomes = await Promise.all(
    tasks.map(async ({ viewers, task }) => {
      const runs = await Promise.all(
        Array.from({ length: viewers }, (_, k) =>
          browser(task.id, task, k === 0 ? 0 : Math.round(random() * TASK_MS * 0.2), stopAt),
        ),
      );
      return {
        viewers,
        calls: fake.statusCallsFor(task.id),
        polls: runs.reduce((s, x) => s + x.polls, 0),
        errors: runs.reduce((s, x) => s + x.errors, 0),
      };
    }),
  );
  await sleep(300);
  return outcomes;
}

const rounds = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await round(r));
agent.destroy();
await server.stop();
await fake.close();

console.log(
  `\nUpstream status calls for one task taking ${String(TASK_MS / 1000)} s upstream (= 60 s at 1/${String(SCALE)} time), ` +
    `STATUS_MIN_INTERVAL_MS=${String(INTERVAL_MS)} (= 2000 scaled); ${String(ROUNDS)} rounds`,
);
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const rows = [["browsers", "polls to us (per round)", "upstream calls (per round)", "mean calls", "errors"]];
for (const [g, viewers] of GROUPS.entries()) {
  const per = rounds.map((o) => o[g]);
  rows.push([
    viewers,
    per.map((o) => o.polls).join(" / "),
    per.map((o) => o.calls).join(" / "),
    mean(per.map((o) => o.calls)).toFixed(1),
    per.reduce((s, o) => s + o.errors, 0),
  ]);
}
printTable(rows);
const one = mean(rounds.map((o) => o[0].calls));
const twenty = mean(rounds.map((o) => o.at(-1).calls));
console.log(
  `ceiling (one call per interval for the whole task): ${String(Math.ceil(TASK_MS / INTERVAL_MS))}; ` +
    `20 browsers / 1 browser = ${(twenty / one).toFixed(2)}`,
);
printCommand("bench/upstream-calls.mjs");
process.exit(0);
