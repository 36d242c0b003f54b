import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script, checked by running it
import { checkCatalogs } from "../../scripts/check-i18n.mjs";

type Check = (root?: string) => { problems: string[]; keys: number };
const check = checkCatalogs as Check;

function fixture(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "retake-i18n-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  for (const dir of ["app", "lib"]) fs.mkdirSync(path.join(root, dir), { recursive: true });
  return root;
}

describe("the translation catalogs", () => {
  it("have the same keys in English and Chinese, every key used, every named key present", () => {
    const { problems, keys } = check();
    expect(problems).toEqual([]);
    expect(keys).toBeGreaterThan(300);
  });

  it("the check fails on a missing key, an unused one, a changed argument, bad ICU and a literal label", () => {
    const root = fixture({
      "messages/en.json": JSON.stringify({
        a: { used: "Hi {name}", unused: "Never said", onlyEn: "x", bad: "ok" },
      }),
      "messages/zh-CN.json": JSON.stringify({ a: { used: "你好 {who}", unused: "从不", bad: "{oops" } }),
      "components/x.tsx":
        'export const X = () => <p aria-label="Untranslated words">{t("a.used")}{t("a.onlyEn")}{t("a.bad")}{t("a.gone")}</p>;\n',
    });
    const { problems } = check(root);
    expect(problems).toEqual(
      expect.arrayContaining([
        "zh-CN.json lacks a.onlyEn",
        "zh-CN.json: a.used uses {who}, en.json uses {name}",
        expect.stringMatching(/^zh-CN\.json: a\.bad is not valid ICU/),
        "a.unused is in the catalogs but no code uses it",
        "the code names a.gone, which the catalogs lack",
        'components/x.tsx: aria-label="Untranslated words" is user-facing text outside the catalogs',
      ]),
    );
  });
});
