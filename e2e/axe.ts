import path from "node:path";
import { expect, type Page } from "@playwright/test";

// The suite runs from the project's root (playwright.config.ts).
const AXE = path.join(process.cwd(), "node_modules", "axe-core", "axe.min.js");

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page, or on one part of it (`include`, a selector), and fails
 * with the rules broken and where, naming `what` was checked. Injected from the local package: no network.
 */
export async function expectNoAxeViolations(page: Page, what = "the page", include?: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<AxeResults> } }).axe;
    type AxeResults = {
      violations: { id: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
    };
    const result = await axe.run(selector ? { include: [selector] } : document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`).join(", ")})`,
    );
  }, include ?? null);
  expect(violations, `axe violations on ${what}`).toEqual([]);
}
