// Completion to screen: from the moment the (fake) upstream starts answering `completed` for a task to the
// moment that task's card in the studio shows the result <video>, in headless Chromium.
//
//   node bench/completion-to-screen.mjs
//
// The server runs with the default STATUS_MIN_INTERVAL_MS (2000) and the real client polling (2 s, backing off
// by a quarter per answer to 15 s). Eight tasks are submitted, then the studio opens; their upstream durations
// are staggered (6 s, 8 s, … 20 s after submit), so the eight completions fall at different points of the
// polling cycle. Each is one run; the median is the figure. Both clocks are the same machine's wall clock.
import { launchChromium } from "./lib/chromium.mjs";
import { startFake } from "./lib/fake.mjs";
import { deadline, fmt, median, printCommand, printTable } from "./lib/measure.mjs";
import { ensureBuild, generationBody, startServer, submit } from "./lib/server.mjs";

deadline(120, "completion-to-screen");
const PORT = Number(process.env.BENCH_PORT ?? 3403);
const RUNS = 8;
const FIRST_MS = 6_000;
const STEP_MS = 2_000;

ensureBuild();
const fake = await startFake();
const server = await startServer(PORT, { FOXAPI_API_KEY: "bench-key", FOXAPI_BASE_URL: fake.url });
const browser = await launchChromium();
try {
  const tasks = [];
  for (let k = 0; k < RUNS; k++) {
    const label = `screen-${String(k)}`;
    const task = await submit(
      server,
      generationBody(fake.url, k + 1, `${label} dur=${String(FIRST_MS + k * STEP_MS)}`),
    );
    tasks.push({ label, id: task.id });
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Note, in the page, the wall-clock moment each card first shows its result player.
  await page.addInitScript(() => {
    const seen = {};
    window.__resultShownAt = seen;
    const check = () => {
      for (const card of document.querySelectorAll("article")) {
        const label = /screen-\d+/.exec(card.textContent ?? "")?.[0];
        if (label && !(label in seen) && card.querySelector('video[aria-label="Result video"]'))
          seen[label] = Date.now();
      }
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
  });
  // And, in this process, when the browser first receives each task as completed from a poll.
  const receivedAt = {};
  page.on("response", (res) => {
    const id = /\/api\/generations\/([^/?]+)$/.exec(new URL(res.url()).pathname)?.[1];
    if (!id || receivedAt[id]) return;
    const at = Date.now();
    res
      .json()
      .then((body) => {
        if (body.status === "completed" && !receivedAt[id]) receivedAt[id] = at;
      })
      .catch(() => undefined);
  });
  await page.goto(server.url);
  const lastDue = Date.now() + FIRST_MS + RUNS * STEP_MS + 20_000;
  let shown = {};
  while (Date.now() < lastDue) {
    shown = await page.evaluate(() => ({ ...window.__resultShownAt }));
    if (Object.keys(shown).length === RUNS) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const rows = [["task", "upstream takes", "server saw it +ms", "browser got it +ms", "on screen +ms"]];
  const lags = [];
  const seenLags = [];
  const gotLags = [];
  for (const t of tasks) {
    const f = fake.tasks.get(t.id);
    const doneAt = f.createdAt + f.durationMs;
    const screenAt = shown[t.label];
    const lag = screenAt === undefined ? NaN : screenAt - doneAt;
    const seen = f.firstCompletedAnswerAt === null ? NaN : f.firstCompletedAnswerAt - doneAt;
    const got = receivedAt[t.id] === undefined ? NaN : receivedAt[t.id] - doneAt;
    lags.push(lag);
    seenLags.push(seen);
    gotLags.push(got);
    rows.push([t.label, `${String(f.durationMs / 1000)} s`, fmt(seen, 0), fmt(got, 0), fmt(lag, 0)]);
  }
  console.log(
    `\nCompletion to screen (Chromium, STATUS_MIN_INTERVAL_MS=2000 default, client polling 2 s × 1.25ⁿ up to 15 s)`,
  );
  printTable(rows);
  const missing = lags.filter((x) => !Number.isFinite(x)).length;
  const med = (xs) => fmt(median(xs.filter(Number.isFinite)), 0);
  const renderMs = tasks.map((_, i) => lags[i] - gotLags[i]);
  console.log(
    `median: on screen ${med(lags)} ms after the upstream completed; the server saw it after ${med(seenLags)} ms, ` +
      `the browser's poll brought it after ${med(gotLags)} ms, and the card showed the player ${med(renderMs)} ms ` +
      `after that response arrived; ${String(missing)} never shown`,
  );
  if (missing > 0) process.exitCode = 1;
} finally {
  await browser.close();
  await server.stop();
  await fake.close();
}
printCommand("bench/completion-to-screen.mjs");
process.exit(process.exitCode ?? 0);
