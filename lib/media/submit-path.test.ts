import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import type { FoxClient } from "../foxapi/client";
import type { NormalizedTask } from "../foxapi/normalize";
import { createMediaChecker, thenCheck } from "../tasks/media-check";
import { createTaskService } from "../tasks/service";
import { TaskStore } from "../tasks/store";
import { type MediaServer, startMediaServer } from "../testing/app-harness";
import { type FixtureName, fixture, serveRanges, serveWhole } from "./fixture-host";
import { english } from "../testing/i18n";
import { createProbeCheck, createVideoProber } from "./submission";

// Model ids, as tests may name them.
const KLING_O3_EDIT = "kling-o3-video-to-video-edit";
const VEO_EXTEND = "veo-3.1-extend";

/*
 * The probe plugged into today's submit path through its `mediaCheck` hook (the one-line wiring the integrator
 * can use): a clip that breaks a rule costs zero upstream calls, a fitting one goes through, an unmeasurable one
 * goes through with a warning. The upstream is a recording fake; the media host is real HTTP on loopback.
 */

let media: MediaServer;
beforeAll(async () => {
  media = await startMediaServer();
});
afterAll(async () => {
  await media.close();
});
beforeEach(() => media.reset());

function setup() {
  const calls: Record<string, unknown>[] = [];
  const task: NormalizedTask = {
    id: "task-probe-1",
    model: KLING_O3_EDIT,
    status: "pending",
    rawStatus: "pending",
    progress: 0,
    createdAt: null,
    estimatedSeconds: 45,
    resultUrl: null,
    error: null,
    creditsReserved: null,
  };
  const client: FoxClient = {
    createTask: (b) => {
      calls.push(b);
      return Promise.resolve(task);
    },
    getTask: () => Promise.resolve(task),
    uploadFile: () => Promise.reject(new Error("not used")),
  };
  const links = createMediaChecker({ allowLoopback: true });
  const probe = createProbeCheck({ probe: createVideoProber({ guard: { allowLoopback: true } }) });
  const service = createTaskService({
    store: new TaskStore(":memory:"),
    client,
    minIntervalMs: 0,
    // The link check first (private addresses, wrong types); the probe only for links that passed it, composed
    // as the app composes them (lib/tasks/index.ts).
    mediaCheck: thenCheck(links, probe),
  });
  return { service, calls };
}

const body = (model: string, name: string) =>
  model === KLING_O3_EDIT
    ? { model, prompt: "Make it snow", video_url: `${media.url}/${name}` }
    : { model, prompt: "The camera keeps moving", video_url: `${media.url}/${name}` };

async function outcome(promise: Promise<unknown>) {
  try {
    await promise;
    return { status: 200, fields: {} as Record<string, string> };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.status, code: err.code, fields: english(err.extra.fields ?? {}) };
  }
}

describe("submit path with the probe", () => {
  it.each<[string, FixtureName, RegExp]>([
    [KLING_O3_EDIT, "long-12s.mp4", /12\.0 s long; Kling takes at most 10 s/],
    [KLING_O3_EDIT, "short-2s.mp4", /2\.0 s long; Kling needs 3–10 s/],
    [KLING_O3_EDIT, "small-640x480.mp4", /width is 640 px/],
    [VEO_EXTEND, "four-three-1440x1080.mp4", /1440×1080 \(4:3\); Veo extends only 16:9 or 9:16/],
    [VEO_EXTEND, "small-640x480.mp4", /640×480; Veo extends only 720p or 1080p/],
  ])("%s with %s: 422 naming the measured figure, zero upstream calls", async (model, name, message) => {
    media.on(`/${name}`, serveRanges(fixture(name)));
    const { service, calls } = setup();
    const result = await outcome(service.submit(body(model, name), { idempotencyKey: `k-${name}` }));
    expect(result).toMatchObject({ status: 422, code: "invalid_media" });
    expect(result.fields.video_url).toMatch(message);
    expect(calls).toHaveLength(0);
  });

  it.each<[string, FixtureName]>([
    [KLING_O3_EDIT, "fit-1280x720.mp4"],
    [KLING_O3_EDIT, "moov-at-end.mp4"],
    [KLING_O3_EDIT, "quicktime.mov"],
    [KLING_O3_EDIT, "four-three-1440x1080.mp4"],
    [VEO_EXTEND, "rotated-phone.mp4"],
    [VEO_EXTEND, "fragmented.mp4"],
    [VEO_EXTEND, "long-12s.mp4"],
  ])("%s with %s: goes through, one upstream call", async (model, name) => {
    media.on(`/${name}`, serveRanges(fixture(name)));
    const { service, calls } = setup();
    const result = await service.submit(body(model, name), { idempotencyKey: `k-${name}` });
    expect(result.warnings).toEqual({});
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ model, video_url: `${media.url}/${name}` });
  });

  it("a host without Range support: accepted with a warning on the video field", async () => {
    media.on("/plain.mp4", serveWhole(fixture("long-12s.mp4")));
    const { service, calls } = setup();
    const result = await service.submit(body(KLING_O3_EDIT, "plain.mp4"), { idempotencyKey: "k-plain" });
    expect(calls).toHaveLength(1);
    expect(english(result.warnings).video_url).toMatch(
      /^Our server couldn't measure this clip before sending it/,
    );
  });

  it("two takes of the same clip probe it once", async () => {
    media.on("/end.mp4", serveRanges(fixture("moov-at-end.mp4")));
    const { service, calls } = setup();
    await service.submit(body(KLING_O3_EDIT, "end.mp4"), { idempotencyKey: "take-1" });
    await service.submit(
      { ...body(KLING_O3_EDIT, "end.mp4"), prompt: "Make it rain" },
      { idempotencyKey: "take-2" },
    );
    expect(calls).toHaveLength(2);
    // Each submit's link check sends one HEAD; the probe's two ranged GETs happen once.
    expect(media.requests.filter((r) => r.method === "GET")).toHaveLength(2);
  });
});
