// Page weight and speed: first-load JavaScript of each route (gzip), and the time until the studio is
// interactive in headless Chromium, both from the production build.
//
//   node bench/page-weight.mjs
//
// First-load JS is the gzip size (level 9) of every script chunk a route's HTML loads, noModule polyfills left
// out (bench/lib/page-weight.mjs; the same code holds CI's budget in bench/bundle-budget.mjs). As a check on
// that method, the JavaScript Chromium actually fetched while loading the studio is listed next to it.
// "Interactive" is the moment React has hydrated the Generate button (its event handlers are attached, so a
// click does something), measured from navigation start over fresh browser contexts (cold cache).
import { launchChromium } from "./lib/chromium.mjs";
import { startFake } from "./lib/fake.mjs";
import { KiB, firstLoadJs } from "./lib/page-weight.mjs";
import { deadline, fmt, median, printCommand, printTable } from "./lib/measure.mjs";
import { ensureBuild, generationBody, signIn, startServer, submit } from "./lib/server.mjs";

deadline(120, "page-weight");
const PORT = Number(process.env.BENCH_PORT ?? 3404);
const BUDGET_KIB = 190;
const RUNS = 7;
const PASSCODE = "bench-passcode";

ensureBuild();
const fake = await startFake({ durationMs: 1_000 });
// With a passcode, so /sign-in renders (without one it redirects); pages get a session cookie.
const server = await startServer(PORT, {
  FOXAPI_API_KEY: "bench-key",
  FOXAPI_BASE_URL: fake.url,
  ACCESS_PASSCODE: PASSCODE,
});
const browser = await launchChromium();
try {
  const cookie = await signIn(server, PASSCODE);
  const task = await submit(server, generationBody(fake.url, 1), { cookie });
  const routes = [
    { route: "/", name: "/ (studio)", headers: { Cookie: cookie } },
    { route: `/tasks/${task.id}`, name: "/tasks/[id]", headers: { Cookie: cookie } },
    { route: "/sign-in", name: "/sign-in", headers: {} },
  ];
  const weights = [];
  for (const r of routes) weights.push({ ...r, ...(await firstLoadJs(server.url, r.route, r.headers)) });

  console.log(`\nFirst-load JavaScript (gzip level 9; sum of the script chunks each route's HTML loads)`);
  printTable([
    ["route", "chunks", "raw KiB", "gzip KiB", "noModule skipped"],
    ...weights.map((w) => [w.name, w.files.length, fmt(w.bytes / KiB, 1), fmt(w.gzip / KiB, 1), w.skipped]),
  ]);
  const studio = weights[0];
  console.log(
    `studio: ${fmt(studio.gzip / KiB, 1)} KiB of a ${String(BUDGET_KIB)} KiB budget ` +
      `(${studio.gzip <= BUDGET_KIB * KiB ? "within" : "OVER"}; CI holds it: bench/bundle-budget.mjs)`,
  );
  console.log("largest studio chunks (gzip KiB):");
  for (const f of [...studio.files].sort((a, b) => b.gzip - a.gzip).slice(0, 6))
    console.log(`  ${fmt(f.gzip / KiB, 1).padStart(6)}  ${f.src}`);

  // Time to interactive, and what the browser actually fetched.
  const domain = new URL(server.url).hostname;
  const [name, value] = cookie.split("=");
  const samples = [];
  let fetched;
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name, value: value ?? "", domain, path: "/" }]);
    await context.addInitScript(() => {
      const poll = () => {
        const button = [...document.querySelectorAll("button")].find((b) =>
          /^\s*Generate\s*$/.test(b.textContent ?? ""),
        );
        if (button && Object.keys(button).some((k) => k.startsWith("__reactProps$"))) {
          window.__interactiveAt = performance.now();
          return;
        }
        setTimeout(poll, 2);
      };
      poll();
    });
    const page = await context.newPage();
    const js = new Map();
    page.on("response", async (res) => {
      if (res.request().resourceType() !== "script") return;
      try {
        js.set(new URL(res.url()).pathname, (await res.body()).length);
      } catch {
        // redirected or aborted
      }
    });
    await page.goto(server.url, { waitUntil: "load" });
    await page.waitForFunction(() => window.__interactiveAt !== undefined, null, { timeout: 30_000 });
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return {
        interactive: window.__interactiveAt,
        fcp: fcp?.startTime ?? NaN,
        dcl: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
      };
    });
    samples.push(t);
    if (run === 0) fetched = js;
    await context.close();
  }
  const htmlChunks = new Set(studio.files.map((f) => f.src));
  const extra = [...fetched.keys()].filter((p) => !htmlChunks.has(p));
  const missing = [...htmlChunks].filter((p) => !fetched.has(p));
  console.log(
    `cross-check: Chromium fetched ${String(fetched.size)} scripts while loading the studio; ` +
      `${String(extra.length)} not in the HTML's list${extra.length ? ` (${extra.join(", ")})` : ""}, ` +
      `${String(missing.length)} listed but not fetched`,
  );

  console.log(
    `\nStudio load in headless Chromium (production build, loopback, cold cache; median of ${String(RUNS)}; ms from navigation start)`,
  );
  const m = (k) => fmt(median(samples.map((s) => s[k])), 0);
  const r = (k) =>
    `${fmt(Math.min(...samples.map((s) => s[k])), 0)}–${fmt(Math.max(...samples.map((s) => s[k])), 0)}`;
  printTable([
    ["first contentful paint", "DOMContentLoaded", "load", "interactive (Generate hydrated)"],
    [
      `${m("fcp")} (${r("fcp")})`,
      `${m("dcl")} (${r("dcl")})`,
      `${m("load")} (${r("load")})`,
      `${m("interactive")} (${r("interactive")})`,
    ],
  ]);
} finally {
  await browser.close();
  await server.stop();
  await fake.close();
}
printCommand("bench/page-weight.mjs");
process.exit(0);
