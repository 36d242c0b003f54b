import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KLING_SEED_JSON, VEO_SEED_JSON } from "./seeds";

// shared/ sits beside the project (../shared from its root), on developers' machines and in CI.
const SEED_DIR = path.resolve(process.cwd(), "..", "shared", "seeds");
const SEED_PREFIXES = { kling: "000_", veo: "002_" } as const;

/** The seed page whose name starts with `prefix`, or null when shared/ or the page is missing. */
function seedFile(prefix: string): string | null {
  if (!fs.existsSync(SEED_DIR)) return null;
  const file = fs.readdirSync(SEED_DIR).find((f) => f.startsWith(prefix));
  return file ? path.join(SEED_DIR, file) : null;
}

/** The `--data '…'` body of a seed page's curl example, re-serialised compactly. */
function seedBody(file: string): string | undefined {
  const m = /--data '\s*(\{[\s\S]*?\})\s*'/.exec(fs.readFileSync(file, "utf8"));
  return m ? JSON.stringify(JSON.parse(m[1]!)) : undefined;
}

const missing = Object.entries(SEED_PREFIXES)
  .filter(([, prefix]) => seedFile(prefix) === null)
  .map(([name, prefix]) => `${name} (${prefix}…)`);
const where = `${SEED_DIR}: ${missing.join(", ")}`;

// In CI a missing seed page is a broken checkout, not a reason to stop checking the constants: fail. On a
// developer's machine without shared/ beside the project, skip, and say so where it cannot be missed.
const inCi = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";
if (missing.length > 0 && !inCi)
  console.warn(
    `[seeds] SKIPPED: the seed-page check needs FoxAPI's seed pages, missing from ${where}. CI fails here.`,
  );

describe("seed pages", () => {
  it.skipIf(missing.length > 0 && !inCi)("are present (CI must never skip the byte-for-byte check)", () => {
    expect(missing, `seed pages missing from ${where}`).toEqual([]);
  });

  it.skipIf(missing.length > 0 && !inCi).each([
    ["kling", SEED_PREFIXES.kling, KLING_SEED_JSON],
    ["veo", SEED_PREFIXES.veo, VEO_SEED_JSON],
  ])("the %s constant is its seed page's own body, byte for byte", (_name, prefix, constant) => {
    const file = seedFile(prefix);
    expect(file, `no seed page ${prefix}… in ${SEED_DIR}`).not.toBeNull();
    const body = seedBody(file!);
    expect(body, `no --data '{…}' body in ${file!}`).toBeDefined();
    expect(body).toBe(constant);
  });
});
