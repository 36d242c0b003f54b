// Before/after: the proxy's status and submit paths on two builds at once, requests interleaved one by one so
// the machine's noise falls on both alike.
//
//   node bench/ab.mjs <before-app-dir> [<after-app-dir>]     (after defaults to this checkout)
//
// An app dir is a checkout with node_modules, e.g. the last commit exported next to this one:
//   mkdir /tmp/retake-before && git archive HEAD | tar -x -C /tmp/retake-before \
//     && cp -al node_modules /tmp/retake-before/node_modules
// Each is built into its own .next-bench when stale. Ports 3450–3453.
import path from "node:path";
import { startFake } from "./lib/fake.mjs";
import { cannon, client, deadline, fmt, printCommand, printTable, summarize } from "./lib/measure.mjs";
import { ROOT, ensureBuild, generationBody, signIn, startServer, submit } from "./lib/server.mjs";

deadline(280, "ab");
const [beforeDir, afterDir = ROOT] = process.argv.slice(2).map((d) => path.resolve(d));
if (!beforeDir) {
  console.error("usage: node bench/ab.mjs <before-app-dir> [<after-app-dir>]");
  process.exit(2);
}
const N = Number(process.env.AB_N ?? 1500);
const WARMUP = 200;
const POSTS = 90;
const PASSCODE = "bench-passcode";

ensureBuild(beforeDir);
ensureBuild(afterDir);
const fake = await startFake();
const env = (interval, extra = {}) => ({
  FOXAPI_API_KEY: "bench-key",
  FOXAPI_BASE_URL: fake.url,
  STATUS_MIN_INTERVAL_MS: String(interval),
  ...extra,
});

async function pair(envFor, port) {
  return Promise.all([
    startServer(port, envFor, { appDir: beforeDir }),
    startServer(port + 1, envFor, { appDir: afterDir }),
  ]);
}

/** Interleaves `n` requests to both servers; returns [before ms[], after ms[]]. */
async function interleave(servers, n, make) {
  const clients = servers.map((s) => client(s.url));
  const out = [[], []];
  for (let i = 0; i < n; i++) {
    // Alternate which goes first, so neither always gets the warmer cache.
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const k of order) {
      const res = await clients[k].send(make(k, i));
      if (res.status >= 300) throw new Error(`HTTP ${String(res.status)}: ${res.text.slice(0, 200)}`);
      out[k].push(res.ms);
    }
  }
  for (const c of clients) c.close();
  return out;
}

const throughput = [["request", "before req/s", "after req/s", "after/before"]];
const rows = [["request", "n", "before p50", "after p50", "after/before p50", "before p99", "after p99"]];
const add = (name, [b, a]) => {
  const sb = summarize(b.slice(WARMUP));
  const sa = summarize(a.slice(WARMUP));
  rows.push([name, sa.n, fmt(sb.p50), fmt(sa.p50), fmt(sa.p50 / sb.p50, 3), fmt(sb.p99), fmt(sa.p99)]);
};

for (const [name, interval] of [
  ["GET status, refreshed upstream", 0],
  ["GET status, from the store", 600_000],
]) {
  const servers = await pair(env(interval), 3450);
  const tasks = await Promise.all(servers.map((s, k) => submit(s, generationBody(fake.url, k + 1))));
  add(name, await interleave(servers, WARMUP + N, (k) => ({ path: `/api/generations/${tasks[k].id}` })));
  // Throughput: 8 connections, alternating one-second rounds.
  const done = [0, 0];
  const ms = [0, 0];
  for (let round = 0; round < 6; round++) {
    const k = round % 2;
    const r = await cannon({ url: `${servers[k].url}/api/generations/${tasks[k].id}`, duration: 1 });
    done[k] += r.requests.total;
    ms[k] += r.elapsedMs;
  }
  const [rb, ra] = [0, 1].map((k) => done[k] / (ms[k] / 1000));
  throughput.push([name, fmt(rb, 0), fmt(ra, 0), fmt(ra / rb, 3)]);
  await Promise.all(servers.map((s) => s.stop()));
}
{
  const servers = await pair(env(600_000, { ACCESS_PASSCODE: PASSCODE }), 3452);
  const cookies = [[], []];
  for (let i = 0; i < 5; i++) for (const k of [0, 1]) cookies[k].push(await signIn(servers[k], PASSCODE));
  let seq = 0;
  const posts = await interleave(servers, POSTS + 10, (k, i) => {
    const n = ++seq;
    return {
      path: "/api/generations",
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Origin: servers[k].url,
        "Idempotency-Key": `ab-${String(n)}`,
        Cookie: cookies[k][i % 5],
      },
      body: JSON.stringify(generationBody(fake.url, n)),
    };
  });
  const sb = summarize(posts[0].slice(10));
  const sa = summarize(posts[1].slice(10));
  rows.push([
    "POST submit, session",
    sa.n,
    fmt(sb.p50),
    fmt(sa.p50),
    fmt(sa.p50 / sb.p50, 3),
    fmt(sb.p99),
    fmt(sa.p99),
  ]);
  await Promise.all(servers.map((s) => s.stop()));
}
await fake.close();

console.log(`\nBefore: ${beforeDir}\nAfter:  ${afterDir}\nLatency in ms, requests interleaved one by one`);
printTable(rows);
console.log("\nThroughput (autocannon, 8 connections, three alternating 1 s rounds each)");
printTable(throughput);
printCommand(`bench/ab.mjs ${process.argv.slice(2).join(" ")}`);
process.exit(0);
