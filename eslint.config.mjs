import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next*/**",
    "node_modules/**",
    "data/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
    // The test services' state (scripts/services): Swift keeps deleted objects as `<timestamp>.ts` tombstones.
    ".services/**",
    ".check/**",
  ]),
  {
    // Type-aware rules: the ones that catch real bugs (floating promises, unsafe awaits), not style.
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Issue 15: every word a person reads comes from the catalogs (messages/*.json). JSX text that isn't one of
    // these symbols is an error; user-facing attributes (aria-label, title…) are checked by
    // scripts/check-i18n.mjs, which a unit test runs.
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    ignores: ["**/*.test.tsx"],
    rules: {
      "react/jsx-no-literals": [
        "error",
        {
          noStrings: false,
          ignoreProps: true,
          allowedStrings: [
            "Retake",
            "·",
            "→",
            "←",
            "✕",
            "+",
            "%",
            "/",
            "—",
            "↑",
            "▾",
            "⚠",
            "×",
            "p",
            "s",
            ":",
            "(",
            ")",
          ],
        },
      ],
    },
  },
  {
    // The studio's first-load budget: `next/link` rides along with every page (the root not-found page renders
    // links), for prefetching our per-request pages can't use. components/ui/app-link.tsx navigates the same way.
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "next/link", message: "Use AppLink from @/components/ui/app-link (the bundle budget)." },
          ],
        },
      ],
    },
  },
]);
