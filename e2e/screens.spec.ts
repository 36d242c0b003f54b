import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { SAMPLE, cardFor, chooseModel, setVideo, uniquePrompt } from "./helpers";

// Screens of the studio at desktop and phone width. Each run checks that nothing overflows sideways; with
// UPDATE_SCREENSHOTS=1 the pictures are written to e2e/screenshots/ (the ones the README shows).
const OUT = process.env.UPDATE_SCREENSHOTS
  ? path.join("e2e", "screenshots")
  : path.join("test-results", "screens");

async function noSidewaysScroll(page: Page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

for (const [name, viewport] of [
  ["desktop", { width: 1440, height: 960 }],
  ["mobile", { width: 375, height: 812 }],
] as const) {
  test(`studio screens at ${name} width`, async ({ browser, baseURL }) => {
    const page = await browser.newPage({ viewport });
    await page.goto("/");
    await noSidewaysScroll(page);
    await page.screenshot({ path: path.join(OUT, `studio-${name}-start.png`) });

    await chooseModel(page, "kling");
    await setVideo(page, baseURL!, SAMPLE.landscape);
    await page.getByRole("button", { name: "Add image" }).click();
    await page.getByLabel("Image 1 URL").fill(`${baseURL}${SAMPLE.image1}`);
    const done = uniquePrompt("Turn @Video1 into a golden-hour scene with the colours of @Image1");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(done);
    await noSidewaysScroll(page);
    await page.screenshot({ path: path.join(OUT, `studio-${name}-filled.png`), fullPage: true });

    await page.getByRole("button", { name: "Generate" }).click();
    await expect(cardFor(page, done).getByText("Completed", { exact: true })).toBeVisible({
      timeout: 30_000,
    });
    await chooseModel(page, "veoFast");
    await setVideo(page, baseURL!, SAMPLE.portrait);
    const running = uniquePrompt("[sim:slow] The camera keeps rising above the city");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(running);
    await page.getByRole("button", { name: "Generate" }).click();
    // Either running state will do for the picture: waiting for "Processing" in particular would race the
    // simulated task's clock rather than wait for a state it is sure to be in.
    await expect(cardFor(page, running).getByText(/^(Pending|Processing)$/)).toBeVisible();
    await noSidewaysScroll(page);
    await page.screenshot({ path: path.join(OUT, `studio-${name}-tasks.png`), fullPage: true });
    await page.close();
  });
}
