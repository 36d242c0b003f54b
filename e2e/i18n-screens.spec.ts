import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { SAMPLE } from "./helpers";
import { expectAxeClean, expectNoEnglish } from "./i18n";
import { type OwnServer, startOwnServer } from "./server";

// Issue 15: every page in Chinese and in English, at desktop (1280) and phone (390) width: axe-clean, nothing
// scrolling sideways (Chinese lines break differently), and the Chinese ones with no untranslated English word.
// The pictures go to test-results/i18n-screens/ to be looked at.
const OUT = path.join("test-results", "i18n-screens");
const LANGS = [
  ["zh", "zh-CN"],
  ["en", "en-US"],
] as const;
const WIDTHS = [
  ["desktop", { width: 1280, height: 900 }],
  ["phone", { width: 390, height: 844 }],
] as const;

let signInServer: OwnServer;
test.beforeAll(async ({}, info) => {
  // One per running worker, each on its own port: parallelIndex (0 … workers-1) is unique among the workers running
  // at once, while workerIndex grows each time a worker is replaced and ran into other specs' ports (3213 and up).
  const port = Number(process.env.E2E_I18N_AUTH_PORT ?? 3280) + info.parallelIndex;
  signInServer = await startOwnServer(port, {
    ACCESS_PASSCODE: "i18n screens passcode",
  });
});
test.afterAll(async () => {
  await signInServer.stop();
});

async function check(
  browser: Browser,
  lang: string,
  locale: string,
  width: string,
  viewport: { width: number; height: number },
) {
  const page = await browser.newPage({ locale, viewport });
  const shot = async (name: string) => {
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll, `${name} scrolls sideways`).toBeLessThanOrEqual(client);
    await expectAxeClean(page);
    if (lang === "zh") await expectNoEnglish(page);
    await page.screenshot({ path: path.join(OUT, `${name}-${lang}-${width}.png`), fullPage: true });
  };
  return { page, shot };
}

for (const [lang, locale] of LANGS)
  for (const [width, viewport] of WIDTHS)
    test(`${lang} at ${width} width: studio, a task, the task page, sign-in`, async ({
      browser,
      baseURL,
    }) => {
      const { page, shot } = await check(browser, lang, locale, width, viewport);
      await page.goto("/");
      await expect(page.locator("html")).toHaveAttribute("lang", locale === "zh-CN" ? "zh-CN" : "en");
      await shot("studio-start");

      const model = page.getByRole("radiogroup", { name: lang === "zh" ? "模型" : "Model" });
      await model.getByRole("radio", { name: /Veo 3\.1 Extend Fast/ }).check({ force: true });
      await page.getByLabel(lang === "zh" ? "视频 URL" : "Video URL").fill(`${baseURL}${SAMPLE.landscape}`);
      await expect(page.getByTestId("video-measurements")).toBeVisible();
      const prompt = `${lang === "zh" ? "镜头继续向前" : "The camera keeps going"} ${String(Date.now())}`;
      await page
        .getByRole("textbox", { name: lang === "zh" ? "提示词" : "Prompt", exact: true })
        .fill(prompt);
      await page.getByRole("button", { name: lang === "zh" ? "生成" : "Generate" }).click();
      const card = page
        .getByRole("list", { name: lang === "zh" ? "任务" : "Tasks" })
        .getByRole("article")
        .filter({ hasText: prompt });
      await expect(card.getByText(lang === "zh" ? "已完成" : "Completed", { exact: true })).toBeVisible({
        timeout: 30_000,
      });
      // The prompt is the person's own text: only ours is checked for English.
      await shot("studio-tasks");

      await card.getByRole("link", { name: lang === "zh" ? /打开/ : /Open/ }).click();
      await expect(page.getByRole("heading", { name: lang === "zh" ? "设置" : "Settings" })).toBeVisible();
      await expect(page.getByLabel(lang === "zh" ? "结果视频" : "Result video").first()).toBeVisible();
      await shot("task-page");

      await page.goto(`${signInServer.url}/sign-in`);
      await expect(page.getByRole("heading", { name: lang === "zh" ? "登录" : "Sign in" })).toBeVisible();
      await expect(page.getByRole("group", { name: lang === "zh" ? "语言" : "Language" })).toBeVisible();
      await shot("sign-in");

      await page.goto("/tasks/no-such-task");
      await expect(page.getByRole("heading", { name: lang === "zh" ? "未找到" : "Not found" })).toBeVisible();
      await shot("not-found");
      await page.close();
    });
