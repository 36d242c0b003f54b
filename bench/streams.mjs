// 500 open event streams on one server (issue 16): what they cost in memory, and how fast one change reaches
// all of them.
//
//   node bench/streams.mjs
//
// One production server (server.mjs, SQLite, started with --expose-gc and the GC probe of bench/lib/gc-probe.mjs),
// a fake FoxAPI on loopback. After a warm-up (one stream opened and closed, one task run to the end), memory is
// read after a full collection; then BENCH_STREAMS (500) real Server-Sent Events streams are opened and held, each
// on its own connection and read here, and memory is read again. Then ten 4 s tasks run, each making a few
// changes (accepted, running, completed…); every change is one event with its own id, and each of the 500 streams
// notes when it got it. Figures: memory growth (RSS and heap in use after GC), and per change the time from its
// first arrival at any stream to its arrival at the last one, plus, for each completion, the time from the status
// call that saw it to its arrival at the last stream.
import { startFake } from "./lib/fake.mjs";
import { deadline, fmt, percentile, printCommand, printTable } from "./lib/measure.mjs";
import { ensureBuild, generationBody, startServer, submit } from "./lib/server.mjs";
import { openStream } from "./lib/streams.mjs";

deadline(180, "streams");
const PORT = Number(process.env.BENCH_PORT ?? 3420);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 500);
const TASKS = 10;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

ensureBuild();
const fake = await startFake();
const server = await startServer(
  PORT,
  { FOXAPI_API_KEY: "bench-key", FOXAPI_BASE_URL: fake.url },
  { gcProbe: true },
);
const streams = [];
try {
  // Warm-up: the route compiled and its modules loaded, a task followed to the end.
  const first = openStream(server.url);
  await first.opened;
  const warm = await submit(server, generationBody(fake.url, 0, "warm dur=2000"));
  for (let i = 0; i < 100 && !first.completedAt.has(warm.id); i++) await sleep(100);
  first.close();
  await sleep(500);
  const before = await server.afterGc();

  for (let k = 0; k < STREAMS; k++) streams.push(openStream(server.url));
  const refused = (await Promise.all(streams.map((s) => s.opened))).filter(Boolean);
  if (refused.length) throw new Error(`${String(refused.length)} streams refused: ${refused[0].message}`);
  await sleep(500);
  const open = await server.afterGc();

  const ids = [];
  for (let k = 0; k < TASKS; k++)
    ids.push((await submit(server, generationBody(fake.url, k + 1, `streams ${String(k)} dur=4000`))).id);
  const due = Date.now() + 60_000;
  while (Date.now() < due && !ids.every((id) => streams.every((s) => s.completedAt.has(id))))
    await sleep(250);
  await sleep(1_000);
  const after = await server.afterGc();

  // Per change (event id): first arrival anywhere → arrival at the last stream; and how many streams got it.
  const eventIds = new Set(streams.flatMap((s) => [...s.arrivals.keys()]));
  const spreads = [];
  let incomplete = 0;
  for (const id of eventIds) {
    const times = streams.map((s) => s.arrivals.get(id)).filter((t) => t !== undefined);
    if (times.length < STREAMS) incomplete++;
    spreads.push(Math.max(...times) - Math.min(...times));
  }
  // Per completion: the status call that saw it → the last stream's receipt.
  const toLast = ids.map(
    (id) =>
      Math.max(...streams.map((s) => s.completedAt.get(id) ?? NaN)) -
      fake.tasks.get(id).firstCompletedAnswerAt,
  );
  const sorted = [...spreads].sort((a, b) => a - b);
  const ended = streams.filter((s) => s.ended).length;

  console.log(
    `\n${String(STREAMS)} open event streams on one server (server.mjs, SQLite), ${String(TASKS)} tasks of 4 s`,
  );
  printTable([
    ["", "RSS MiB", "heap in use after GC, MiB"],
    ["before the streams", fmt(before.rss, 1), fmt(before.heapUsed, 1)],
    [`${String(STREAMS)} streams open`, fmt(open.rss, 1), fmt(open.heapUsed, 1)],
    ["after the changes", fmt(after.rss, 1), fmt(after.heapUsed, 1)],
  ]);
  const growth = Math.max(open.rss, after.rss) - before.rss;
  console.log(
    `memory growth with ${String(STREAMS)} streams: RSS +${fmt(growth, 1)} MiB (limit 50), heap +${fmt(
      Math.max(open.heapUsed, after.heapUsed) - before.heapUsed,
      1,
    )} MiB`,
  );
  console.log(
    `${String(eventIds.size)} changes, each to ${String(STREAMS)} streams (${String(incomplete)} missed by some): ` +
      `first to last stream median ${fmt(percentile(sorted, 50), 0)} ms, p90 ${fmt(percentile(sorted, 90), 0)} ms, ` +
      `worst ${fmt(sorted.at(-1), 0)} ms; completion seen upstream → last stream: worst ${fmt(Math.max(...toLast), 0)} ms ` +
      `(limit 1000); streams that ended: ${String(ended)}`,
  );
  const met =
    growth <= 50 && incomplete === 0 && (sorted.at(-1) ?? Infinity) <= 1_000 && Math.max(...toLast) <= 1_000;
  console.log(`targets (≤ 50 MiB, every change to every stream within 1 s): ${met ? "met" : "MISSED"}`);
  if (!met) process.exitCode = 1;
} finally {
  for (const s of streams) s.close();
  await server.stop();
  await fake.close();
}
printCommand("bench/streams.mjs");
process.exit(process.exitCode ?? 0);
