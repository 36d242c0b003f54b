import { beforeEach, describe, expect, it } from "vitest";
import { fieldErrors, generationRequestSchema } from "../models";
import { KLING_SEED_JSON, VEO_SEED_JSON } from "../testing/seeds";
import { SIMULATOR_BASE_URL, SIMULATOR_FILES_PATH, createSimulatorFetch, simulatorLinkValid } from ".";

const DURATION = 10_000;
const T0 = 1_700_000_000_000;
let clock: number;
const sim = () =>
  createSimulatorFetch({ durationMs: DURATION, linkTtlSeconds: 3600, now: () => clock, random: () => 0.42 });

beforeEach(() => {
  clock = T0;
});

const AUTH = { Authorization: "Bearer sim-key", "Content-Type": "application/json" };

async function submit(
  fetcher: ReturnType<typeof sim>,
  body: unknown,
  headers: Record<string, string> = AUTH,
) {
  const res = await fetcher(`${SIMULATOR_BASE_URL}/v1/videos/generations`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { res, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function poll(fetcher: ReturnType<typeof sim>, id: string, headers: Record<string, string> = AUTH) {
  const res = await fetcher(`${SIMULATOR_BASE_URL}/v1/tasks/${encodeURIComponent(id)}?sync_upstream=true`, {
    method: "GET",
    headers,
  });
  return { res, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const veo = (over: Record<string, unknown> = {}) => ({ ...(JSON.parse(VEO_SEED_JSON) as object), ...over });

describe("simulator: authentication and routing", () => {
  it.each([
    ["no Authorization header", { "Content-Type": "application/json" }],
    ["an empty bearer", { Authorization: "Bearer ", "Content-Type": "application/json" }],
    ["a non-bearer scheme", { Authorization: "Basic abc", "Content-Type": "application/json" }],
  ])("401 with %s", async (_name, headers) => {
    const { res, json } = await submit(sim(), veo(), headers);
    expect(res.status).toBe(401);
    expect(json.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
    const polled = await poll(sim(), "sim-x", headers);
    expect(polled.res.status).toBe(401);
  });

  it("404 for an unknown route", async () => {
    const res = await sim()(`${SIMULATOR_BASE_URL}/v1/nothing`, { method: "GET", headers: AUTH });
    expect(res.status).toBe(404);
  });

  it("400 for a body that is not JSON or not declared as JSON", async () => {
    expect((await submit(sim(), "{not json")).res.status).toBe(400);
    expect(
      (await submit(sim(), veo(), { Authorization: "Bearer k", "Content-Type": "text/plain" })).res.status,
    ).toBe(400);
  });
});

describe("simulator: validation mirrors the model registry", () => {
  it.each([
    ["safety_tolerance 7", veo({ safety_tolerance: 7 })],
    ["seed -1", veo({ seed: -1 })],
    ["empty prompt", veo({ prompt: "" })],
    ["ftp video", veo({ video_url: "ftp://example.com/a.mp4" })],
    ["unknown model", veo({ model: "sora-2" })],
    [
      "4 images + the seed's element",
      {
        ...(JSON.parse(KLING_SEED_JSON) as object),
        image_urls: Array.from({ length: 4 }, (_, i) => `https://e.com/${String(i)}.jpg`),
      },
    ],
  ])("422 for %s, with the registry's own message", async (_name, body) => {
    const parsed = generationRequestSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    const [field, message] = Object.entries(fieldErrors(parsed.error!))[0]!;
    const { res, json } = await submit(sim(), body);
    expect(res.status).toBe(422);
    expect(json.error).toEqual({
      message: `${field}: ${message}`,
      type: "invalid_request_error",
      code: "invalid_parameters",
    });
  });
});

describe("simulator: prompt markers", () => {
  it("[sim:402] refuses for lack of credit", async () => {
    const { res, json } = await submit(sim(), veo({ prompt: "pan [sim:402]" }));
    expect(res.status).toBe(402);
    expect(json.error).toMatchObject({ type: "insufficient_quota" });
  });

  it("reports a demo usage.credits_reserved from the model's definition, on submit and on every status", async () => {
    const fetcher = sim();
    const { json } = await submit(fetcher, veo());
    expect(json.usage).toEqual({ credits_reserved: 40, user_group: "simulator" });
    clock += DURATION * 2;
    const done = (await poll(fetcher, json.id as string)).json;
    expect(done.status).toBe("completed");
    expect(done.usage).toEqual({ credits_reserved: 40, user_group: "simulator" });
    const fast = await submit(fetcher, veo({ model: "veo-3.1-extend-fast" }));
    expect(fast.json.usage).toMatchObject({ credits_reserved: 15 });
  });

  it("[sim:429] rate-limits with Retry-After", async () => {
    const { res, json } = await submit(sim(), veo({ prompt: "pan [sim:429]" }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(json.error).toMatchObject({ type: "rate_limit_error" });
  });

  it("[sim:503] has no channel", async () => {
    const { res, json } = await submit(sim(), veo({ prompt: "pan [sim:503]" }));
    expect(res.status).toBe(503);
    expect(json.error).toMatchObject({ type: "service_unavailable_error" });
  });

  it("[sim:fail] runs, then fails with a content-policy task error", async () => {
    const fetcher = sim();
    const { res, json } = await submit(fetcher, veo({ prompt: "pan [sim:fail]" }));
    expect(res.status).toBe(200);
    clock += DURATION / 2;
    expect((await poll(fetcher, json.id as string)).json.status).toBe("processing");
    clock += DURATION;
    const done = (await poll(fetcher, json.id as string)).json;
    expect(done.status).toBe("failed");
    expect(done.results).toEqual([]);
    expect(done.error).toMatchObject({ code: "generation_failed", type: "task_error" });
    expect(done.error.message).toMatch(/content policy/);
  });

  it("[sim:slow] takes four times as long", async () => {
    const fetcher = sim();
    const { json } = await submit(fetcher, veo({ prompt: "pan [sim:slow]" }));
    expect(json.task_info.estimated_time).toBe((4 * DURATION) / 1000);
    clock += DURATION * 2;
    expect((await poll(fetcher, json.id as string)).json.status).toBe("processing");
    clock += DURATION * 2;
    expect((await poll(fetcher, json.id as string)).json.status).toBe("completed");
  });
});

describe("simulator: lifecycle", () => {
  it("pending → processing with rising progress → completed, on the injected clock", async () => {
    const fetcher = sim();
    const { res, json } = await submit(fetcher, JSON.parse(KLING_SEED_JSON));
    expect(res.status).toBe(200);
    expect(json).toMatchObject({
      object: "video.generation.task",
      type: "video",
      model: "kling-o3-video-to-video-edit",
      status: "pending",
      progress: 0,
      created: Math.floor(T0 / 1000),
      task_info: { estimated_time: DURATION / 1000 },
    });
    const id = json.id as string;
    expect(id).toMatch(/^sim-[0-9a-z]+-klnn-[0-9a-z]{8}$/);

    clock += DURATION * 0.1;
    expect((await poll(fetcher, id)).json.status).toBe("pending");

    const seen: number[] = [];
    for (const at of [0.2, 0.4, 0.6, 0.8, 0.99]) {
      clock = T0 + DURATION * at;
      const { json: t } = await poll(fetcher, id);
      expect(t.status).toBe("processing");
      expect(t.results).toEqual([]);
      seen.push(t.progress as number);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(seen[0]!).toBeGreaterThanOrEqual(1);
    expect(seen.at(-1)!).toBeLessThanOrEqual(99);

    clock = T0 + DURATION;
    const { json: done } = await poll(fetcher, id);
    expect(done.status).toBe("completed");
    expect(done.progress).toBe(100);
    expect(done.error).toBeNull();
    const url = new URL(done.results[0].url as string, "http://localhost");
    expect(url.pathname).toBe(`${SIMULATOR_FILES_PATH}/result-16x9.mp4`);
    expect(url.searchParams.get("task")).toBe(id);
    expect(url.searchParams.get("expires")).toBe(String(Math.floor((T0 + DURATION) / 1000) + 3600));
  });

  it("a 9:16 Veo request gets a portrait result", async () => {
    const fetcher = sim();
    const { json } = await submit(fetcher, veo({ aspect_ratio: "9:16" }));
    clock += DURATION;
    expect((await poll(fetcher, json.id as string)).json.results[0].url).toContain("result-9x16.mp4");
  });

  it("a task survives a new simulator instance (its state is in its id)", async () => {
    const { json } = await submit(sim(), veo({ model: "veo-3.1-extend-fast" }));
    clock += DURATION;
    const again = (await poll(sim(), json.id as string)).json;
    expect(again).toMatchObject({ id: json.id, model: "veo-3.1-extend-fast", status: "completed" });
  });

  it.each(["task-unified-123", "sim-zz-kqnn-abcdefgh", "sim-abc-klnn-short"])(
    "404 for unknown id %s",
    async (id) => {
      const { res, json } = await poll(sim(), id);
      expect(res.status).toBe(404);
      expect(json.error).toMatchObject({ type: "not_found" });
    },
  );

  it("404 for an id from the future", async () => {
    const { json } = await submit(sim(), veo());
    clock = T0 - 120_000;
    expect((await poll(sim(), json.id as string)).res.status).toBe(404);
  });

  it("result links expire", () => {
    expect(simulatorLinkValid(String(Math.floor(T0 / 1000) + 10), T0)).toBe(true);
    expect(simulatorLinkValid(String(Math.floor(T0 / 1000) - 10), T0)).toBe(false);
    expect(simulatorLinkValid(null, T0)).toBe(false);
    expect(simulatorLinkValid("soon", T0)).toBe(false);
  });
});
