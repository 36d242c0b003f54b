import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorResponse } from "../api/errors";
import { type MediaServer, startMediaServer } from "../testing/app-harness";
import { type FixtureName, fixture, serveRanges, serveWhole } from "./fixture-host";
import { english } from "../testing/i18n";
import {
  type VideoProberOptions,
  byField as byFieldKeys,
  createVideoProber,
  probeSubmission as probeSubmissionKeys,
  videoRefusal,
} from "./submission";

// The checks say catalog keys (lib/i18n/message.ts); these tests read them as an English reader sees them.
const probeSubmission = async (...args: Parameters<typeof probeSubmissionKeys>) =>
  english(await probeSubmissionKeys(...args));
const byField = (...args: Parameters<typeof byFieldKeys>) => english(byFieldKeys(...args));

// Model ids, as tests may name them.
const KLING_O3_EDIT = "kling-o3-video-to-video-edit";
const VEO_EXTEND = "veo-3.1-extend";
const VEO_EXTEND_FAST = "veo-3.1-extend-fast";

// The submit path's view: a request's video link, probed over real loopback HTTP, judged against its model.

let media: MediaServer;
beforeAll(async () => {
  media = await startMediaServer();
  for (const name of FIXTURES) media.on(`/${name}`, serveRanges(fixture(name)));
});
afterAll(async () => {
  await media.close();
});
beforeEach(() => {
  media.requests.length = 0;
});

const FIXTURES: FixtureName[] = [
  "fit-1280x720.mp4",
  "moov-at-end.mp4",
  "rotated-phone.mp4",
  "quicktime.mov",
  "fragmented.mp4",
  "long-12s.mp4",
  "short-2s.mp4",
  "four-three-1440x1080.mp4",
  "small-640x480.mp4",
  "fps15-1280x720.mp4",
  "webm-1280x720.webm",
];

const prober = (options: VideoProberOptions = {}) =>
  createVideoProber({ guard: { allowLoopback: true }, ...options });

async function judge(model: string, path: string, probe = prober()) {
  return probeSubmission({ model, prompt: "p", video_url: `${media.url}${path}` }, { probe });
}

type Case = [FixtureName, RegExp[], RegExp[]];

describe("Kling O3 edit: FoxAPI's rules refuse, other vendors' rules warn", () => {
  it.each<Case>([
    ["fit-1280x720.mp4", [], []],
    ["moov-at-end.mp4", [], []],
    ["rotated-phone.mp4", [], []],
    ["quicktime.mov", [], []],
    ["fragmented.mp4", [], []],
    ["four-three-1440x1080.mp4", [], []],
    ["long-12s.mp4", [/The clip is 12\.0 s long; Kling takes at most 10 s/], []],
    ["short-2s.mp4", [/The clip is 2\.0 s long; Kling needs 3–10 s/], []],
    [
      "small-640x480.mp4",
      [/width is 640 px; Kling needs 720–2160 px/, /height is 480 px; Kling needs 720–2160 px/],
      [],
    ],
    ["webm-1280x720.webm", [/a WebM file; Kling takes MP4 or MOV only/], []],
    ["fps15-1280x720.mp4", [], [/runs at 15 fps; Kling's own spec .* asks for 24–60 fps/]],
  ])("%s", async (name, refusals, warnings) => {
    const report = await judge(KLING_O3_EDIT, `/${name}`);
    expect(report.refusals.map((r) => r.message)).toEqual(refusals.map((re) => expect.stringMatching(re)));
    expect(report.warnings.map((w) => w.message)).toEqual(warnings.map((re) => expect.stringMatching(re)));
    expect([...report.refusals, ...report.warnings].every((m) => m.field === "video_url")).toBe(true);
    expect(report.probes[0]?.result.status).toBe("probed");
  });
});

describe("Veo 3.1 extend (standard and fast)", () => {
  it.each<Case>([
    ["fit-1280x720.mp4", [], []],
    ["moov-at-end.mp4", [], []],
    ["rotated-phone.mp4", [], []],
    ["quicktime.mov", [], []],
    ["fragmented.mp4", [], []],
    ["long-12s.mp4", [], []],
    ["short-2s.mp4", [], []],
    ["fps15-1280x720.mp4", [], []],
    ["four-three-1440x1080.mp4", [/The clip is 1440×1080 \(4:3\); Veo extends only 16:9 or 9:16 clips/], []],
    [
      "small-640x480.mp4",
      [/640×480 \(4:3\); Veo extends only 16:9 or 9:16/, /640×480; Veo extends only 720p or 1080p clips/],
      [],
    ],
    ["webm-1280x720.webm", [], [/a WebM file; hosts of Veo other than FoxAPI ask for MP4 or MOV/]],
  ])("%s", async (name, refusals, warnings) => {
    for (const model of [VEO_EXTEND, VEO_EXTEND_FAST]) {
      const report = await judge(model, `/${name}`);
      expect(report.refusals.map((r) => r.message)).toEqual(refusals.map((re) => expect.stringMatching(re)));
      expect(report.warnings.map((w) => w.message)).toEqual(warnings.map((re) => expect.stringMatching(re)));
    }
  });
});

describe("links that can't be measured, and size", () => {
  it("a host without Range support: no refusal, one warning saying the clip wasn't checked", async () => {
    media.on("/plain.mp4", serveWhole(fixture("long-12s.mp4")));
    const report = await judge(KLING_O3_EDIT, "/plain.mp4");
    expect(report.refusals).toEqual([]);
    expect(report.warnings).toEqual([
      {
        field: "video_url",
        message: expect.stringMatching(
          /^Our server couldn't measure this clip before sending it: the host doesn't answer requests for part of a file \(HTTP Range\)\. It wasn't checked against Kling's limits/,
        ) as string,
      },
    ]);
  });

  it("a file over 200 MB is refused with its size, for both models", async () => {
    media.on("/big.mp4", serveRanges(fixture("fit-1280x720.mp4"), { declaredSize: 250 * 1024 * 1024 }));
    for (const model of [KLING_O3_EDIT, VEO_EXTEND]) {
      const report = await judge(model, "/big.mp4");
      expect(report.refusals.map((r) => r.message)).toEqual([
        expect.stringMatching(/^The clip is 250 MB; (Kling|Veo) takes files up to 200 MB\./),
      ]);
    }
  });

  it("a model without video rules is not probed", async () => {
    const report = await judge("some-image-model", "/fit-1280x720.mp4");
    expect(report).toEqual({ refusals: [], warnings: [], probes: [] });
    expect(media.requests).toHaveLength(0);
  });
});

describe("the 422 the submit answers with", () => {
  it("names the measured figure and the rule, on the field, in the API's error shape", async () => {
    const report = await judge(KLING_O3_EDIT, "/long-12s.mp4");
    const res = errorResponse(videoRefusal(report));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: {
        code: "invalid_media",
        message:
          "This video can't be used with this model. The clip is 12.0 s long; Kling takes at most 10 s. Trim it first.",
        fields: { video_url: "The clip is 12.0 s long; Kling takes at most 10 s. Trim it first." },
      },
    });
  });

  it("several problems with one field are joined into that field's message", () => {
    expect(
      byField([
        { field: "video_url", message: "One." },
        { field: "video_url", message: "Two." },
        { field: "image_urls.0", message: "Three." },
      ]),
    ).toEqual({ video_url: "One. Two.", "image_urls.0": "Three." });
  });
});

