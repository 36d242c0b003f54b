// Imports a small TypeScript module whose only imports are types (e.g. lib/tasks/polling.ts), so a benchmark
// runs the app's real code instead of a copy that could drift. Node 20 can't strip types itself; the
// TypeScript compiler (a dev dependency) transpiles it into a temporary .mjs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

export async function importTs(file) {
  const source = fs.readFileSync(file, "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
    fileName: file,
  });
  if (/^\s*import\s+(?!type\b)[^;]*from/m.test(outputText))
    throw new Error(`${file} has runtime imports; importTs only handles self-contained modules`);
  const out = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), "retake-bench-ts-")),
    `${path.basename(file)}.mjs`,
  );
  fs.writeFileSync(out, outputText);
  return import(pathToFileURL(out).href);
}
