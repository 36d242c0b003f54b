import { describe, expect, it } from "vitest";
import { modelInfo } from "../models/catalog";
import { isTakeCount, takeKey, takeRequests, takeSeeds } from "./takes";

const veo = modelInfo("veo-3.1-extend");
const kling = modelInfo("kling-o3-video-to-video-edit");
const base = { model: "veo-3.1-extend", prompt: "p", video_url: "https://x/a.mp4" };

describe("takes", () => {
  it("a set seed gives seed, seed+1, …, wrapping past the model's maximum", () => {
    expect(takeSeeds(41, 3, 100)).toEqual([41, 42, 43]);
    expect(takeSeeds(99, 3, 100)).toEqual([99, 100, 0]);
  });

  it("random seeds are distinct even when the random source repeats itself", () => {
    const values = [0.5, 0.5, 0.25, 0.5, 0.75];
    let i = 0;
    expect(takeSeeds(undefined, 3, 99, () => values[i++]!)).toEqual([50, 25, 75]);
  });

  it("Veo takes get their own seeds; Kling takes are the same body; one take is left as it is", () => {
    expect(takeRequests({ ...base, seed: 7 }, veo, 2)).toEqual([
      { ...base, seed: 7 },
      { ...base, seed: 8 },
    ]);
    const random = takeRequests(base, veo, 4);
    expect(new Set(random.map((r) => r.seed)).size).toBe(4);
    for (const r of random) expect(Number.isInteger(r.seed) && (r.seed as number) >= 0).toBe(true);
    const k = { model: kling.id, prompt: "p", video_url: "https://x/a.mp4", resolution: "720p" };
    expect(takeRequests(k, kling, 3)).toEqual([k, k, k]);
    expect(takeRequests(base, veo, 1)).toEqual([base]);
  });

  it("each take's key is derived from the click's; counts outside 1–4 are refused", () => {
    expect(takeKey("abc", 2, 3)).toBe("abc.take-2");
    expect(takeKey("abc", 1, 1)).toBe("abc");
    expect(takeKey(null, 1, 3)).toBeNull();
    expect([0, 1, 4, 5, 1.5, "2"].map(isTakeCount)).toEqual([false, true, true, false, false, false]);
  });
});