describe("probe cache for a submit burst", () => {
  it("a second probe of the same URL within the burst makes zero requests", async () => {
    const probe = prober();
    const first = await judge(KLING_O3_EDIT, "/moov-at-end.mp4", probe);
    const afterFirst = media.requests.length;
    expect(afterFirst).toBe(2);
    const second = await judge(KLING_O3_EDIT, "/moov-at-end.mp4", probe);
    expect(media.requests.length).toBe(afterFirst);
    expect(second).toEqual(first);
    // Another model on the same link (a take on Veo) reuses the measurement too.
    await judge(VEO_EXTEND, "/moov-at-end.mp4", probe);
    expect(media.requests.length).toBe(afterFirst);
  });

  it("takes sent together share one probe", async () => {
    const probe = prober();
    await Promise.all([1, 2, 3, 4].map(() => judge(KLING_O3_EDIT, "/moov-at-end.mp4", probe)));
    expect(media.requests).toHaveLength(2);
  });

  it("an unprobed answer is reused too, so a slow host doesn't make every take wait again", async () => {
    media.on("/plain2.mp4", serveWhole(fixture("fit-1280x720.mp4")));
    const probe = prober();
    await judge(KLING_O3_EDIT, "/plain2.mp4", probe);
    await judge(KLING_O3_EDIT, "/plain2.mp4", probe);
    expect(media.requests).toHaveLength(1);
  });

  it("after the TTL the link is probed again", async () => {
    let now = 1_000_000;
    const probe = prober({ ttlMs: 60_000, now: () => now });
    await judge(KLING_O3_EDIT, "/fit-1280x720.mp4", probe);
    now += 59_999;
    await judge(KLING_O3_EDIT, "/fit-1280x720.mp4", probe);
    expect(media.requests).toHaveLength(1);
    now += 1;
    await judge(KLING_O3_EDIT, "/fit-1280x720.mp4", probe);
    expect(media.requests).toHaveLength(2);
  });

  it("holds at most maxEntries links, dropping the oldest", async () => {
    const probe = prober({ maxEntries: 2 });
    for (const name of ["fit-1280x720.mp4", "short-2s.mp4", "long-12s.mp4"])
      await judge(KLING_O3_EDIT, `/${name}`, probe);
    expect(media.requests).toHaveLength(3);
    await judge(KLING_O3_EDIT, "/long-12s.mp4", probe); // still held
    expect(media.requests).toHaveLength(3);
    await judge(KLING_O3_EDIT, "/fit-1280x720.mp4", probe); // the oldest, dropped
    expect(media.requests).toHaveLength(4);
  });
});
