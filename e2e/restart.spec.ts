import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { SAMPLE } from "./helpers";
import { startOwnServer } from "./server";

test("a task survives a server restart mid-task and is followed to completion", async ({ page }) => {
  test.setTimeout(90_000);
  const server = await startOwnServer(Number(process.env.E2E_RESTART_PORT ?? 3211), {
    SIMULATOR_DURATION_MS: "8000",
  });
  try {
    const res = await fetch(`${server.url}/api/generations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url },
      body: JSON.stringify({
        model: "veo-3.1-extend",
        prompt: "Keeps going across a restart",
        video_url: `${server.url}${SAMPLE.landscape}`,
      }),
    });
    expect(res.status).toBe(201);
    const task = (await res.json()) as { id: string; status: string };
    expect(["pending", "processing"]).toContain(task.status);

    // Kill the server hard while the task is still running, then start a new one on the same data.
    await server.restart();

    await page.goto(`${server.url}/tasks/${task.id}`);
    await expect(page.getByText("Keeps going across a restart")).toBeVisible();
    await expect(page.getByText("Completed", { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText("Saved on this server")).toBeVisible({ timeout: 15_000 });
    const file = path.join(server.dataDir, "results", `${task.id}.mp4`);
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  } finally {
    await server.stop();
  }
});
