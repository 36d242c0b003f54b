import { describe, expect, it } from "vitest";
import { videoRulesFor } from "./model-rules";
import { english } from "../testing/i18n";
import { checkVideoProbe as checkVideoProbeKeys } from "./rules";
import type { ProbeResult, ProbedVideo } from "./types";

// The checks say catalog keys (lib/i18n/message.ts); these tests read them as an English reader sees them.
const checkVideoProbe = (...args: Parameters<typeof checkVideoProbeKeys>) =>
  english(checkVideoProbeKeys(...args));

// The verdict alone, on measurements written out by hand: the edges the fixture clips don't reach.

// The rules as the models' definitions give them (the probe reads nothing else).
const klingVideoRules = videoRulesFor("kling-o3-video-to-video-edit")!;
const veoVideoRules = videoRulesFor("veo-3.1-extend")!;

const stats = { requests: 1, bytesRead: 1000, elapsedMs: 5 };
const MB = 1024 * 1024;

function probed(video: Partial<ProbedVideo> | null, extra: Partial<ProbeResult> = {}): ProbeResult {
  return {
    status: "probed",
    url: "https://media.example/clip.mp4",
    container: "mp4",
    sizeBytes: 5 * MB,
    video:
      video === null
        ? null
        : {
            durationSeconds: 5,
            width: 1280,
            height: 720,
            rotation: 0,
            frameRate: 24,
            codec: "avc",
            ...video,
          },
    stats,
    ...extra,
  } as ProbeResult;
}

describe("checkVideoProbe", () => {
  it("a fitting clip: nothing to say", () => {
    expect(checkVideoProbe(probed({}), klingVideoRules)).toEqual({ refusals: [], warnings: [] });
    expect(checkVideoProbe(probed({}), veoVideoRules)).toEqual({ refusals: [], warnings: [] });
  });

  it.each([
    [10, []],
    [10.04, []],
    [10.2, ["The clip is 10.2 s long; Kling takes at most 10 s. Trim it first."]],
    [3, []],
    [2.9, ["The clip is 2.9 s long; Kling needs 3–10 s."]],
  ])("Kling, %d s → %j", (seconds, refusals) => {
    expect(checkVideoProbe(probed({ durationSeconds: seconds }), klingVideoRules).refusals).toEqual(refusals);
  });

  it.each([
    [
      2160,
      3840,
      ["The clip's height is 3840 px; Kling needs 720–2160 px on each side (it is 2160×3840, 9:16)."],
    ],
    [720, 720, []],
    [2160, 2160, []],
  ])("Kling, %d×%d → %j", (width, height, refusals) => {
    expect(checkVideoProbe(probed({ width, height }), klingVideoRules).refusals).toEqual(refusals);
  });

  it("Veo: a 1080p clip stored 1088 tall passes, a 1:1 clip is refused", () => {
    expect(checkVideoProbe(probed({ width: 1920, height: 1088 }), veoVideoRules).refusals).toEqual([]);
    expect(checkVideoProbe(probed({ width: 1080, height: 1080 }), veoVideoRules).refusals).toEqual([
      "The clip is 1080×1080 (1:1); Veo extends only 16:9 or 9:16 clips.",
    ]);
  });

  it("frame rate: 23.976 and 60 are fine for Kling, 61 and 12 warn, and Veo never warns", () => {
    const warn = (frameRate: number) =>
      checkVideoProbe(probed({ frameRate }), klingVideoRules).warnings.length;
    expect([23.976, 24, 30, 59.94, 60].map(warn)).toEqual([0, 0, 0, 0, 0]);
    expect([12, 61].map(warn)).toEqual([1, 1]);
    expect(checkVideoProbe(probed({ frameRate: 12 }), veoVideoRules).warnings).toEqual([]);
  });

  it("exactly 200 MB passes; a byte more is refused with the size", () => {
    expect(checkVideoProbe(probed({}, { sizeBytes: 200 * MB }), klingVideoRules).refusals).toEqual([]);
    expect(checkVideoProbe(probed({}, { sizeBytes: 200 * MB + 1 }), klingVideoRules).refusals).toEqual([
      "The clip is just over 200 MB; Kling takes files up to 200 MB. Trim or compress it first.",
    ]);
  });

  it("a file with no video track is refused", () => {
    expect(checkVideoProbe(probed(null), klingVideoRules).refusals).toEqual([
      "The file has no video track, so Kling has nothing to work from.",
    ]);
  });

  it("unprobed: a warning only, unless the declared size alone breaks the limit", () => {
    const unprobed = (sizeBytes: number | null): ProbeResult => ({
      status: "unprobed",
      url: "https://media.example/clip.mp4",
      reason: "timeout",
      message: "the host took longer than 5 s",
      sizeBytes,
      stats,
    });
    expect(checkVideoProbe(unprobed(null), veoVideoRules)).toEqual({
      refusals: [],
      warnings: [
        "Our server couldn't measure this clip before sending it: the host took longer than 5 s. It wasn't checked against Veo's limits, so if it breaks them the task may fail.",
      ],
    });
    const big = checkVideoProbe(unprobed(300 * MB), klingVideoRules);
    expect(big.refusals).toEqual([
      "The clip is 300 MB; Kling takes files up to 200 MB. Trim or compress it first.",
    ]);
    expect(big.warnings).toHaveLength(1);
  });

  it("a MOV is fine for Kling; a Matroska file is refused", () => {
    expect(checkVideoProbe(probed({}, { container: "mov" }), klingVideoRules).refusals).toEqual([]);
    expect(checkVideoProbe(probed({}, { container: "mkv" }), klingVideoRules).refusals).toEqual([
      "The clip is a Matroska (MKV) file; Kling takes MP4 or MOV only.",
    ]);
  });
});
