import { expect, test, type Page } from "@playwright/test";
import { MODEL_NAMES, SAMPLE, recordSubmits } from "./helpers";
import { expectAxeClean, expectNoEnglish } from "./i18n";

// Issue 15: the main story in Simplified Chinese, for a browser whose first language is Chinese (Accept-Language
// from the context's locale), finding every control by its Chinese name; each page is axe-clean and shows no
// English word that isn't a name, a format or a unit. e2e/studio.spec.ts tells the same story in English.
test.use({ locale: "zh-CN" });

/** A prompt in Chinese with a number that makes it unique (no ASCII word of its own). */
const zhPrompt = (label: string) =>
  `${label} ${String(Date.now() % 1_000_000)}${String(Math.floor(Math.random() * 1000))}`;

async function chooseModel(page: Page, name: keyof typeof MODEL_NAMES) {
  const group = page.getByRole("radiogroup", { name: "模型" });
  const radio =
    name === "veo"
      ? group.getByRole("radio", { name: /^Veo 3\.1 Extend(?! Fast)/ })
      : group.getByRole("radio", { name: MODEL_NAMES[name], exact: false });
  await radio.check({ force: true });
  await expect(radio).toBeChecked();
}

async function setVideo(page: Page, baseURL: string, path: string) {
  await page.getByLabel("视频 URL").fill(`${baseURL}${path}`);
  await expect(page.getByTestId("video-measurements")).toBeVisible();
}

const prompt = (page: Page) => page.getByRole("textbox", { name: "提示词", exact: true });
const cardFor = (page: Page, text: string) =>
  page.getByRole("list", { name: "任务" }).getByRole("article").filter({ hasText: text });

async function expectPlayable(page: Page, text: string) {
  const card = cardFor(page, text);
  await expect(card.getByText("已完成", { exact: true })).toBeVisible({ timeout: 30_000 });
  const video = card.getByLabel("结果视频");
  await expect
    .poll(async () => video.evaluate((v: HTMLVideoElement) => (v.readyState >= 1 ? v.duration : 0)), {
      timeout: 15_000,
    })
    .toBeGreaterThan(1);
  await expect(card.getByRole("link", { name: "下载" })).toHaveAttribute(
    "href",
    /\/api\/generations\/.+\/video/,
  );
  return card;
}

test("the empty studio speaks Chinese: html lang, names, the Language control", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("radiogroup", { name: "模型" }).getByRole("radio")).toHaveCount(3);
  await expect(page.getByRole("textbox", { name: "提示词", exact: true })).toBeVisible();
  await expect(page.getByLabel("视频 URL")).toBeVisible();
  await expect(page.getByRole("button", { name: "生成" })).toBeEnabled();
  await expect(page.getByRole("heading", { name: "任务" })).toBeVisible();
  const language = page.getByRole("group", { name: "语言" });
  await expect(language.getByRole("button", { name: "中文" })).toHaveAttribute("aria-pressed", "true");
  await expect(language.getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "false");
  await expectNoEnglish(page);
  await expectAxeClean(page);
});

test("Kling O3 Video Edit in Chinese: a clip and an image to a playable result", async ({
  page,
  baseURL,
}) => {
  await page.goto("/");
  await chooseModel(page, "kling");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  await expect(page.getByTestId("video-measurements")).toHaveText("5.0 秒 · 1280×720 · 16:9");
  await page.getByRole("button", { name: "添加参考图" }).first().click();
  await page.getByLabel("参考图 1 URL").fill(`${baseURL}${SAMPLE.image1}`);
  const text = zhPrompt("让 @Video1 变成黄金时刻，使用 @Image1 的配色");
  await prompt(page).fill(text);
  await page
    .getByRole("radiogroup", { name: "分辨率" })
    .getByRole("radio", { name: "1080p" })
    .check({ force: true });
  await expect(page.getByLabel("保留原声")).toBeVisible();
  await expectNoEnglish(page);
  await expectAxeClean(page);
  const submits = recordSubmits(page);
  await page.getByRole("button", { name: "生成" }).click();
  await expect(page.getByText("已开始：Kling O3 Video Edit。可在「任务」中查看进度。")).toBeVisible();
  await expectPlayable(page, text);
  expect(submits).toHaveLength(1);
  expect(submits[0]!.postDataJSON()).toMatchObject({
    model: "kling-o3-video-to-video-edit",
    resolution: "1080p",
    image_urls: [`${baseURL}${SAMPLE.image1}`],
  });
  await expectNoEnglish(page);
  await expectAxeClean(page);
});

