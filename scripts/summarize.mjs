// Sums every suite's results into the one closing line CI reads: "N passed, N failed".
// Unit and browser tests count test by test; lint, format, build and typecheck count one each.
import fs from "node:fs";

const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : undefined);
let passed = 0;
let failed = 0;
const lines = [];

// One line per step, "pass|fail NAME [SECONDS]", in the order the steps ended (scripts/check.sh runs some side by
// side); the summary lists them in a fixed order instead.
const ORDER = [
  "lint",
  "format",
  "unit",
  "routes-pg",
  "build",
  "bundle-budget",
  "typecheck",
  "e2e",
  "replicas",
];
const steps = (fs.existsSync(".check/static.txt") ? fs.readFileSync(".check/static.txt", "utf8") : "")
  .split("\n")
  .filter(Boolean)
  .map((line) => {
    const [result, name] = line.split(" ");
    return { result, name };
  })
  .sort((a, b) => (ORDER.indexOf(a.name) + 1 || 99) - (ORDER.indexOf(b.name) + 1 || 99));
const failedStep = (name) => steps.some((s) => s.name === name && s.result !== "pass");
for (const { result, name } of steps) {
  if (["unit", "routes-pg", "e2e", "replicas"].includes(name)) continue;
  if (result === "pass") passed++;
  else failed++;
  lines.push(`${name}: ${result === "pass" ? "ok" : "FAILED"}`);
}

// A Vitest suite's JSON report. A run that broke outside any test (a hook, a server that never started) still
// fails the check.
function vitestSuite(name) {
  const report = read(`.check/${name}.json`);
  if (report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    const skipped = report.numPendingTests + report.numTodoTests;
    lines.push(
      `${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`,
    );
    if (failedStep(name) && report.numFailedTests === 0) failed++;
  } else if (failedStep(name)) {
    failed++;
    lines.push(`${name}: FAILED before reporting`);
  }
}

vitestSuite("unit");
// The route suites again on PostgreSQL (ROUTE_TESTS_ON_POSTGRES=1).
vitestSuite("routes-pg");

const e2e = read(".check/e2e.json");
if (e2e) {
  const ok = e2e.stats.expected + e2e.stats.flaky;
  const bad = e2e.stats.unexpected;
  passed += ok;
  failed += bad;
  lines.push(`e2e: ${ok} passed, ${bad} failed${e2e.stats.skipped ? `, ${e2e.stats.skipped} skipped` : ""}`);
} else if (failedStep("e2e")) {
  failed++;
  lines.push("e2e: FAILED before reporting");
}

// The multi-replica system test (system/replicas.test.ts).
vitestSuite("replicas");

if (passed + failed === 0) failed = 1;
console.log(`\n${lines.join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
