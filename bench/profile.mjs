// Where the proxy spends its time: runs the production server under `node --cpu-prof`, sends a workload, and
// prints the functions that cost the most (self and inclusive), counting only samples taken during the workload.
//
//   node bench/profile.mjs [get-store|get-refresh|post]   (default: all three, one after another)
//
// The .cpuprofile is kept (path printed) for Chrome DevTools or speedscope.
import fs from "node:fs";
import { SourceMap } from "node:module";
import os from "node:os";
import path from "node:path";
import { startFake } from "./lib/fake.mjs";
import { client, deadline, printCommand, printTable } from "./lib/measure.mjs";
import { ensureBuild, generationBody, signIn, startServer, submit } from "./lib/server.mjs";

deadline(150, "profile");
const PORT = Number(process.env.BENCH_PORT ?? 3430);
const modes = process.argv[2] ? [process.argv[2]] : ["get-store", "get-refresh", "post"];
const PASSCODE = "bench-passcode";

ensureBuild();
const fake = await startFake();
const profDir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-cpuprof-"));

async function profileMode(mode) {
  const dir = path.join(profDir, mode);
  fs.mkdirSync(dir);
  const server = await startServer(
    PORT,
    {
      FOXAPI_API_KEY: "bench-key",
      FOXAPI_BASE_URL: fake.url,
      STATUS_MIN_INTERVAL_MS: mode === "get-refresh" ? "0" : "600000",
      ...(mode === "post" ? { ACCESS_PASSCODE: PASSCODE } : {}),
    },
    { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=200"] },
  );
  const c = client(server.url);
  let window;
  if (mode === "post") {
    const cookies = [];
    for (let s = 0; s < 5; s++) cookies.push(await signIn(server, PASSCODE));
    const send = (n) =>
      c.send({
        path: "/api/generations",
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Origin: server.url,
          "Idempotency-Key": `p-${String(n)}`,
          Cookie: cookies[n % 5],
        },
        body: JSON.stringify(generationBody(fake.url, n)),
      });
    for (let n = 0; n < 10; n++) await send(n);
    const t0 = process.hrtime.bigint();
    for (let n = 10; n < 100; n++) if ((await send(n)).status !== 201) throw new Error("submit failed");
    window = [t0, process.hrtime.bigint(), 90];
  } else {
    const task = await submit(server, generationBody(fake.url, 1));
    const get = () => c.send({ path: `/api/generations/${task.id}` });
    for (let i = 0; i < 200; i++) await get();
    const t0 = process.hrtime.bigint();
    const n = 2000;
    for (let i = 0; i < n; i++) if ((await get()).status !== 200) throw new Error("status failed");
    window = [t0, process.hrtime.bigint(), n];
  }
  c.close();
  await server.stop();
  const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no profile written in ${dir}`);
  report(mode, path.join(dir, file), window);
}

/** Production chunks are minified: name their frames by the original source, through the build's source maps. */
const maps = new Map();
function original(frame) {
  const url = frame.url;
  if (!url || !url.includes("/.next")) return null;
  const file = url.startsWith("file://") ? new URL(url).pathname : url;
  if (!maps.has(file)) {
    let map = null;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8")));
    } catch {
      // no map for this chunk
    }
    maps.set(file, map);
  }
  const map = maps.get(file);
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  if (!entry?.originalSource) return null;
  const source = entry.originalSource
    .replace(/^.*?\[project\]\//, "")
    .replace(/^turbopack:\/\/\/?/, "")
    .replace(/^(\.\.\/)+/, "")
    .replace(/ \[.*$/, "");
  return { source, line: entry.originalLine + 1, name: entry.name };
}

function category(url, source) {
  if (source) {
    if (source.startsWith("node_modules/next/")) return "next (framework)";
    if (source.startsWith("node_modules/zod/")) return "zod";
    if (source.startsWith("node_modules/")) return "other node_modules";
    return "our code (app/, lib/)";
  }
  if (!url) return "native / GC / idle";
  if (url.startsWith("node:")) return "node internals";
  if (url.includes("better-sqlite3")) return "better-sqlite3";
  if (url.includes("/node_modules/next/")) return "next (framework)";
  if (url.includes("/node_modules/")) return "other node_modules";
  if (url.includes("/server/chunks/") || url.includes("/server/app/")) return "app bundle (our code, zod, …)";
  return "other";
}

function report(mode, file, [t0, t1, requests]) {
  const prof = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
  const startNs = BigInt(prof.startTime) * 1000n;
  let at = startNs;
  const self = new Map();
  const incl = new Map();
  const cats = new Map();
  let counted = 0;
  let idle = 0;
  const origins = new Map();
  const originOf = (n) => {
    if (!origins.has(n.id)) origins.set(n.id, original(n.callFrame));
    return origins.get(n.id);
  };
  const key = (n) => {
    const f = n.callFrame;
    const o = originOf(n);
    if (o) return `${f.functionName || "(anonymous)"} ${o.source}:${String(o.line)}`;
    const where = f.url ? `${path.basename(f.url)}:${String(f.lineNumber + 1)}` : "";
    return `${f.functionName || "(anonymous)"} ${where}`.trim();
  };
  for (let i = 0; i < prof.samples.length; i++) {
    at += BigInt(prof.timeDeltas[i]) * 1000n;
    if (at < t0 || at > t1) continue;
    const node = byId.get(prof.samples[i]);
    if (node.callFrame.functionName === "(idle)") {
      idle++;
      continue;
    }
    counted++;
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + 1);
    const c = category(node.callFrame.url, originOf(node)?.source);
    cats.set(c, (cats.get(c) ?? 0) + 1);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const kk = key(byId.get(id));
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + 1);
    }
  }
  const wallMs = Number(t1 - t0) / 1e6;
  const interval = (Number(prof.endTime) - Number(prof.startTime)) / prof.samples.length / 1000;
  const busyMs = counted * interval;
  console.log(
    `\n== ${mode}: ${String(requests)} requests in ${wallMs.toFixed(0)} ms; server busy ${busyMs.toFixed(0)} ms ` +
      `(${(busyMs / requests).toFixed(2)} ms CPU per request), idle ${(idle * interval).toFixed(0)} ms`,
  );
  const pct = (n) => `${((n / counted) * 100).toFixed(1)}%`;
  printTable([
    ["where (self time)", "share"],
    ...[...cats.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => [c, pct(n)]),
  ]);
  console.log("");
  printTable([
    ["top self time", "share"],
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, n]) => [k.slice(0, 110), pct(n)]),
  ]);
  console.log("");
  const skip =
    /^\((root|program|garbage collector)\)|^processTicksAndRejections|^runMicrotasks|^listOnTimeout|^processTimers/;
  printTable([
    ["top inclusive time", "share"],
    ...[...incl.entries()]
      .filter(([k]) => !skip.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([k, n]) => [k.slice(0, 110), pct(n)]),
  ]);
  console.log(`profile: ${file}`);
}

for (const mode of modes) await profileMode(mode);
await fake.close();
printCommand(`bench/profile.mjs ${process.argv[2] ?? ""}`.trim());
process.exit(0);
