import fs from "node:fs";
import path from "node:path";
import { type CDPSession, expect, test, type Locator, type Page, type Request } from "@playwright/test";
import { chooseModel, expectPlayableResult, uniquePrompt } from "./helpers";

// Local files instead of links (issue 5), in simulator mode: the whole flow runs without a key.
const OUT = process.env.UPDATE_SCREENSHOTS
  ? path.join("e2e", "screenshots")
  : path.join("test-results", "screens");
const SAMPLES = path.join("public", "samples");

/** Every POST /api/uploads the page sends, to prove a refused file sent nothing. */
function recordUploads(page: Page): Request[] {
  const sent: Request[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/uploads") sent.push(r);
  });
  return sent;
}

const cdpSessions = new WeakMap<Page, CDPSession>();

/** Slows the browser's uploads (bytes per second; -1 lifts it) so progress can be watched. */
async function throttleUploads(page: Page, bytesPerSecond: number) {
  // One session per page: emulation set through one session is not lifted through another.
  let cdp = cdpSessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    cdpSessions.set(page, cdp);
  }
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}

/** Drags a file from "the desktop" onto a target: a real DataTransfer with a File in it. */
async function dropFile(page: Page, target: Locator, sample: string, lastModified: number, name = sample) {
  const b64 = fs.readFileSync(path.join(SAMPLES, sample)).toString("base64");
  const type = sample.endsWith(".png") ? "image/png" : sample.endsWith(".jpg") ? "image/jpeg" : "video/mp4";
  const dataTransfer = await page.evaluateHandle(
    ({ b64, name, type, lastModified }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type, lastModified }));
      return dt;
    },
    { b64, name, type, lastModified },
  );
  for (const event of ["dragenter", "dragover", "drop"]) await target.dispatchEvent(event, { dataTransfer });
}

/**
 * A sample under a name of this run's own: the same file picked twice is (rightly) not uploaded twice, so tests
 * that must watch an upload use a file no earlier test or repetition has sent.
 */
function freshFile(sample: string) {
  const ext = path.extname(sample);
  return {
    name: `${path.basename(sample, ext)}-${Math.random().toString(36).slice(2, 8)}${ext}`,
    mimeType: ext === ".png" ? "image/png" : ext === ".jpg" ? "image/jpeg" : "video/mp4",
    buffer: fs.readFileSync(path.join(SAMPLES, sample)),
  };
}

