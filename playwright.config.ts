import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./scripts/chromium.mjs";

// Browser tests run Debian's Chromium (no browser downloads here) against a production build in simulator mode.
const PORT = Number(process.env.E2E_PORT ?? 3210);
const BASE_URL = `http://127.0.0.1:${String(PORT)}`;
// A fresh data directory per run, so every run starts with an empty task list.
const DATA_DIR = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `retake-e2e-${String(process.pid)}`);
process.env.E2E_DATA_DIR = DATA_DIR;
// Built into the app's environment at build time, then searched for in everything a browser can fetch.
const CANARY_KEY = (process.env.CANARY_KEY ??= "retake-canary-key-7c1e0b");

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  // Generous: a loaded machine (CI runs the unit tests beside this suite) can take 20 s to load a page; every
  // test waits for states, so a long limit only matters when something is really stuck.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: ".check/e2e.json" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions,
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    // E2E_SKIP_BUILD=1 reuses a build made by an earlier step (the check script builds once for everything).
    // `npm start` is the README's start command (server.mjs): the suite tests the server people run.
    command: `${process.env.E2E_SKIP_BUILD ? "" : `FOXAPI_API_KEY=${CANARY_KEY} npx next build && `}npm start`,
    url: `${BASE_URL}/api/generations?limit=1`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      HOST: "127.0.0.1",
      PORT: String(PORT),
      // E2E_DIST_DIR: another build folder, for a checkout that builds and tests beside others.
      NEXT_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e",
      NEXT_TELEMETRY_DISABLED: "1",
      DATA_DIR,
      FOXAPI_API_KEY: "",
      SIMULATOR_DURATION_MS: "4000",
      STATUS_MIN_INTERVAL_MS: "500",
    },
  },
});
