import { expect, test, type Page } from "@playwright/test";
import { SAMPLE, uniquePrompt } from "./helpers";

/*
 * Live results (issue 16): the server follows the task and pushes its changes to every open page over one event
 * stream per page. Two pages watching the same task both show the result without a single status poll.
 */

/** Counts the page's status polls (`GET /api/generations/{id}`) and its event streams. */
function watch(page: Page) {
  const polls: string[] = [];
  const streams: string[] = [];
  page.on("request", (r) => {
    const { pathname } = new URL(r.url());
    if (r.method() !== "GET") return;
    if (pathname === "/api/generations/events") streams.push(pathname);
    else if (/^\/api\/generations\/[^/]+$/.test(pathname)) polls.push(pathname);
  });
  return { polls, streams };
}

test("two pages watching one task both show its result with zero status polls", async ({
  browser,
  baseURL,
  request,
}) => {
  const prompt = uniquePrompt("Live result");
  const created = await request.post("/api/generations", {
    data: { model: "veo-3.1-extend", prompt, video_url: `${baseURL!}${SAMPLE.landscape}` },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  const contexts = [await browser.newContext(), await browser.newContext()];
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  const seen = pages.map(watch);
  // One page on the task list, one on the task's own page: both kinds of view follow the stream.
  await pages[0]!.goto("/");
  await pages[1]!.goto(`/tasks/${encodeURIComponent(id)}`);

  const listCard = pages[0]!
    .getByRole("list", { name: "Tasks" })
    .getByRole("article")
    .filter({ hasText: prompt });
  await expect(listCard.getByText("Completed", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(listCard.getByLabel("Result video")).toBeVisible();
  await expect(pages[1]!.getByText("Completed", { exact: true }).first()).toBeVisible({ timeout: 60_000 });
  await expect(pages[1]!.getByLabel("Result video").first()).toBeVisible();

  expect(seen[0]!.streams.length).toBeGreaterThanOrEqual(1);
  expect(seen[1]!.streams.length).toBeGreaterThanOrEqual(1);
  expect(seen[0]!.polls).toEqual([]);
  expect(seen[1]!.polls).toEqual([]);
  for (const c of contexts) await c.close();
});

test("the event stream reaches the browser unbuffered and uncompressed through the production server", async ({
  baseURL,
}) => {
  // Only the headers: the body never ends, so read them from a request cut after the first bytes.
  const res = await fetch(new URL("/api/generations/events", baseURL), {
    headers: { "accept-encoding": "gzip, deflate, br" },
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  expect(res.headers.get("content-encoding")).toBeNull();
  expect(res.headers.get("cache-control")).toContain("no-store");
  expect(res.headers.get("x-accel-buffering")).toBe("no");
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain("event: ping");
  await reader.cancel();
});
