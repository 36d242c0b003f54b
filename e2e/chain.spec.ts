import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { SAMPLE, cardFor, chooseModel, expectPlayableResult, setVideo, uniquePrompt } from "./helpers";

test("edit a sample, extend the result from its page, and see the chain of two", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await chooseModel(page, "kling");
  await setVideo(page, baseURL!, SAMPLE.landscape);
  const editPrompt = uniquePrompt("Golden hour over @Video1");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(editPrompt);
  await page.getByRole("button", { name: "Generate" }).click();
  await expectPlayableResult(page, editPrompt);
  await cardFor(page, editPrompt).getByRole("link", { name: /Open/ }).click();
  await expect(page).toHaveURL(/\/tasks\//);
  const editUrl = page.url();

  // Before and after play together, with one control. Both clips are first slowed to a sixteenth of their speed
  // (Chromium's slowest), so the 5 s clips last 80 s: every step below waits for a state, and none of those
  // states can vanish because a clip ended first on a busy machine.
  const source = page.getByLabel("Source video");
  const result = page.getByLabel("Result video");
  const players = [source, result];
  for (const video of players) {
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
    await video.evaluate((v: HTMLVideoElement) => {
      v.defaultPlaybackRate = 0.0625;
      v.playbackRate = 0.0625;
    });
  }
  const playback = () =>
    Promise.all(
      players.map((video) =>
        video.evaluate((v: HTMLVideoElement) => ({ paused: v.paused, ended: v.ended, time: v.currentTime })),
      ),
    );
  await page.getByRole("button", { name: "Play both" }).click();
  await expect(page.getByRole("button", { name: "Pause both" })).toBeVisible();
  // Both playing, both moving, neither at its end.
  await expect
    .poll(async () => (await playback()).map((p) => !p.paused && !p.ended && p.time > 0.05))
    .toEqual([true, true]);
  // Only the chosen side plays its sound.
  const muted = () => Promise.all(players.map((video) => video.evaluate((v: HTMLVideoElement) => v.muted)));
  await expect.poll(muted).toEqual([true, false]);
  await page.getByRole("radio", { name: "Before", exact: true }).check({ force: true });
  await expect.poll(muted).toEqual([false, true]);
  await page.getByRole("button", { name: "Pause both" }).click();
  await expect(page.getByRole("button", { name: "Play both" })).toBeVisible();
  await expect.poll(async () => (await playback()).map((p) => p.paused && !p.ended)).toEqual([true, true]);

  await page.getByRole("link", { name: "Extend this" }).click();
  await expect(page.getByRole("radio", { name: /^Veo 3\.1 Extend(?! Fast)/ })).toBeChecked();
  await expect(page.getByLabel("Video URL")).toHaveValue(/\/api\/generations\/.+\/video$/);
  await expect(page.getByTestId("video-measurements")).toBeVisible();
  const extendPrompt = uniquePrompt("The camera keeps rising");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(extendPrompt);
  await page.getByRole("button", { name: "Generate" }).click();
  await expectPlayableResult(page, extendPrompt);
  await cardFor(page, extendPrompt).getByRole("link", { name: /Open/ }).click();

  const chain = page.getByRole("list", { name: "Chain" });
  await expect(chain.getByRole("link")).toHaveCount(1);
  await expect(chain.getByText("Extension (this task)")).toBeVisible();
  await expect(page.getByTestId("chain-length")).toHaveText(
    "1 extension × 7 s on a 5.0 s source: 12.0 s in all.",
  );
  await chain.getByRole("link").first().click();
  await expect(page).toHaveURL(editUrl);
  await expect(
    page.getByRole("list", { name: "Chain" }).getByRole("link", { name: /Next: extension/ }),
  ).toBeVisible();
});

test("the downloaded result has a readable name and is a valid MP4", async ({ page, baseURL }) => {
  await page.goto("/");
  await chooseModel(page, "veoFast");
  await setVideo(page, baseURL!, SAMPLE.portrait);
  const prompt = uniquePrompt("Sunset drift for download");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
  const card = await expectPlayableResult(page, prompt);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    card.getByRole("link", { name: "Download" }).click(),
  ]);
  const today = new Date().toISOString().slice(0, 10);
  expect(download.suggestedFilename()).toBe(
    `veo-3.1-extend-fast_sunset-drift-for-download-${prompt.split(" ").at(-1)!}_${today}.mp4`,
  );
  const file = test.info().outputPath("result.mp4");
  await download.saveAs(file);
  const probe = JSON.parse(
    execFileSync("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "format=format_name,duration:stream=codec_type,width,height",
      "-of",
      "json",
      file,
    ]).toString(),
  ) as {
    format: { format_name: string; duration: string };
    streams: { codec_type: string; width?: number; height?: number }[];
  };
  expect(probe.format.format_name).toContain("mp4");
  expect(Number(probe.format.duration)).toBeGreaterThan(1);
  expect(probe.streams.find((s) => s.codec_type === "video")).toMatchObject({ width: 720, height: 1280 });
});
