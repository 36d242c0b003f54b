import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { SAMPLE } from "./helpers";

// A server of its own (same production build, own data directory), so it can be stopped mid-task.
const PORT = Number(process.env.E2E_RESTART_PORT ?? 3211);
const BASE = `http://127.0.0.1:${String(PORT)}`;

function startServer(dataDir: string): ChildProcess {
  const child = spawn("npx", ["next", "start", "-p", String(PORT), "-H", "127.0.0.1"], {
    env: {
      ...process.env,
      NEXT_DIST_DIR: ".next-e2e",
      NEXT_TELEMETRY_DISABLED: "1",
      DATA_DIR: dataDir,
      FOXAPI_API_KEY: "",
      SIMULATOR_DURATION_MS: "8000",
      STATUS_MIN_INTERVAL_MS: "500",
    },
    detached: true,
    stdio: "ignore",
  });
  return child;
}

async function waitUp() {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`${BASE}/api/generations?limit=1`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not start");
}

async function stop(child: ChildProcess) {
  if (child.pid) process.kill(-child.pid, "SIGKILL");
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`${BASE}/api/generations?limit=1`);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("a task survives a server restart mid-task and is followed to completion", async ({ page }) => {
  test.setTimeout(90_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-restart-"));
  let server = startServer(dataDir);
  try {
    await waitUp();
    const res = await fetch(`${BASE}/api/generations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: BASE },
      body: JSON.stringify({
        model: "veo-3.1-extend",
        prompt: "Keeps going across a restart",
        video_url: `${BASE}${SAMPLE.landscape}`,
      }),
    });
    expect(res.status).toBe(201);
    const task = (await res.json()) as { id: string; status: string };
    expect(["pending", "processing"]).toContain(task.status);

    // Kill the server hard while the task is still running, then start a new one on the same data.
    await stop(server);
    server = startServer(dataDir);
    await waitUp();

    await page.goto(`${BASE}/tasks/${task.id}`);
    await expect(page.getByText("Keeps going across a restart")).toBeVisible();
    await expect(page.getByText("Completed", { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText("Saved on this server")).toBeVisible({ timeout: 15_000 });
    const file = path.join(dataDir, "results", `${task.id}.mp4`);
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  } finally {
    await stop(server);
  }
});