async function noSidewaysScroll(page: Page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

test("a clip dropped into Veo uploads with progress, previews, and extends to completion", async ({
  page,
}) => {
  const uploads = recordUploads(page);
  await page.goto("/");
  await chooseModel(page, "veo");
  // 4 KB/s: the 369 KB clip would take over a minute, so the upload cannot finish while the states below are
  // being watched, however slow the machine; the throttle is lifted once they have been seen.
  await throttleUploads(page, 4 * 1024);
  const picked = Date.now();
  await dropFile(page, page.getByLabel("Video URL"), "portrait-9x16.mp4", picked);

  const bar = page.getByRole("progressbar", { name: "Uploading portrait-9x16.mp4" });
  await expect(bar).toBeVisible();
  await expect(page.getByText(/^Uploading portrait-9x16\.mp4 · \d+% · \d+ (B|KB) of 369 KB$/)).toBeVisible();
  // Generate waits for the upload.
  await expect(page.getByText("Generate is ready when the upload finishes.")).toBeVisible();
  const seen = new Set<number>();
  await expect
    .poll(
      async () => {
        const now = Number(
          (await bar.getAttribute("aria-valuenow", { timeout: 1000 }).catch(() => null)) ?? -1,
        );
        if (now >= 0) seen.add(now);
        return [...seen].filter((v) => v > 0 && v < 100).length;
      },
      { intervals: [100] },
    )
    .toBeGreaterThanOrEqual(2);

  await throttleUploads(page, -1);
  await expect(bar).toBeHidden({ timeout: 20_000 });
  await expect(
    page.getByText(/✓ Uploaded portrait-9x16\.mp4 \(369 KB\) · link expires in 7[12] h/),
  ).toBeVisible();
  await expect(page.getByLabel("Video URL")).toHaveValue(
    /^http:\/\/127\.0\.0\.1:\d+\/api\/simulator\/uploads\/[0-9a-z]{12}-portrait-9x16\.mp4$/,
  );
  // The preview plays the uploaded file, measured like any link; Veo's aspect ratio follows it.
  await expect(page.getByTestId("video-measurements")).toHaveText("5.0 s · 720×1280 · 9:16");
  await expect(page.getByRole("radio", { name: "9:16" })).toBeChecked();

  const prompt = uniquePrompt("The camera keeps rising over the uploaded clip");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
  await expectPlayableResult(page, prompt);
  expect(uploads).toHaveLength(1);

  // The same file again (same name, size and time) is not uploaded twice: the earlier link is reused.
  await page.getByLabel("Video URL").fill("");
  await dropFile(page, page.getByLabel("Video URL"), "portrait-9x16.mp4", picked);
  await expect(
    page.getByText(/This file was uploaded (just now|\d+ min ago): using that link/),
  ).toBeVisible();
  await expect(page.getByLabel("Video URL")).toHaveValue(/-portrait-9x16\.mp4$/);
  expect(uploads).toHaveLength(1);
});

test("a 2 s clip chosen for Kling is refused before upload, with the reason", async ({ page }) => {
  const uploads = recordUploads(page);
  await page.goto("/");
  await chooseModel(page, "kling");
  await page.getByLabel("Video file").setInputFiles(path.join(SAMPLES, "too-short-2s.mp4"));
  const problems = page.getByRole("list", { name: "Problems with the video file" });
  await expect(problems).toHaveText("The clip is 2.0 s long; Kling needs 3–10 s.");
  await expect(page.getByText("Not uploaded: too-short-2s.mp4")).toBeVisible();
  await expect(page.getByLabel("Video URL")).toHaveValue("");

  // Wrong type, dropped: refused by name and type alone.
  await dropFile(page, page.getByLabel("Video URL"), "palette-square.png", Date.now());
  await expect(problems).toHaveText(
    "“palette-square.png” is not a video Retake can send: choose an MP4 or MOV file.",
  );
  // An upload of a refused file would leave before any later one. So upload a good clip and wait for it, instead
  // of waiting a while for a request that should never come: it must be the only one sent.
  const good = freshFile("landscape-16x9.mp4");
  await page.getByLabel("Video file", { exact: true }).setInputFiles(good);
  await expect(page.getByText(`✓ Uploaded ${good.name}`, { exact: false })).toBeVisible();
  expect(uploads).toHaveLength(1);
});

test("images upload into Kling rows, the picker reuses them with their expiry, and cancel and drops are clear", async ({
  page,
}) => {
  const uploads = recordUploads(page);
  await page.goto("/");
  await chooseModel(page, "kling");
  await page.getByRole("button", { name: "Add image" }).click();
  const image = freshFile("subject-portrait.jpg");
  await page.getByLabel("Image 1 file").setInputFiles(image);
  await expect(page.getByText(`✓ Uploaded ${image.name}`, { exact: false })).toBeVisible();
  const first = await page.getByLabel("Image 1 URL").inputValue();
  expect(first).toMatch(new RegExp(`/api/simulator/uploads/[0-9a-z]{12}-${image.name.replace(".", "\\.")}$`));

  // A second row takes the same image from the recent uploads: no second upload.
  await page.getByRole("button", { name: "Add element" }).click();
  const element = page.getByRole("group", { name: "Element 1" });
  await element.getByRole("button", { name: "Recent uploads" }).click();
  const list = element.getByRole("list", { name: "Recent image uploads" });
  const item = list.getByRole("listitem").filter({ hasText: image.name });
  await expect(item).toContainText(/uploaded (just now|\d+ min ago) · expires in 7[12] h/);
  await item.getByRole("button", { name: `Use ${image.name} for the Element 1 frontal image` }).click();
  await expect(page.getByLabel("Element 1 frontal image URL")).toHaveValue(first);
  await expect(element.getByText(`Using ${image.name} from recent uploads`, { exact: false })).toBeVisible();
  expect(uploads).toHaveLength(1);

  // Cancel: the bar goes, the field stays empty. At 2 KB/s the upload lasts two minutes: it cannot finish first.
  await throttleUploads(page, 2 * 1024);
  const clip = freshFile("landscape-16x9.mp4");
  await page.getByLabel("Video file").setInputFiles(clip);
  await expect(page.getByRole("progressbar", { name: `Uploading ${clip.name}` })).toBeVisible();
  await page.getByRole("button", { name: "Cancel the video upload" }).click();
  await expect(page.getByText(`Upload of ${clip.name} cancelled.`)).toBeVisible();
  await expect(page.getByLabel("Video URL")).toHaveValue("");
  await throttleUploads(page, -1);

  // A dropped connection is said in words, and can be retried.
  await page.route("**/api/uploads", (route) =>
    route.request().method() === "POST" ? route.abort("connectionreset") : route.continue(),
  );
  await page.getByLabel("Video file").setInputFiles(clip);
  await expect(
    page.getByText(
      `${clip.name} was not uploaded: The connection dropped during the upload. Check your connection and try again.`,
    ),
  ).toBeVisible();
  await page.unroute("**/api/uploads");
  await page.getByRole("button", { name: `Try again: upload ${clip.name}` }).click();
  await expect(page.getByText(`✓ Uploaded ${clip.name}`, { exact: false })).toBeVisible();
  await expect(page.getByTestId("video-measurements")).toHaveText("5.0 s · 1280×720 · 16:9");
});

for (const [name, viewport] of [
  ["desktop", { width: 1440, height: 960 }],
  ["mobile", { width: 375, height: 812 }],
] as const) {
  test(`upload screens at ${name} width`, async ({ browser }) => {
    const page = await browser.newPage({ viewport });
    await page.goto("/");
    await chooseModel(page, "veoFast");
    // 8 KB/s: over half a minute for the clip, so it is still uploading when the picture is taken; the throttle is
    // lifted right after.
    await throttleUploads(page, 8 * 1024);
    await dropFile(
      page,
      page.getByLabel("Video URL"),
      "portrait-9x16.mp4",
      Date.now(),
      `Beach walk ${name}.mp4`,
    );
    const bar = page.getByRole("progressbar", { name: `Uploading Beach walk ${name}.mp4` });
    await expect(bar).toBeVisible();
    await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow"))).toBeGreaterThan(15);
    await noSidewaysScroll(page);
    await page.getByLabel("Video URL").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, `uploads-${name}-progress.png`) });
    await expect(bar).toBeVisible();

    await throttleUploads(page, -1);
    await expect(bar).toBeHidden({ timeout: 30_000 });
    await expect(page.getByTestId("video-measurements")).toBeVisible();
    await page.getByRole("button", { name: "Recent uploads" }).click();
    await expect(
      page.getByRole("list", { name: "Recent video uploads" }).getByRole("listitem").first(),
    ).toBeVisible();
    await noSidewaysScroll(page);
    await page.getByLabel("Video URL").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, `uploads-${name}-done.png`), fullPage: name === "mobile" });
    await page.close();
  });
}
