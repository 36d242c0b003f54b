// Memory: the server's resident memory (VmRSS of the next-server process, from /proc/<pid>/status) after start,
// after 100 submits and after 1,000 status requests.
//
//   node bench/memory.mjs
//
// Submits are limited to 20 a minute per session, so the server has ACCESS_PASSCODE set and the 100 submits are
// spread over five signed-in sessions (sign-in allows five a minute). Status requests use
// STATUS_MIN_INTERVAL_MS=0, so each one goes upstream (the most allocation per request), ten per task.
import { startFake } from "./lib/fake.mjs";
import { client, deadline, fmt, printCommand, printTable } from "./lib/measure.mjs";
import { ensureBuild, generationBody, signIn, startServer } from "./lib/server.mjs";

deadline(120, "memory");
const PORT = Number(process.env.BENCH_PORT ?? 3405);
const PASSCODE = "bench-passcode";
const SUBMITS = 100;
const STATUS = 1_000;

ensureBuild();
const fake = await startFake();
const server = await startServer(
  PORT,
  {
    FOXAPI_API_KEY: "bench-key",
    FOXAPI_BASE_URL: fake.url,
    STATUS_MIN_INTERVAL_MS: "0",
    ACCESS_PASSCODE: PASSCODE,
  },
  { gcProbe: true },
);
const rows = [["after", "RSS MiB", "peak RSS MiB", "ΔRSS", "heap used after GC MiB", "Δheap"]];
const signed = (x) => `${x >= 0 ? "+" : ""}${fmt(x, 1)}`;
let start;
const mark = async (label) => {
  const rss = server.rss();
  const peak = server.peakRss();
  const gc = await server.afterGc();
  start ??= { rss, heap: gc.heapUsed };
  rows.push([
    label,
    fmt(rss, 1),
    fmt(peak, 1),
    signed(rss - start.rss),
    fmt(gc.heapUsed, 1),
    signed(gc.heapUsed - start.heap),
  ]);
};
await mark("start (idle)");
try {
  const cookies = [];
  for (let s = 0; s < 5; s++) cookies.push(await signIn(server, PASSCODE));
  const c = client(server.url);
  const ids = [];
  for (let n = 0; n < SUBMITS; n++) {
    const res = await c.send({
      path: "/api/generations",
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Origin: server.url,
        "Idempotency-Key": `mem-${String(n)}`,
        Cookie: cookies[n % 5],
      },
      body: JSON.stringify(generationBody(fake.url, n + 1)),
    });
    if (res.status !== 201) throw new Error(`submit ${String(n)}: HTTP ${String(res.status)} ${res.text}`);
    ids.push(JSON.parse(res.text).id);
  }
  await mark(`${String(SUBMITS)} submits`);
  for (let i = 0; i < STATUS; i++) {
    const res = await c.send({
      path: `/api/generations/${ids[i % ids.length]}`,
      headers: { Cookie: cookies[0] },
    });
    if (res.status !== 200) throw new Error(`status: HTTP ${String(res.status)}`);
  }
  await mark(`+ ${String(STATUS)} status requests`);
  for (let i = 0; i < STATUS; i++) {
    const res = await c.send({
      path: `/api/generations/${ids[i % ids.length]}`,
      headers: { Cookie: cookies[0] },
    });
    if (res.status !== 200) throw new Error(`status: HTTP ${String(res.status)}`);
  }
  await mark(`+ ${String(STATUS)} more status requests`);
  c.close();
  console.log(
    `\nServer memory (next-server pid ${String(server.pid)}, VmRSS; upstream calls: ${String(fake.counts.status)} status, ${String(fake.counts.submit)} submits)`,
  );
  printTable(rows);
  console.log(
    "RSS is what the OS sees (V8 lets its heap grow before collecting); the heap still used after a full\n" +
      "collection is what the requests retained. Each row's RSS is read before that row's collection.",
  );
} finally {
  await server.stop();
  await fake.close();
}
printCommand("bench/memory.mjs");
process.exit(0);