test("Veo 3.1 Extend in Chinese: a 9:16 clip, 宽高比 following it, to a playable result", async ({
  page,
  baseURL,
}) => {
  await page.goto("/");
  await chooseModel(page, "veo");
  await setVideo(page, baseURL!, SAMPLE.portrait);
  await expect(
    page.getByRole("radiogroup", { name: "宽高比" }).getByRole("radio", { name: "9:16" }),
  ).toBeChecked();
  await page.getByText("高级").click();
  await expect(page.getByLabel("反向提示词")).toBeVisible();
  await expect(page.getByLabel("随机种子")).toBeVisible();
  await expectNoEnglish(page);
  await expectAxeClean(page);
  const text = zhPrompt("镜头继续缓缓向前推进");
  await prompt(page).fill(text);
  await page.getByRole("button", { name: "生成" }).click();
  await expectPlayable(page, text);
});

test("a pre-submit refusal in Chinese: a 2 s clip for Kling, and nothing sent", async ({ page, baseURL }) => {
  const submits = recordSubmits(page);
  await page.goto("/");
  await chooseModel(page, "kling");
  await setVideo(page, baseURL!, SAMPLE.short);
  await prompt(page).fill("把 @Video1 变成黑白");
  await expect(page.getByText("视频时长 2.0 秒；Kling 需要 3–10 秒。").first()).toBeVisible();
  await expect(page.getByText("请先修正视频：它不符合 Kling O3 Video Edit 的限制。")).toBeVisible();
  await page.getByRole("button", { name: "生成" }).click();
  await expect(page.locator("#video_url-error")).toHaveText("视频时长 2.0 秒；Kling 需要 3–10 秒。");
  expect(submits).toHaveLength(0);
  await expectNoEnglish(page);
  await expectAxeClean(page);
});

test("the schema's messages in Chinese: an empty prompt and a broken @Image", async ({ page, baseURL }) => {
  const submits = recordSubmits(page);
  await page.goto("/");
  await chooseModel(page, "kling");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  await page.getByRole("button", { name: "生成" }).click();
  await expect(page.locator("#prompt-error")).toHaveText("请填写描述修改内容的提示词。");
  await prompt(page).fill("把 @Image2 放进 @Video1");
  await expect(page.locator("#prompt-error")).toContainText("@Image2 没有对应的素材");
  expect(submits).toHaveLength(0);
  await expectNoEnglish(page);
});

test("a failed task in Chinese: 失败, the provider's words marked as theirs, and a retry", async ({
  page,
  baseURL,
}) => {
  await page.goto("/");
  await chooseModel(page, "veoFast");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  const text = zhPrompt("[sim:fail] 服务商会拒绝的画面");
  await prompt(page).fill(text);
  await page.getByRole("button", { name: "生成" }).click();
  const card = cardFor(page, text);
  await expect(card.getByText("失败", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(card.getByText("服务商报告失败：")).toBeVisible();
  await expect(card.locator('[lang="en"]')).toContainText("content policy");
  await expectAxeClean(page);
  await prompt(page).fill("别的内容");
  await card.getByRole("button", { name: "用这些设置重试" }).click();
  await expect(prompt(page)).toHaveValue(text);
});

test("the task page in Chinese: status, players, settings, dates", async ({ page, baseURL }) => {
  await page.goto("/");
  await chooseModel(page, "veoFast");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  const text = zhPrompt("任务页面检查");
  await prompt(page).fill(text);
  await page.getByRole("button", { name: "生成" }).click();
  await cardFor(page, text).getByRole("link", { name: /打开/ }).click();
  await expect(page).toHaveURL(/\/tasks\//);
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByText("已完成", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel("结果视频")).toBeVisible();
  for (const heading of ["提示词", "设置", "时间"])
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "操作" }).getByRole("link", { name: "延长此视频" }),
  ).toBeVisible();
  // A date formatted for Chinese: 2026年12月1日
  await expect(page.getByText(/\d{4}年\d{1,2}月\d{1,2}日/).first()).toBeVisible();
  await expectNoEnglish(page);
  await expectAxeClean(page);
});

test("the Language control switches to English and back, and the choice is remembered", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("group", { name: "语言" }).getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("radiogroup", { name: "Model" })).toBeVisible();
  await expect(page.getByRole("group", { name: "Language" })).toBeVisible();
  // Remembered over the browser's own Chinese preference.
  await page.reload();
  await expect(page.getByRole("button", { name: "Generate" })).toBeVisible();
  await expectAxeClean(page);
  await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "中文" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("button", { name: "生成" })).toBeVisible();
});
