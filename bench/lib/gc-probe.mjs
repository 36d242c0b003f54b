// Preloaded into a benchmark's server (`node --expose-gc --import bench/lib/gc-probe.mjs`): on SIGUSR2 it runs a
// full garbage collection and writes process.memoryUsage() to $BENCH_GC_PROBE_FILE. RSS alone can't tell a leak
// from a collector that simply hasn't run yet; the heap still in use after a full collection can.
import fs from "node:fs";

const file = process.env.BENCH_GC_PROBE_FILE;
if (file && typeof globalThis.gc === "function") {
  process.on("SIGUSR2", () => {
    globalThis.gc();
    globalThis.gc();
    fs.writeFileSync(file, JSON.stringify({ ...process.memoryUsage(), at: Date.now() }));
  });
}
