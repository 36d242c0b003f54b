import { expect, test, type Page } from "@playwright/test";
import { SUBMIT_PATH, TASK_PATH, foxTask, startFakeFoxApi } from "../lib/testing/fake-foxapi";
import { expectNoAxeViolations } from "./axe";
import { SAMPLE, cardFor, chooseModel, recordSubmits, setVideo, uniquePrompt } from "./helpers";
import { startOwnServer } from "./server";

// Issue 14, part A: takes, cost before spending, "done" alerts and keyboard shortcuts, in a real browser.
const PORT = Number(process.env.E2E_TAKES_PORT ?? 3260);

async function fillVeo(page: Page, base: string, prompt: string) {
  await chooseModel(page, "veo");
  await setVideo(page, base, SAMPLE.landscape);
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
}

const takesRadio = (page: Page, n: number) =>
  page.getByRole("radiogroup", { name: "Takes" }).getByRole("radio", { name: String(n), exact: true });

test("3 Veo takes: exactly 3 upstream POSTs with 3 distinct seeds, one group, Compare takes with the 3 ids", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const fake = await startFakeFoxApi();
  let created = 0;
  // The last take's answer is slow, so the first takes finish (and the stream says so) before the page's submit
  // is answered: the answer's older "pending" must not put their cards back.
  fake.on("POST", SUBMIT_PATH, () => ({
    json: foxTask({
      id: `task-take-${String(++created)}`,
      status: "pending",
      usage: { credits_reserved: 40 },
    }),
    delayMs: created === 3 ? 2_500 : 0,
  }));
  const serverUrl = `http://127.0.0.1:${String(PORT)}`;
  // The fake answers each task completed with a result our server can copy (its own sample clip).
  fake.on("GET", TASK_PATH, (req) => ({
    json: foxTask({
      id: decodeURIComponent(req.pathname.split("/").pop()!),
      status: "completed",
      progress: 100,
      results: [{ url: `${serverUrl}${SAMPLE.landscape}` }],
      usage: { credits_reserved: 40 },
    }),
  }));
  const own = await startOwnServer(PORT, { FOXAPI_BASE_URL: fake.url, FOXAPI_API_KEY: "takes-key" });
  try {
    await page.goto(`${own.url}/`);
    const prompt = uniquePrompt("Three takes of the valley");
    await fillVeo(page, own.url, prompt);
    await takesRadio(page, 3).check({ force: true });
    await expectNoAxeViolations(page, "the studio with three takes chosen");
    await page.getByRole("button", { name: "Generate" }).click();

    const group = page.getByRole("region", { name: "3 takes of Veo 3.1 Extend" });
    await expect(group.getByRole("article")).toHaveCount(3);
    const posts = fake.requestsTo("POST", SUBMIT_PATH);
    expect(posts).toHaveLength(3);
    const seeds = posts.map((r) => (JSON.parse(r.body) as { seed: number }).seed);
    expect(new Set(seeds).size).toBe(3);
    posts.forEach((r, i) => {
      expect(r.body).toBe(
        JSON.stringify({
          model: "veo-3.1-extend",
          prompt,
          video_url: `${own.url}${SAMPLE.landscape}`,
          aspect_ratio: "16:9",
          generate_audio: true,
          seed: seeds[i],
        }),
      );
      expect(r.headers.authorization).toBe("Bearer takes-key");
      expect(r.headers["content-type"]).toMatch(/^application\/json/);
    });
    // Each card says its seed and what FoxAPI reserved.
    for (const seed of seeds) await expect(group.getByText(`Seed ${String(seed)}`)).toBeVisible();
    await expect(group.getByText("FoxAPI reserved 40 credits")).toHaveCount(3);

    const compare = group.getByRole("link", { name: "Compare takes" });
    await expect(compare).toBeVisible({ timeout: 60_000 });
    await expect(group.getByText("Completed", { exact: true })).toHaveCount(3);
    const href = await compare.getAttribute("href");
    const ids = new URL(href!, own.url).searchParams.get("ids")!.split(",");
    expect(ids.sort()).toEqual(["task-take-1", "task-take-2", "task-take-3"]);
    expect(new URL(href!, own.url).pathname).toBe("/compare");
    // Still exactly 3: nothing re-sent while following them.
    expect(fake.requestsTo("POST", SUBMIT_PATH)).toHaveLength(3);
    // The day's total counts them, with what FoxAPI reserved.
    await page.reload();
    await expect(page.getByTestId("day-total")).toContainText("3 tasks · 120 credits reserved by FoxAPI");
    await expectNoAxeViolations(page, "the studio with a group of takes");
  } finally {
    await own.stop();
    await fake.close();
  }
});

