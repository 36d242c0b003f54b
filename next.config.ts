import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time rather than bundling it.
  serverExternalPackages: ["better-sqlite3"],
  poweredByHeader: false,
  // Types are checked once, by `npm run typecheck` (a step of scripts/check.sh), over the whole project including
  // tests; the build skips its own second pass over the same files.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  // A distinct build folder lets the test suite build next to a running dev server without clobbering it.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

// The catalogs (messages/*.json) are compiled at build time, so the browser gets no ICU message parser: the
// studio's first load stays within its budget.
const withNextIntl = createNextIntlPlugin({
  requestConfig: "./lib/i18n/request.ts",
  experimental: {
    messages: { path: "./messages", format: "json", locales: ["en", "zh-CN"], precompile: true },
  },
});

export default withNextIntl(nextConfig);
