import { expect, test } from "@playwright/test";
import {
  MODEL_NAMES,
  SAMPLE,
  cardFor,
  chooseModel,
  expectPlayableResult,
  recordSubmits,
  setVideo,
  uniquePrompt,
} from "./helpers";

test.describe("studio: from an empty page to a result", () => {
  test("the empty studio says what to do first", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("radiogroup", { name: "Model" }).getByRole("radio")).toHaveCount(3);
    for (const name of Object.values(MODEL_NAMES))
      await expect(page.getByRole("radio", { name: new RegExp(name) }).first()).toBeAttached();
    await expect(page.getByRole("heading", { name: "Tasks" })).toBeVisible();
    await expect(page.getByText("Simulator mode.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Generate" })).toBeEnabled();
  });

  test("Kling O3 Video Edit: sample clip and an image to a playable result", async ({ page, baseURL }) => {
    await page.goto("/");
    await chooseModel(page, "kling");
    await setVideo(page, baseURL!, SAMPLE.landscape);
    await expect(page.getByTestId("video-measurements")).toHaveText("5.0 s · 1280×720 · 16:9");
    await page.getByRole("button", { name: "Add image" }).click();
    await page.getByLabel("Image 1 URL").fill(`${baseURL}${SAMPLE.image1}`);
    const prompt = uniquePrompt("Golden hour on @Video1 with the palette of @Image1");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
    await page.getByRole("radio", { name: "1080p", exact: true }).check({ force: true });
    const submits = recordSubmits(page);
    await page.getByRole("button", { name: "Generate" }).click();
    await expectPlayableResult(page, prompt);
    expect(submits).toHaveLength(1);
    const body = submits[0]!.postDataJSON() as Record<string, unknown>;
    expect(body).toMatchObject({
      model: "kling-o3-video-to-video-edit",
      resolution: "1080p",
      image_urls: [`${baseURL}${SAMPLE.image1}`],
    });
    // Veo's fields don't apply to Kling and are not sent.
    expect(Object.keys(body)).not.toContain("aspect_ratio");
    expect(Object.keys(body)).not.toContain("generate_audio");
  });

  for (const model of ["veo", "veoFast"] as const) {
    test(`${MODEL_NAMES[model]}: a 9:16 clip to a playable result, aspect ratio following the clip`, async ({
      page,
      baseURL,
    }) => {
      await page.goto("/");
      await chooseModel(page, model);
      await setVideo(page, baseURL!, SAMPLE.portrait);
      await expect(page.getByRole("radio", { name: "9:16" })).toBeChecked();
      const prompt = uniquePrompt("The camera keeps drifting forward");
      await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
      const submits = recordSubmits(page);
      await page.getByRole("button", { name: "Generate" }).click();
      const card = await expectPlayableResult(page, prompt);
      await expect(card.getByText(MODEL_NAMES[model], { exact: true })).toBeVisible();
      const body = submits[0]!.postDataJSON() as Record<string, unknown>;
      expect(body).toMatchObject({
        model: model === "veo" ? "veo-3.1-extend" : "veo-3.1-extend-fast",
        aspect_ratio: "9:16",
        generate_audio: true,
      });
      expect(Object.keys(body)).not.toContain("resolution");
    });
  }
});

