// Load test of the status route (issue 6): autocannon against GET /api/generations/{id} on loopback, bounded in
// time. Asserts no errors and no non-2xx answers, upstream status calls of one per task per interval, and flat
// memory (the heap still in use after a full collection, before vs after); prints RSS before, during and after.
// Exits non-zero when an assertion fails.
//
//   node bench/load-status.mjs
//
// TASKS tasks that stay "processing" upstream, CONNECTIONS connections for SECONDS seconds, spread evenly over
// the tasks. STATUS_MIN_INTERVAL_MS=3000: the tasks stay younger than five intervals, so the stored status is
// refreshed exactly once per interval (older tasks are refreshed less often; see isFresh in lib/tasks/service.ts).
import { startFake } from "./lib/fake.mjs";
import { cannon, deadline, fmt, printCommand, printTable } from "./lib/measure.mjs";
import { ensureBuild, generationBody, startServer, submit } from "./lib/server.mjs";

deadline(90, "load-status");
const PORT = Number(process.env.BENCH_PORT ?? 3406);
const TASKS = 10;
const CONNECTIONS = 20;
const SECONDS = 10;
const INTERVAL_MS = 3_000;

ensureBuild();
const fake = await startFake();
const server = await startServer(
  PORT,
  { FOXAPI_API_KEY: "bench-key", FOXAPI_BASE_URL: fake.url, STATUS_MIN_INTERVAL_MS: String(INTERVAL_MS) },
  { gcProbe: true },
);
let failed = false;
try {
  const ids = [];
  for (let k = 0; k < TASKS; k++) ids.push((await submit(server, generationBody(fake.url, k + 1))).id);
  // Warm-up on a task of its own (not counted): two seconds of load, so the JIT and heap settle first.
  const spare = (await submit(server, generationBody(fake.url, 0))).id;
  await cannon({ url: `${server.url}/api/generations/${spare}`, connections: 4, duration: 2 });
  const before = new Map(ids.map((id) => [id, fake.statusCallsFor(id)]));
  const gcBefore = await server.afterGc();
  const rssBefore = server.rss();
  const rssSeries = [];
  const sampler = setInterval(() => rssSeries.push(server.rss()), 1_000);
  let n = 0;
  const result = await cannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, path: `/api/generations/${ids[n++ % TASKS]}` }) }],
  });
  clearInterval(sampler);
  const rssAfter = server.rss();
  const calls = ids.map((id) => fake.statusCallsFor(id) - before.get(id));
  const total = calls.reduce((sum, c) => sum + c, 0);
  const seconds = result.elapsedMs / 1000;
  // A task is refreshed when a request finds its status older than the interval; under constant load that is
  // once per interval (plus the time the refresh itself takes), so floor(T/I) or one more.
  const low = Math.floor(seconds / (INTERVAL_MS / 1000 + 0.05));
  const high = Math.ceil(seconds / (INTERVAL_MS / 1000)) + 1;
  const bad = result.errors + result.timeouts + result.non2xx;
  console.log(
    `\nLoad test: GET /api/generations/{id}, ${String(TASKS)} tasks, ${String(CONNECTIONS)} connections, ` +
      `${fmt(seconds, 1)} s, STATUS_MIN_INTERVAL_MS=${String(INTERVAL_MS)}`,
  );
  printTable([
    ["requests", "req/s", "p50 ms", "p99 ms", "errors", "timeouts", "non-2xx"],
    [
      result.requests.total,
      fmt(result.requests.total / seconds, 0),
      fmt(result.latency.p50, 1),
      fmt(result.latency.p99, 1),
      result.errors,
      result.timeouts,
      result.non2xx,
    ],
  ]);
  console.log(
    `upstream status calls: ${String(total)} in all; per task expected ${String(low)}–${String(high)} ` +
      `(one per ${String(INTERVAL_MS)} ms), actual min ${String(Math.min(...calls))}, max ${String(Math.max(...calls))} ` +
      `[${calls.join(" ")}] for ${String(result.requests.total)} requests`,
  );
  const gcAfter = await server.afterGc();
  // A second run on the warmed-up server: what the first run left behind (compiled code, caches that fill
  // once) is in place, so heap that grows again here grows with requests. A leak of even a task's JSON per
  // request (~1 KiB) would show; V8's own tiering moves it by a few hundred bytes per request at most.
  const again = await cannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, path: `/api/generations/${ids[n++ % TASKS]}` }) }],
  });
  const gcAgain = await server.afterGc();
  const growth = gcAgain.heapUsed - gcAfter.heapUsed;
  const perRequest = (growth * 1048576) / again.requests.total;
  const sign = (x) => `${x >= 0 ? "+" : ""}${fmt(x, 2)}`;
  console.log(
    `server RSS MiB: before ${fmt(rssBefore, 1)}, each second ${rssSeries.map((x) => fmt(x, 0)).join(" ")}, ` +
      `after ${fmt(rssAfter, 1)} (V8 lets the heap grow before collecting; after a full GC: ${fmt(gcAfter.rss, 1)})`,
  );
  console.log(
    `server heap in use after a full GC, MiB: before ${fmt(gcBefore.heapUsed, 1)}, after the run ` +
      `${fmt(gcAfter.heapUsed, 1)} (${sign(gcAfter.heapUsed - gcBefore.heapUsed)}, first-time compilation and caches), ` +
      `after ${String(again.requests.total)} more requests ${fmt(gcAgain.heapUsed, 1)} (${sign(growth)}: ` +
      `${fmt(perRequest, 0)} bytes per request)`,
  );
  const checks = [
    ["no errors, timeouts or non-2xx answers", bad === 0],
    ["every task: upstream calls within one per interval", calls.every((c) => c >= low && c <= high)],
    ["no errors in the second run either", again.errors + again.timeouts + again.non2xx === 0],
    ["memory flat: the second run keeps < 1 KiB of heap per request after a full GC", perRequest < 1024],
  ];
  for (const [name, ok] of checks) {
    console.log(`${ok ? "ok  " : "FAIL"} ${name}`);
    if (!ok) failed = true;
  }
} finally {
  await server.stop();
  await fake.close();
}
printCommand("bench/load-status.mjs");
process.exit(failed ? 1 : 0);
