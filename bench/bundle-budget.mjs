// CI budget: the studio's first-load JavaScript must stay within 190 KiB gzip. Sizes only, never times: the
// same build always gives the same answer. Starts the production build's server on loopback in simulator mode,
// fetches the studio's HTML and sums the gzip size (level 9) of the script chunks it loads, noModule polyfills
// left out (bench/lib/page-weight.mjs). Exits 1 over budget, 2 when it couldn't measure.
//
//   node bench/bundle-budget.mjs [--dist .next-e2e] [--port 3499]
//
// scripts/check.sh runs it on the build it has just made (.next-e2e).
import { KiB, firstLoadJs } from "./lib/page-weight.mjs";

const BUDGETS = [{ route: "/", name: "studio", kib: 190 }];

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
process.env.BENCH_DIST_DIR = arg("dist", process.env.BENCH_DIST_DIR ?? ".next-e2e");
const port = Number(arg("port", "3499"));

const timer = setTimeout(() => {
  console.error("bundle-budget: no answer within 90 s");
  process.exit(2);
}, 90_000);
timer.unref();

let server;
let over = 0;
try {
  // DIST is read when the module loads: import it after the flag is in the environment.
  const { DIST, startServer } = await import("./lib/server.mjs");
  server = await startServer(port, { FOXAPI_API_KEY: "" });
  for (const b of BUDGETS) {
    const w = await firstLoadJs(server.url, b.route);
    if (w.files.length === 0)
      throw new Error(`${b.route}: the HTML loads no script chunks; is this a Next build?`);
    const kib = w.gzip / KiB;
    const ok = kib <= b.kib;
    if (!ok) over++;
    console.log(
      `${ok ? "ok  " : "OVER"} ${b.name} (${b.route}): first-load JS ${kib.toFixed(1)} KiB gzip ` +
        `(budget ${String(b.kib)} KiB, ${String(w.files.length)} chunks, build ${DIST})`,
    );
    if (!ok)
      for (const f of [...w.files].sort((x, y) => y.gzip - x.gzip))
        console.log(`       ${(f.gzip / KiB).toFixed(1).padStart(6)} KiB  ${f.src}`);
  }
} catch (err) {
  console.error(`bundle-budget: could not measure: ${err instanceof Error ? err.message : String(err)}`);
  await server?.stop();
  process.exit(2);
}
await server.stop();
process.exit(over > 0 ? 1 : 0);