test("switching model swaps the fields and keeps prompt and video URL", async ({ page, baseURL }) => {
  await page.goto("/");
  await chooseModel(page, "kling");
  await page.getByLabel("Video URL").fill(`${baseURL}${SAMPLE.landscape}`);
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("Keep this prompt");
  await expect(page.getByRole("radiogroup", { name: "Resolution" })).toBeVisible();
  await expect(page.getByLabel("Keep original audio")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add image" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add element" })).toBeVisible();
  await expect(page.getByRole("radiogroup", { name: "Aspect ratio" })).toHaveCount(0);

  await chooseModel(page, "veo");
  await expect(page.getByRole("radiogroup", { name: "Aspect ratio" })).toBeVisible();
  await expect(page.getByLabel("Generate audio")).toBeVisible();
  await expect(page.getByText("Advanced")).toBeVisible();
  await expect(page.getByLabel("Seed")).toBeHidden();
  await page.getByText("Advanced").click();
  await expect(page.getByLabel("Negative prompt")).toBeVisible();
  await expect(page.getByLabel("Seed")).toBeVisible();
  await expect(page.getByLabel("Safety tolerance")).toBeVisible();
  await expect(page.getByLabel("Auto-fix prompt")).toBeVisible();
  await expect(page.getByRole("radiogroup", { name: "Resolution" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Add image" })).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "Prompt", exact: true })).toHaveValue("Keep this prompt");
  await expect(page.getByLabel("Video URL")).toHaveValue(`${baseURL}${SAMPLE.landscape}`);

  await chooseModel(page, "kling");
  await expect(page.getByRole("textbox", { name: "Prompt", exact: true })).toHaveValue("Keep this prompt");
});

test.describe("pre-submit blocks: a message, and nothing sent", () => {
  test("a 2 s clip is refused for Kling", async ({ page, baseURL }) => {
    const submits = recordSubmits(page);
    await page.goto("/");
    await chooseModel(page, "kling");
    await setVideo(page, baseURL!, SAMPLE.short);
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("Make @Video1 black and white");
    await expect(page.getByText(/The clip is 2\.0 s long; Kling needs 3–10 s/).first()).toBeVisible();
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.locator("#video_url-error")).toContainText("Kling needs 3–10 s");
    expect(submits).toHaveLength(0);
  });

  test("a 640×480 clip is refused for Veo", async ({ page, baseURL }) => {
    const submits = recordSubmits(page);
    await page.goto("/");
    await chooseModel(page, "veo");
    await setVideo(page, baseURL!, SAMPLE.small);
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("Keep going");
    await expect(page.getByText(/640×480 \(4:3\); Veo extends only 16:9 or 9:16/).first()).toBeVisible();
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.locator("#video_url-error")).toContainText("720p or 1080p");
    expect(submits).toHaveLength(0);
  });

  test("a fifth image or element cannot be added, and the reason is shown", async ({ page, baseURL }) => {
    await page.goto("/");
    await chooseModel(page, "kling");
    for (let i = 1; i <= 3; i++) {
      await page.getByRole("button", { name: "Add image" }).click();
      await page.getByLabel(`Image ${String(i)} URL`).fill(`${baseURL}${SAMPLE.image1}`);
    }
    await page.getByRole("button", { name: "Add element" }).click();
    await page.getByLabel("Element 1 frontal image URL").fill(`${baseURL}${SAMPLE.image2}`);
    await page.getByRole("button", { name: "Add reference image" }).click();
    await expect(page.getByLabel("Element 1 reference image 1 URL")).toBeVisible();
    await expect(page.getByRole("button", { name: "Add image" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Add element" })).toBeDisabled();
    await expect(page.getByText(/at most 4 images and elements together/)).toBeVisible();
    await page.getByRole("button", { name: "Remove image 2" }).click();
    await expect(page.getByRole("button", { name: "Add image" })).toBeEnabled();
  });

  test("@Image2 with one image is flagged and not sent", async ({ page, baseURL }) => {
    const submits = recordSubmits(page);
    await page.goto("/");
    await chooseModel(page, "kling");
    await setVideo(page, baseURL!, SAMPLE.landscape);
    await page.getByRole("button", { name: "Add image" }).click();
    await page.getByLabel("Image 1 URL").fill(`${baseURL}${SAMPLE.image1}`);
    await page
      .getByRole("textbox", { name: "Prompt", exact: true })
      .fill("Use @Image2 as the sky over @Video1");
    await expect(page.getByText("@Image2 ⚠")).toBeVisible();
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.locator("#prompt-error")).toContainText("@Image2 points at nothing: there is 1 image");
    expect(submits).toHaveLength(0);
  });

  test("a prompt over the limit is refused", async ({ page, baseURL }) => {
    const submits = recordSubmits(page);
    await page.goto("/");
    await chooseModel(page, "kling");
    await setVideo(page, baseURL!, SAMPLE.landscape);
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("x".repeat(2501));
    await expect(page.getByText("2,501 / 2,500")).toBeVisible();
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.locator("#prompt-error")).toContainText("the limit is 2500");
    expect(submits).toHaveLength(0);
  });
});

