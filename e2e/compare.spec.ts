import path from "node:path";
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { SAMPLE, cardFor, uniquePrompt } from "./helpers";

/*
 * Issue 14, compare: select finished tasks, compare them as one synced group of players, mark favourites that every
 * browser sees, chain from the grid, and present full screen.
 */

const OUT = process.env.UPDATE_SCREENSHOTS
  ? path.join("e2e", "screenshots")
  : path.join("test-results", "screens");

async function startTask(request: APIRequestContext, baseURL: string, prompt: string, extra: object = {}) {
  const res = await request.post("/api/generations", {
    data: { model: "veo-3.1-extend", prompt, video_url: `${baseURL}${SAMPLE.landscape}`, ...extra },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function completed(page: Page, prompt: string) {
  await expect(cardFor(page, prompt).getByText("Completed", { exact: true })).toBeVisible({
    timeout: 60_000,
  });
}

/** Every player's position, readiness and state. */
const playback = (videos: Locator) =>
  videos.evaluateAll((vs: HTMLVideoElement[]) =>
    vs.map((v) => ({ t: v.currentTime, d: v.duration, paused: v.paused, ended: v.ended, muted: v.muted })),
  );

test("select, compare in sync, favourite for everyone, chain from the grid, present", async ({
  page,
  browser,
  baseURL,
  request,
}) => {
  test.setTimeout(180_000);
  const prompts = [1, 2, 3, 4, 5].map((n) => uniquePrompt(`Compare take ${String(n)}`));
  const ids: string[] = [];
  for (const [i, prompt] of prompts.entries())
    ids.push(await startTask(request, baseURL!, prompt, i < 3 ? { seed: 100 + i } : {}));

  await page.goto("/");
  for (const prompt of prompts) await completed(page, prompt);
  const box = (i: number) => cardFor(page, prompts[i]!).getByRole("checkbox", { name: "Select to compare" });

  // One selected: no Compare yet. Four: a fifth is refused with the reason.
  await box(0).check();
  await expect(page.getByRole("link", { name: "Compare", exact: true })).toHaveCount(0);
  await expect(page.getByText("Select one more to compare")).toBeVisible();
  for (const i of [1, 2, 3]) await box(i).check();
  await box(4).click();
  await expect(box(4)).not.toBeChecked();
  await expect(page.getByRole("status").filter({ hasText: "At most 4 results" })).toBeVisible();
  await box(3).uncheck();
  await expect(page.getByText("3 selected")).toBeVisible();

  await page.getByRole("link", { name: "Compare", exact: true }).click();
  await expect(page).toHaveURL(`/compare?ids=${ids.slice(0, 3).join(",")}`);
  await expect(page.getByRole("heading", { name: "Compare 3 results" })).toBeVisible();
  const grid = page.getByRole("list", { name: "Compared results" });
  // The source clip as a cell of its own, then each result with its model, prompt, seed and settings.
  await expect(grid.getByRole("figure")).toHaveCount(4);
  const cell = (name: string) => grid.getByRole("figure", { name, exact: true });
  await expect(cell("Source").getByLabel("Source video")).toBeVisible();
  for (const [i, prompt] of prompts.slice(0, 3).entries()) {
    const c = cell(`Result ${String(i + 1)}`);
    await expect(c.getByText(prompt)).toBeVisible();
    await expect(c.getByText("Veo 3.1 Extend", { exact: true })).toBeVisible();
    await expect(c.getByRole("definition").filter({ hasText: String(100 + i) })).toBeVisible();
    await expect(c.getByText("Aspect ratio")).toBeVisible();
  }
  await expectNoAxeViolations(page);

  // Play all: every player runs, and they stay within 0.3 s of each other, at normal speed with the
  // first result's sound on (the heard clip leads; the muted ones follow it).
  const videos = grid.locator("video");
  await expect(videos).toHaveCount(4);
  await expect.poll(async () => (await playback(videos)).every((v) => v.d > 4)).toBe(true);
  // Sampled in the page, every player at the same instant, 20 times a second, from before Play all until the
  // leader nears the shortest clip's end (a shorter clip holds its last frame), so the whole shared stretch is
  // seen. Only instants when all of them are playing count: when one waits for data (a starved decoder on a busy
  // machine) the group holds, paused, and a held group is waiting, not drifting; a player resumed a moment ago
  // counts once its clock moves.
  await videos.evaluateAll((vs: HTMLVideoElement[]) => {
    const w = window as unknown as { syncSamples: { spread: number; running: boolean; states: string }[] };
    w.syncSamples = [];
    const end = Math.min(...vs.map((v) => v.duration)) - 0.3;
    const started = performance.now();
    let last = vs.map((v) => v.currentTime);
    const timer = setInterval(() => {
      const times = vs.map((v) => v.currentTime);
      // Running: each one playing and moving since the last sample (one just told to play may not have started).
      const running = vs.every(
        (v, i) => !v.paused && !v.seeking && v.readyState >= 3 && times[i]! > last[i]!,
      );
      last = times;
      w.syncSamples.push({
        spread: Math.max(...times) - Math.min(...times),
        running,
        states: vs
          .map(
            (v) =>
              `${v.currentTime.toFixed(2)}${v.paused ? "p" : ""}${v.seeking ? "s" : ""}${String(v.readyState)}`,
          )
          .join(" "),
      });
      if (Math.max(...times) >= end || performance.now() - started > 15_000) {
        clearInterval(timer);
        w.syncSamples.push({ spread: -1, running: false, states: "done" });
      }
    }, 50);
  });
  await page.getByRole("button", { name: "Play all" }).click();
  await expect(page.getByRole("button", { name: "Pause all" })).toBeVisible();
  await page.waitForFunction(
    () => (window as unknown as { syncSamples: { states: string }[] }).syncSamples.at(-1)?.states === "done",
    undefined,
    { timeout: 20_000 },
  );
  const samples = await page.evaluate(
    () =>
      (window as unknown as { syncSamples: { spread: number; running: boolean; states: string }[] })
        .syncSamples,
  );
  const spreads = samples.filter((s) => s.running);
  console.log(`sync spreads (s): ${spreads.map((s) => s.spread.toFixed(2)).join(" ")}`);
  const widest = Math.max(...spreads.map((s) => s.spread));
  if (spreads.length < 10 || widest > 0.3)
    console.log(
      `every sample (time, p paused, s seeking, readyState):\n${samples.map((s) => s.states).join("\n")}`,
    );
  // At least half a second of shared playback sampled (on a starved CI machine the group holds much of the time).
  expect(spreads.length).toBeGreaterThanOrEqual(10);
  // All of them ran (a follower waits while its leader waits for data, so "paused" alone proves nothing).
  expect(await videos.evaluateAll((vs: HTMLVideoElement[]) => vs.every((v) => v.currentTime > 2))).toBe(true);
  expect(widest).toBeLessThanOrEqual(0.3);
  // One sound: the first result by default, the source when chosen.
  expect((await playback(videos)).map((v) => v.muted)).toEqual([true, false, true, true]);
  await page.getByRole("radio", { name: "Source", exact: true }).check({ force: true });
  expect((await playback(videos)).map((v) => v.muted)).toEqual([false, true, true, true]);
  // The group stops by itself at the end of the longest clip.
  await expect(page.getByRole("button", { name: "Play all" })).toBeVisible({ timeout: 15_000 });
  await expect.poll(async () => (await playback(videos)).every((v) => v.paused)).toBe(true);
  // One seek bar moves them all.
  await page.getByRole("slider", { name: "Seek" }).fill("1");
  await expect
    .poll(async () => (await playback(videos)).map((v) => Math.abs(v.t - 1) < 0.05))
    .toEqual([true, true, true, true]);
  // One Pause all stops them all, together.
  await page.getByRole("button", { name: "Play all" }).click();
  await page.getByRole("button", { name: "Pause all" }).click();
  await expect.poll(async () => (await playback(videos)).every((v) => v.paused)).toBe(true);
  const paused = (await playback(videos)).map((v) => v.t);
  expect(Math.max(...paused) - Math.min(...paused)).toBeLessThanOrEqual(0.3);

  // Favourite from the grid: stored on the server, seen after a reload and from another browser.
  const fav = cell("Result 2").getByRole("button", { name: "Favourite", exact: true });
  await expect(fav).toHaveAttribute("aria-pressed", "false");
  await fav.click();
  await expect(fav).toHaveAttribute("aria-pressed", "true");
  await page.reload();
  await expect(cell("Result 2").getByRole("button", { name: "Favourite", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(cell("Result 1").getByRole("button", { name: "Favourite", exact: true })).toHaveAttribute(
    "aria-pressed",
    "false",
  );
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto("/");
  await expect(
    cardFor(otherPage, prompts[1]!).getByRole("button", { name: "Favourite", exact: true }),
  ).toHaveAttribute("aria-pressed", "true");
  await otherPage.getByRole("checkbox", { name: "Favourites" }).check();
  await expect(cardFor(otherPage, prompts[1]!)).toBeVisible();
  await expect(cardFor(otherPage, prompts[0]!)).toHaveCount(0);
  await expectNoAxeViolations(otherPage);
  // And on the task page.
  await otherPage.goto(`/tasks/${ids[1]!}`);
  await expect(otherPage.getByRole("button", { name: "Favourite", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await other.close();

  // Screenshots of the grid at desktop and phone widths.
  for (const [name, width, height] of [
    ["desktop", 1280, 900],
    ["mobile", 390, 844],
  ] as const) {
    const shot = await browser.newPage({ viewport: { width, height } });
    await shot.goto(`/compare?ids=${ids.slice(0, 3).join(",")}`);
    const shotVideos = shot.getByRole("list", { name: "Compared results" }).locator("video");
    await expect(shotVideos).toHaveCount(4);
    await expect
      .poll(() => shotVideos.evaluateAll((vs: HTMLVideoElement[]) => vs.every((v) => v.readyState >= 2)))
      .toBe(true);
    const { scroll, client } = await shot.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll).toBeLessThanOrEqual(client);
    await shot.waitForTimeout(500);
    await shot.screenshot({ path: path.join(OUT, `compare-${name}.png`), fullPage: true });
    await shot.close();
  }

  // Present: a full-screen dialog, arrows move between results, Esc leaves.
  await page.getByRole("button", { name: "Present" }).click();
  const dialog = page.getByRole("dialog", { name: /^Presenting/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { name: "Result 1 · Veo 3.1 Extend" })).toBeVisible();
  await expect(dialog.getByText("2 of 4")).toBeVisible();
  await page.keyboard.press("ArrowRight");
  await expect(dialog.getByRole("heading", { name: "Result 2 · Veo 3.1 Extend" })).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(dialog.getByRole("heading", { name: "Source" })).toBeVisible();
  await dialog.getByRole("button", { name: "Play all" }).click();
  await expect(dialog.getByRole("button", { name: "Pause all" })).toBeVisible();
  await expectNoAxeViolations(page, "the Present dialog", "[role=dialog]");
  await page.screenshot({ path: path.join(OUT, "compare-present.png") });
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Present" })).toBeFocused();

  // Extend this, from the grid: the studio's form, seeded with that result.
  await cell("Result 3").getByRole("link", { name: "Extend this" }).click();
  await expect(page).toHaveURL(new RegExp(`/\\?from=${ids[2]!}&action=extend`));
  await expect(page.getByRole("radio", { name: /^Veo 3\.1 Extend(?! Fast)/ })).toBeChecked();
  await expect(page.getByLabel("Video URL")).toHaveValue(new RegExp(`/api/generations/${ids[2]!}/video$`));
  await page.goBack();
  await cell("Result 3").getByRole("link", { name: "Edit this" }).click();
  await expect(page).toHaveURL(new RegExp(`/\\?from=${ids[2]!}&action=edit`));
  await expect(page.getByRole("radio", { name: /Kling O3 Video Edit/ })).toBeChecked();
});

test("the task page presents its source and result; Esc leaves", async ({ page, baseURL, request }) => {
  const prompt = uniquePrompt("Present one task");
  const id = await startTask(request, baseURL!, prompt);
  await page.goto(`/tasks/${id}`);
  await expect(page.getByText("Completed", { exact: true }).first()).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Present" }).click();
  const dialog = page.getByRole("dialog", { name: /^Presenting/ });
  await expect(dialog.getByRole("heading", { name: "Result · Veo 3.1 Extend" })).toBeVisible();
  await expect(dialog.getByLabel("Result video")).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await expect(dialog.getByRole("heading", { name: "Source", exact: true })).toBeVisible();
  await expect(dialog.getByLabel("Source video")).toBeVisible();
  await expectNoAxeViolations(page, "the Present dialog", "[role=dialog]");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Present" })).toBeFocused();
});

test("a compare address with too few, too many or unknown ids says why", async ({ page }) => {
  for (const [query, message] of [
    ["", /No tasks to compare/],
    ["?ids=task-a", /at least 2 different tasks/],
    ["?ids=a,b,c,d,e", /at most 4 results; this address names 5/],
    ["?ids=nope-1,nope-2", /These tasks were not found: "nope-1", "nope-2"/],
  ] as const) {
    await page.goto(`/compare${query}`);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(message);
  }
  await expectNoAxeViolations(page);
});
