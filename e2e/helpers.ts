import { expect, type Page, type Request } from "@playwright/test";

export const SAMPLE = {
  landscape: "/samples/landscape-16x9.mp4",
  portrait: "/samples/portrait-9x16.mp4",
  short: "/samples/too-short-2s.mp4",
  small: "/samples/small-640x480.mp4",
  image1: "/samples/palette-square.png",
  image2: "/samples/subject-portrait.jpg",
  image3: "/samples/texture-landscape.jpg",
};

export const MODEL_NAMES = {
  kling: "Kling O3 Video Edit",
  veo: "Veo 3.1 Extend",
  veoFast: "Veo 3.1 Extend Fast",
} as const;

/** Every POST /api/generations the page sends, to prove a blocked submit sent nothing. */
export function recordSubmits(page: Page): Request[] {
  const submits: Request[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/generations") submits.push(r);
  });
  return submits;
}

export async function chooseModel(page: Page, name: keyof typeof MODEL_NAMES) {
  // The radios are visually hidden inside their cards: click the card's label.
  const radio = page
    .getByRole("radiogroup", { name: "Model" })
    .getByRole("radio", { name: MODEL_NAMES[name], exact: false });
  const target = name === "veo" ? page.getByRole("radio", { name: /^Veo 3\.1 Extend(?! Fast)/ }) : radio;
  await target.check({ force: true });
  await expect(target).toBeChecked();
}

/** Fills the video URL and waits until the preview has measured the clip. */
export async function setVideo(page: Page, baseURL: string, samplePath: string) {
  await page.getByLabel("Video URL").fill(`${baseURL}${samplePath}`);
  await expect(page.getByTestId("video-measurements")).toBeVisible();
}

export function uniquePrompt(label: string) {
  return `${label} ${Math.random().toString(36).slice(2, 8)}`;
}

/** The task card whose prompt contains `text`. */
export function cardFor(page: Page, text: string) {
  return page.getByRole("list", { name: "Tasks" }).getByRole("article").filter({ hasText: text });
}

/** Waits for a card to complete and checks that its result video actually plays in the browser. */
export async function expectPlayableResult(page: Page, text: string) {
  const card = cardFor(page, text);
  await expect(card.getByText("Completed", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(card.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  const video = card.getByLabel("Result video");
  await expect(video).toBeVisible();
  await expect
    .poll(async () => video.evaluate((v: HTMLVideoElement) => (v.readyState >= 1 ? v.duration : 0)), {
      timeout: 15_000,
    })
    .toBeGreaterThan(1);
  await expect(card.getByRole("link", { name: "Download" })).toHaveAttribute(
    "href",
    /\/api\/generations\/.+\/video\?download=1/,
  );
  return card;
}

/** A full-page screenshot at desktop (1280) and phone (390) widths, as `<dir>/<name>-desktop|phone.png`. */
export async function shootWidths(page: Page, dir: string, name: string) {
  for (const [label, width] of [
    ["desktop", 1280],
    ["phone", 390],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `test-results/${dir}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
