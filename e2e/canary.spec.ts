import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { SUBMIT_PATH, TASK_PATH, foxError, foxTask, startFakeFoxApi } from "../lib/testing/fake-foxapi";
import { startOwnServer } from "./server";

// The key must never reach a browser: not in the client build, not in any page, route response or header.
const CANARY = process.env.CANARY_KEY ?? "retake-canary-key-7c1e0b";

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

test("the client build has no trace of the key it was built with", () => {
  const files = filesUnder(path.join(".next-e2e", "static"));
  expect(files.length).toBeGreaterThan(5);
  const hits = files.filter((f) => fs.readFileSync(f).includes(CANARY));
  expect(hits).toEqual([]);
});

test("no page, route or header of a server holding the key ever shows it", async ({ page }) => {
  test.setTimeout(90_000);
  const fake = await startFakeFoxApi();
  // Media links the pre-submit check can read, and upstream answers that try to echo the key back.
  fake.on("HEAD", "/in.mp4", {
    status: 200,
    headers: { "Content-Type": "video/mp4", "Content-Length": "1000" },
  });
  fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-canary-1", status: "pending" }) });
  let reads = 0;
  fake.on("GET", TASK_PATH, (req) =>
    req.pathname.endsWith("task-canary-2")
      ? foxError(401, "authentication_error", `Invalid API key: ${CANARY}`, `bad_key_${CANARY}`)
      : ++reads < 2
        ? { json: foxTask({ id: "task-canary-1", status: "processing", progress: 40 }) }
        : {
            json: foxTask({
              id: "task-canary-1",
              status: "failed",
              error: { code: "x", message: `policy ${CANARY}` },
            }),
          },
  );
  const server = await startOwnServer(Number(process.env.E2E_CANARY_PORT ?? 3213), {
    FOXAPI_API_KEY: CANARY,
    FOXAPI_BASE_URL: fake.url,
    ACCESS_PASSCODE: "",
  });
  const seen: string[] = [];
  const check = (what: string, text: string) => {
    seen.push(what);
    expect(text.includes(CANARY), `${what} leaks the key`).toBe(false);
  };
  const checkResponse = async (what: string, res: Response) => {
    check(`${what} headers`, JSON.stringify([...res.headers.entries()]));
    check(`${what} body`, await res.text());
  };
  try {
    const post = (body: unknown) =>
      fetch(`${server.url}/api/generations`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: server.url },
        body: JSON.stringify(body),
      });
    const good = { model: "veo-3.1-extend", prompt: "Canary", video_url: `${fake.url}/in.mp4` };
    await checkResponse("POST valid", await post(good));
    fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-canary-2", status: "pending" }) });
    await checkResponse("POST second", await post({ ...good, prompt: "Canary two" }));
    fake.on("POST", SUBMIT_PATH, foxError(422, "invalid_request_error", `bad field, key ${CANARY}`));
    await checkResponse("POST upstream 422", await post({ ...good, prompt: "Canary three" }));
    await checkResponse("POST invalid", await post({ model: "nope" }));
    for (const route of [
      "/api/generations",
      "/api/generations/task-canary-1",
      "/api/generations/task-canary-1",
      "/api/generations/task-canary-2",
      "/api/generations/task-canary-1/lineage",
      "/api/generations/task-canary-1/video",
      "/api/generations/missing",
      "/api/session",
      "/api/simulator/files/result-16x9.mp4",
      "/",
      "/tasks/task-canary-1",
      "/tasks/task-canary-2",
      "/sign-in",
      "/no-such-page",
    ]) {
      await checkResponse(route, await fetch(`${server.url}${route}`, { redirect: "manual" }));
    }

    // The live event stream: resumed from the start, it replays every task's state (the failed one's message
    // included). It never ends, so what it sends in its first 1.5 s is what is checked.
    const events = await fetch(`${server.url}/api/generations/events`, { headers: { "Last-Event-ID": "0" } });
    check("events headers", JSON.stringify([...events.headers.entries()]));
    const reader = events.body!.getReader();
    const decoder = new TextDecoder();
    let streamed = "";
    const until = Date.now() + 1_500;
    for (;;) {
      const left = until - Date.now();
      if (left <= 0) break;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), left)),
      ]);
      if (!chunk || chunk.done) break;
      streamed += decoder.decode(chunk.value, { stream: true });
    }
    await reader.cancel();
    check("events body", streamed);
    expect(streamed).toContain("event: task");

    // And everything a browser loads while using the studio and a task page.
    const bodies: Promise<void>[] = [];
    page.on("response", (res) => {
      check(`browser ${res.url()} headers`, JSON.stringify(res.headers()));
      // Media bodies stream for as long as a player wants them, and the live event stream never ends (it is read
      // below, for a bounded time); everything else is read whole.
      const type = res.headers()["content-type"] ?? "";
      if (type.startsWith("video/") || type.startsWith("text/event-stream")) return;
      bodies.push(
        res
          .body()
          .then((b) => check(`browser ${res.url()}`, b.toString("latin1")))
          .catch(() => undefined),
      );
    });
    await page.goto(`${server.url}/`);
    await expect(page.getByRole("heading", { name: "Tasks" })).toBeVisible();
    await page.goto(`${server.url}/tasks/task-canary-1`);
    await expect(page.getByRole("article").first()).toBeVisible();
    await Promise.all(bodies);
    expect(seen.length).toBeGreaterThan(30);
    // The key did reach the upstream, which is the one place it belongs.
    expect(fake.requests.some((r) => r.headers.authorization === `Bearer ${CANARY}`)).toBe(true);
  } finally {
    await server.stop();
    await fake.close();
  }
});
