// The translation catalogs' own check (issue 15), run by lib/i18n/catalogs.test.ts so CI runs it:
//   1. messages/en.json and messages/zh-CN.json have exactly the same keys;
//   2. every message parses as ICU, and both languages use the same arguments ({model}, {n}…);
//   3. every key is used somewhere in the code (a literal "ns.key", or under a `ns.prefix.${…}` template), and
//      every key the code names exists;
//   4. no user-facing attribute (aria-label, title, placeholder, alt, label) is a plain English string in a
//      component: JSX text is linted by react/jsx-no-literals (eslint.config.mjs), attributes are checked here.
//
//   node scripts/check-i18n.mjs        prints the problems and exits 1 when there are any.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TYPE, parse } from "@formatjs/icu-messageformat-parser";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const LOCALES = ["en", "zh-CN"];
const SOURCE_DIRS = ["app", "components", "lib"];

function flatten(obj, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object") flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

function argumentsOf(elements, out = new Set()) {
  for (const el of elements) {
    if (
      el.type === TYPE.argument ||
      el.type === TYPE.number ||
      el.type === TYPE.date ||
      el.type === TYPE.time
    )
      out.add(el.value);
    if (el.type === TYPE.select || el.type === TYPE.plural) {
      out.add(el.value);
      for (const option of Object.values(el.options)) argumentsOf(option.value, out);
    }
    if (el.type === TYPE.tag) {
      out.add(`<${el.value}>`);
      argumentsOf(el.children, out);
    }
  }
  return out;
}

function sourceFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(p);
  }
  return out;
}

export function checkCatalogs(root = ROOT) {
  const problems = [];
  const catalogs = Object.fromEntries(
    LOCALES.map((l) => [
      l,
      flatten(JSON.parse(fs.readFileSync(path.join(root, "messages", `${l}.json`), "utf8"))),
    ]),
  );
  const [base, ...others] = LOCALES;
  for (const other of others) {
    for (const key of catalogs[base].keys())
      if (!catalogs[other].has(key)) problems.push(`${other}.json lacks ${key}`);
    for (const key of catalogs[other].keys())
      if (!catalogs[base].has(key)) problems.push(`${other}.json has ${key}, which ${base}.json lacks`);
  }
  const args = {};
  for (const locale of LOCALES)
    for (const [key, message] of catalogs[locale]) {
      if (typeof message !== "string") {
        problems.push(`${locale}.json: ${key} is not a string`);
        continue;
      }
      try {
        const found = [...argumentsOf(parse(message))].sort().join(",");
        if (locale === base) args[key] = found;
        else if (key in args && args[key] !== found)
          problems.push(`${locale}.json: ${key} uses {${found}}, ${base}.json uses {${args[key]}}`);
      } catch (err) {
        problems.push(`${locale}.json: ${key} is not valid ICU: ${err.message}`);
      }
    }

  const namespaces = new Set([...catalogs[base].keys()].map((k) => k.split(".")[0]));
  const literals = new Set();
  const prefixes = new Set();
  const files = SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(root, d))).filter(
    (f) => !f.includes(`${path.sep}testing${path.sep}`),
  );
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/["'`]([a-zA-Z][\w-]*(?:\.[\w-]+)+)["'`]/g))
      if (namespaces.has(m[1].split(".")[0])) literals.add(m[1]);
    for (const m of text.matchAll(/`([a-zA-Z][\w-]*(?:\.[\w-]+)*\.)\$\{/g))
      if (namespaces.has(m[1].split(".")[0])) prefixes.add(m[1]);
    if (
      (file.endsWith(".tsx") && file.includes(`${path.sep}components${path.sep}`)) ||
      /app.*\.tsx$/.test(file)
    ) {
      const rel = path.relative(root, file);
      for (const m of text.matchAll(/\s(aria-label|title|placeholder|alt|label|emptyLabel)="([^"]*)"/g))
        if (/[A-Za-z]{2}/.test(m[2]))
          problems.push(`${rel}: ${m[1]}="${m[2]}" is user-facing text outside the catalogs`);
    }
  }
  for (const key of catalogs[base].keys())
    if (!literals.has(key) && ![...prefixes].some((p) => key.startsWith(p)))
      problems.push(`${key} is in the catalogs but no code uses it`);
  for (const key of literals)
    if (!catalogs[base].has(key) && ![...catalogs[base].keys()].some((k) => k.startsWith(`${key}.`)))
      problems.push(`the code names ${key}, which the catalogs lack`);
  return { problems, keys: catalogs[base].size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { problems, keys } = checkCatalogs();
  for (const p of problems) console.error(p);
  console.log(`${String(keys)} keys in ${LOCALES.join(", ")}; ${String(problems.length)} problems`);
  process.exit(problems.length > 0 ? 1 : 0);
}