test("typing @ offers the references that exist", async ({ page, baseURL }) => {
  await page.goto("/");
  await chooseModel(page, "kling");
  await page.getByRole("button", { name: "Add image" }).click();
  await page.getByLabel("Image 1 URL").fill(`${baseURL}${SAMPLE.image1}`);
  const prompt = page.getByRole("textbox", { name: "Prompt", exact: true });
  await prompt.click();
  await prompt.pressSequentially("Recolour @I");
  const options = page.getByRole("listbox", { name: "References" }).getByRole("option");
  await expect(options).toHaveText(["@Image1"]);
  await prompt.press("Enter");
  await expect(prompt).toHaveValue("Recolour @Image1 ");
});

test("a failed task shows the provider's message and can be retried with the same settings", async ({
  page,
  baseURL,
}) => {
  await page.goto("/");
  await chooseModel(page, "veoFast");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  const prompt = uniquePrompt("[sim:fail] A scene the provider refuses");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, prompt);
  await expect(card.getByText("Failed", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(card.getByText(/rejected by the provider's content policy/)).toBeVisible();
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("something else");
  await card.getByRole("button", { name: "Try again with these settings" }).click();
  await expect(page.getByRole("textbox", { name: "Prompt", exact: true })).toHaveValue(prompt);
  await expect(page.getByRole("radio", { name: /Veo 3\.1 Extend Fast/ })).toBeChecked();
});

test("a rejected submit shows the upstream's reason on the form", async ({ page, baseURL }) => {
  await page.goto("/");
  await chooseModel(page, "veo");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("[sim:402] out of credit");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "out of credit" })).toBeVisible();
});

test("a reload mid-task keeps following it to completion", async ({ page, baseURL }) => {
  await page.goto("/");
  await chooseModel(page, "veo");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  const prompt = uniquePrompt("[sim:slow] Survives a reload");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(cardFor(page, prompt).getByText(/Pending|Processing/)).toBeVisible();
  await expect(page).toHaveTitle(/running\) Retake/);
  // The page's own state is what matters after the reload, not every subresource of a long task list: wait for
  // the document, then for the card.
  await page.reload({ waitUntil: "domcontentloaded" });
  await expect(cardFor(page, prompt)).toBeVisible();
  await expectPlayableResult(page, prompt);
});

test("double-clicking Generate creates one task", async ({ page, baseURL }) => {
  const submits = recordSubmits(page);
  await page.goto("/");
  await chooseModel(page, "veoFast");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  const prompt = uniquePrompt("Only once");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).dblclick();
  await expect(cardFor(page, prompt)).toHaveCount(1);
  // A second submit from the double click would leave before any later one. So send a later one and wait for its
  // card, instead of waiting a while for a request that should never come.
  const later = uniquePrompt("Sent after the double click");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(later);
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(cardFor(page, later)).toHaveCount(1);
  expect(submits.map((r) => (r.postDataJSON() as { prompt: string }).prompt)).toEqual([prompt, later]);
  await expect(cardFor(page, prompt)).toHaveCount(1);
});

test("the task page shows the task and links back", async ({ page, baseURL }) => {
  await page.goto("/");
  await chooseModel(page, "veoFast");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  const prompt = uniquePrompt("Task page check");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
  await cardFor(page, prompt).getByRole("link", { name: /Open/ }).click();
  await expect(page).toHaveURL(/\/tasks\//);
  await expect(page.getByText(prompt, { exact: true })).toBeVisible();
  await expect(page.getByText("Completed", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel("Result video")).toBeVisible();
});
