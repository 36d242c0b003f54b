// Fails when package-lock.json is out of step with package.json: the lockfile's root entry must list exactly the
// dependencies package.json declares (npm install rewrites it; a hand edit of package.json leaves it behind), and
// every declared package must be locked. `npm ci --dry-run` does not check this, so CI runs this script.
import fs from "node:fs";

const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const root = lock.packages?.[""] ?? {};
const problems = [];
for (const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]) {
  const want = pkg[field] ?? {};
  const have = root[field] ?? {};
  for (const [name, range] of Object.entries(want)) {
    if (have[name] !== range)
      problems.push(`${field}.${name}: package.json has ${range}, lockfile ${have[name] ?? "nothing"}`);
    if (!lock.packages?.[`node_modules/${name}`]) problems.push(`${name} is not in the lockfile`);
  }
  for (const name of Object.keys(have))
    if (!(name in want)) problems.push(`${field}.${name}: in the lockfile only`);
}
if (problems.length > 0) {
  console.error(
    "package-lock.json is out of step with package.json; run `npm install` and commit the lockfile:",
  );
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