test("a PRICE_TABLE example shows the right estimate for 2 takes of 1080p", async ({ page }) => {
  const own = await startOwnServer(PORT + 1, {
    PRICE_TABLE: JSON.stringify({
      "kling-o3-video-to-video-edit": {
        per: "task",
        rates: [{ resolution: "1080p", price: 12.5 }, { price: 8 }],
      },
    }),
  });
  try {
    await page.goto(`${own.url}/`);
    await chooseModel(page, "kling");
    await setVideo(page, own.url, SAMPLE.landscape);
    const estimate = page.getByTestId("cost-estimate");
    await expect(estimate).toContainText("Estimated cost: 8 credits");
    await page.getByRole("radio", { name: "1080p", exact: true }).check({ force: true });
    await takesRadio(page, 2).check({ force: true });
    await expect(estimate).toContainText("Estimated cost for 2 takes: 25 credits");
    await expect(estimate).toContainText("12.5 credits a take, at your price");
    // Veo has no price here: no estimate, and nothing pretends to be FoxAPI's price.
    await chooseModel(page, "veo");
    await expect(estimate).toHaveCount(0);
    await expectNoAxeViolations(page, "the studio with an estimate");
  } finally {
    await own.stop();
  }
});

test("the daily cap: the form says how many takes it can start before anything is sent", async ({ page }) => {
  const own = await startOwnServer(PORT + 2, { MAX_TASKS_PER_DAY: "2" });
  try {
    await page.goto(`${own.url}/`);
    const submits = recordSubmits(page);
    await fillVeo(page, own.url, uniquePrompt("Capped"));
    await takesRadio(page, 3).check({ force: true });
    await expect(page.getByText("Today's limit allows 2 more tasks: choose 2 takes or fewer.")).toBeVisible();
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "nothing was sent" })).toBeVisible();
    expect(submits).toHaveLength(0);
  } finally {
    await own.stop();
  }
});

test("a hidden page: a notification when its task completes; title and favicon count; click focuses the task", async ({
  browser,
}) => {
  // A server of its own: a task another test finishes on a shared server while this page is hidden would count.
  const own = await startOwnServer(PORT + 3, {});
  const context = await browser.newContext();
  await context.grantPermissions(["notifications"], { origin: own.url });
  await context.addInitScript(() => {
    let visibility: DocumentVisibilityState = "visible";
    Object.defineProperty(Document.prototype, "visibilityState", {
      configurable: true,
      get: () => visibility,
    });
    Object.defineProperty(Document.prototype, "hidden", {
      configurable: true,
      get: () => visibility === "hidden",
    });
    const w = window as unknown as Record<string, unknown>;
    w.__setVisibility = (v: DocumentVisibilityState) => {
      visibility = v;
      document.dispatchEvent(new Event("visibilitychange"));
    };
    const shown: { title: string; tag?: string }[] = [];
    w.__notifications = shown;
    const Real = window.Notification;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, tag: options?.tag });
        w.__lastNotification = this;
      }
    }
    window.Notification = Recorded as typeof Notification;
  });
  const page = await context.newPage();
  try {
    await page.goto(`${own.url}/`);
    await expect(page.getByText("Notifications on")).toBeVisible();
    const prompt = uniquePrompt("Hidden until done");
    await fillVeo(page, own.url, prompt);
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(cardFor(page, prompt)).toBeVisible();
    await page.evaluate(() =>
      (window as unknown as { __setVisibility: (v: string) => void }).__setVisibility("hidden"),
    );
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications),
        {
          timeout: 30_000,
        },
      )
      .toEqual([
        { title: "Veo 3.1 Extend finished", tag: expect.stringMatching(/^sim-/) as unknown as string },
      ]);
    await expect(page).toHaveTitle("(1 finished) Retake");
    // The favicon is drawn by a module loaded on demand: it may follow the title a moment later.
    const icon = page.locator('link[rel~="icon"]').first();
    await expect
      .poll(async () => decodeURIComponent((await icon.getAttribute("href")) ?? ""))
      .toContain(">1</text>");
    // Clicking the notification focuses that task's card.
    await page.evaluate(() =>
      (window as unknown as { __lastNotification: Notification }).__lastNotification.onclick?.(
        new Event("click"),
      ),
    );
    await expect(cardFor(page, prompt))
      .toBeFocused()
      .catch(async (e: unknown) => {
        const where = await page.evaluate(
          () =>
            `${document.activeElement?.outerHTML.slice(0, 200) ?? "none"}; hasFocus ${String(document.hasFocus())}`,
        );
        throw new Error(`${String(e)}\nfocus is on: ${where}`);
      });
    await page.evaluate(() =>
      (window as unknown as { __setVisibility: (v: string) => void }).__setVisibility("visible"),
    );
    await expect(page).toHaveTitle("Retake");
    await expect.poll(async () => (await icon.getAttribute("href")) ?? "").not.toContain("data:");
  } finally {
    await context.close();
    await own.stop();
  }
});

