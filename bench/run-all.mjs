// Runs every benchmark, one after another, each in its own process with its own time limit, after one shared
// production build (.next-bench). The whole run takes about fifteen minutes: the live-results benchmarks (issue 16)
// run real 20 s and 60 s tasks.
//
//   npm run bench            (node bench/run-all.mjs [name …] to run some of them)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ensureBuild } from "./lib/server.mjs";

const BENCHES = [
  ["proxy-overhead", 200],
  ["upstream-calls", 420],
  ["completion-to-screen", 260],
  ["streams", 180],
  ["page-weight", 90],
  ["memory", 90],
  ["load-status", 60],
];
const only = process.argv.slice(2);
const started = Date.now();
ensureBuild();
const outcomes = [];
for (const [name, seconds] of BENCHES) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n===== ${name} =====`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(import.meta.dirname, `${name}.mjs`)], {
    stdio: "inherit",
    timeout: seconds * 1000,
    killSignal: "SIGTERM",
  });
  const ok = r.status === 0;
  outcomes.push(`${ok ? "ok  " : "FAIL"} ${name} (${String(Math.round((Date.now() - t0) / 1000))} s)`);
}
console.log(`\n===== summary (${String(Math.round((Date.now() - started) / 1000))} s) =====`);
for (const line of outcomes) console.log(line);
process.exit(outcomes.some((l) => l.startsWith("FAIL")) ? 1 : 0);
