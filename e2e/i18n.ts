import path from "node:path";
import { expect, type Page } from "@playwright/test";

const AXE = path.join(process.cwd(), "node_modules", "axe-core", "axe.min.js");

/** axe-core on the page as it is now: no violations at all. */
export async function expectAxeClean(page: Page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown[] }> } })
      .axe;
    const result = await axe.run(document);
    return (result.violations as { id: string; nodes: { target: string[] }[] }[]).map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
  });
  expect(violations).toEqual([]);
}

/**
 * Words that read the same in Chinese: the product's and models' names, file formats, units, protocols. A task id
 * or a token with a digit (@Video1, 720p, O3) is not a word.
 */
const ALLOWED = new Set(
  [
    "Retake",
    // Chinese writes AI as AI (用 AI 编辑视频).
    "AI",
    // Time zones and currencies read the same in Chinese (今天（UTC）).
    "UTC",
    "Kling",
    "Video",
    "Edit",
    "Veo",
    "Extend",
    "Fast",
    "FoxAPI",
    "URL",
    "MP4",
    "MOV",
    "JPEG",
    "PNG",
    "WebP",
    "GIF",
    "H",
    "MB",
    "KB",
    "B",
    "fps",
    "px",
    "HTTP",
    "ID",
    "ACCESS_PASSCODE",
    "AAC",
    "HEVC",
  ].map((w) => w.toLowerCase()),
);

/**
 * The ASCII words on a page that aren't names, formats or units: on a Chinese page, each is an English word
 * nobody translated. Text marked `lang="en"` (a provider's own message, the English button of the Language
 * control), code (task ids) and the person's own words (`translate="no"`: prompts; inputs) are not ours.
 */
export async function untranslatedWords(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('[lang="en"], [translate="no"], code, script, style, noscript, textarea'))
        continue;
      const style = getComputedStyle(el);
      if (style.display === "none" || style.visibility === "hidden") continue;
      if (n.textContent?.trim()) out.push(n.textContent);
    }
    // Accessible names and hints a screen reader says, less the person's own words they quote (a task's name
    // starts with its prompt).
    const theirs = [...document.querySelectorAll('[translate="no"]')].map((e) => e.textContent ?? "");
    const ours = (v: string) =>
      theirs.reduce((acc, text) => {
        const quoted = text.slice(0, 60);
        return quoted ? acc.split(quoted).join(" ") : acc;
      }, v);
    for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], img[alt]")) {
      if (el.closest('[lang="en"], [translate="no"]')) continue;
      for (const attr of ["aria-label", "title", "placeholder", "alt"]) {
        const v = el.getAttribute(attr);
        if (v) out.push(ours(v));
      }
    }
    out.push(document.title);
    return out;
  });
  const words = texts.flatMap((t) =>
    t
      .split(/\s+/)
      .filter((token) => !/\d|@|_|\/|-/.test(token) || /^[A-Za-z]+$/.test(token))
      .flatMap((token) => token.match(/[A-Za-z]+/g) ?? []),
  );
  return [...new Set(words.filter((w) => !ALLOWED.has(w.toLowerCase())))];
}

export async function expectNoEnglish(page: Page) {
  expect(await untranslatedWords(page)).toEqual([]);
}