test("with notifications refused, the title and the favicon still count what finished", async ({
  browser,
}) => {
  const own = await startOwnServer(PORT + 4, {});
  const context = await browser.newContext();
  await context.addInitScript(() => {
    let visibility: DocumentVisibilityState = "visible";
    Object.defineProperty(Document.prototype, "visibilityState", {
      configurable: true,
      get: () => visibility,
    });
    (window as unknown as Record<string, unknown>).__setVisibility = (v: DocumentVisibilityState) => {
      visibility = v;
      document.dispatchEvent(new Event("visibilitychange"));
    };
    Object.defineProperty(Notification, "permission", { configurable: true, get: () => "denied" });
  });
  const page = await context.newPage();
  try {
    await page.goto(`${own.url}/`);
    await expect(page.getByText("Notifications blocked")).toBeVisible();
    const prompt = uniquePrompt("Refused but counted");
    await fillVeo(page, own.url, prompt);
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(cardFor(page, prompt)).toBeVisible();
    await page.evaluate(() =>
      (window as unknown as { __setVisibility: (v: string) => void }).__setVisibility("hidden"),
    );
    await expect(page).toHaveTitle("(1 finished) Retake", { timeout: 30_000 });
    // The favicon is drawn by a module loaded on demand: it may follow the title a moment later.
    await expect
      .poll(async () =>
        decodeURIComponent((await page.locator('link[rel~="icon"]').first().getAttribute("href")) ?? ""),
      )
      .toContain(">1</text>");
  } finally {
    await context.close();
    await own.stop();
  }
});

test("Notify me asks for permission only when pressed", async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__asked = 0;
    Notification.requestPermission = () => {
      w.__asked = (w.__asked as number) + 1;
      return Promise.resolve("default");
    };
  });
  const page = await context.newPage();
  try {
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Notify me" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);
    await page.getByRole("button", { name: "Notify me" }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(1);
  } finally {
    await context.close();
  }
});

test("Ctrl+Enter generates once; ? opens Keyboard shortcuts (not while typing)", async ({
  page,
  baseURL,
}) => {
  await page.goto("/");
  const submits = recordSubmits(page);
  const prompt = uniquePrompt("From the keyboard");
  await fillVeo(page, baseURL!, prompt);
  // Typing `?` in the prompt is just a character.
  await page.getByRole("textbox", { name: "Prompt", exact: true }).press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toHaveCount(0);
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.keyboard.press("Control+Enter");
  await page.keyboard.press("Control+Enter");
  await expect(cardFor(page, prompt)).toHaveCount(1);
  await page.waitForTimeout(1_000);
  expect(submits).toHaveLength(1);
  await expect(cardFor(page, prompt)).toHaveCount(1);

  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("Generate", { exact: true })).toBeVisible();
  await expect(dialog.getByText("Ctrl+Enter")).toBeVisible();
  await expect(dialog.getByText("Show keyboard shortcuts")).toBeVisible();
  await expectNoAxeViolations(page, "the Keyboard shortcuts dialog");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});
