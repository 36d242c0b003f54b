import { type Page, expect, test } from "@playwright/test";
import { SAMPLE, cardFor, expectPlayableResult, recordSubmits, uniquePrompt } from "./helpers";
import { startOwnServer } from "./server";

// A model is only its definition. The test-only image-to-video model (lib/testing/fixture-model.ts), switched on
// for this server alone by RETAKE_FIXTURE_MODELS=1 at start, goes through the form, the route, the simulator,
// the task card and the task page of the same production build, with no other file knowing it.

const FIXTURE = "retake-test-image-to-video";
const LABEL = "Test Image to Video";

test("without the hook the studio offers only the real models", async ({ page }) => {
  await page.goto("/");
  const radios = page.getByRole("radiogroup", { name: "Model" }).getByRole("radio");
  await expect(radios).toHaveCount(3);
  await expect(page.getByRole("radio", { name: new RegExp(LABEL) })).toHaveCount(0);
});

test("a fourth model from its definition alone: form, route, simulator, card and page", async ({ page }) => {
  test.setTimeout(90_000);
  // Started here, not in beforeAll: every worker runs beforeAll, and two servers would share one port.
  const server = await startOwnServer(Number(process.env.E2E_FIXTURE_PORT ?? 3215), {
    RETAKE_FIXTURE_MODELS: "1",
  });
  try {
    await run(page, server.url);
  } finally {
    await server.stop();
  }
});

async function run(page: Page, url: string) {
  await page.goto(`${url}/`);
  const models = page.getByRole("radiogroup", { name: "Model" });
  await expect(models.getByRole("radio")).toHaveCount(4);
  const radio = models.getByRole("radio", { name: new RegExp(LABEL) });
  await radio.check({ force: true });
  await expect(radio).toBeChecked();

  // Its own fields: an image instead of a clip, and a duration choice.
  await expect(page.getByLabel("Video URL")).toHaveCount(0);
  const image = `${url}${SAMPLE.image1}`;
  await page.getByLabel("Image URL").fill(image);
  await page
    .getByRole("radiogroup", { name: "Duration" })
    .getByRole("radio", { name: "10" })
    .check({ force: true });
  const prompt = uniquePrompt("The colours slowly swirl");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);

  const submits = recordSubmits(page);
  await page.getByRole("button", { name: "Generate" }).click();
  await expectPlayableResult(page, prompt);
  expect(submits).toHaveLength(1);
  expect(submits[0]!.postDataJSON()).toEqual({ model: FIXTURE, prompt, image_url: image, duration: "10" });

  const card = cardFor(page, prompt);
  await expect(card).toHaveAccessibleName(new RegExp(`^${LABEL}: `));
  await expect(card.locator("img")).toHaveAttribute("src", image);

  await card.getByRole("link", { name: /Open/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: LABEL })).toBeVisible();
  await expect(page).toHaveTitle(new RegExp(`^${LABEL}: `));
  const settings = page.getByRole("heading", { name: "Settings" }).locator("..");
  await expect(settings.locator("dt")).toHaveText(["Model", "Duration", "Image"]);
  await expect(settings.locator("dd")).toHaveText([LABEL, "10 s", image]);
  await expect(page.getByAltText("Source image")).toHaveAttribute("src", image);
  await expect(page.getByLabel("Result video")).toBeVisible();
}
