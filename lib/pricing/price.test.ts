import { describe, expect, it } from "vitest";
import { modelInfo } from "../models/catalog";
import { estimateCost, formatAmount, settingsKey } from "./price";
import { parsePriceTable } from "./table";

const MODELS = ["kling-o3-video-to-video-edit", "veo-3.1-extend", "veo-3.1-extend-fast"];
const kling = modelInfo("kling-o3-video-to-video-edit");
const veo = modelInfo("veo-3.1-extend");
const clip1080 = { durationSeconds: 5, width: 1920, height: 1080 };
const clip720 = { durationSeconds: 8.5, width: 1280, height: 720 };

const table = (json: unknown) => {
  const parsed = parsePriceTable(JSON.stringify(json), MODELS);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return parsed.table;
};

describe("parsePriceTable", () => {
  it("reads per-task and per-second prices, with rates by resolution and audio, and the price shorthand", () => {
    expect(
      table({
        "kling-o3-video-to-video-edit": {
          per: "second",
          rates: [{ resolution: "1080p", price: 0.15 }, { price: 0.1 }],
        },
        "veo-3.1-extend": { per: "task", rates: [{ audio: false, price: 2 }, { price: 3.2 }] },
        "veo-3.1-extend-fast": { per: "task", price: 1 },
      }),
    ).toEqual({
      "kling-o3-video-to-video-edit": {
        per: "second",
        rates: [{ resolution: "1080p", price: 0.15 }, { price: 0.1 }],
      },
      "veo-3.1-extend": { per: "task", rates: [{ audio: false, price: 2 }, { price: 3.2 }] },
      "veo-3.1-extend-fast": { per: "task", rates: [{ price: 1 }] },
    });
  });

  it.each([
    ["not JSON", "{nope", /not valid JSON/],
    ["an array", "[]", /must be a JSON object of models/],
    [
      "an unknown model",
      '{"sora": {"per": "task", "price": 1}}',
      /PRICE_TABLE\["sora"\]: unknown model \(known: kling/,
    ],
    ["a bad per", '{"veo-3.1-extend": {"per": "minute", "price": 1}}', /\.per must be "second" or "task"/],
    ["no price", '{"veo-3.1-extend": {"per": "task"}}', /needs "price" \(a number\) or "rates"/],
    [
      "a negative price",
      '{"veo-3.1-extend": {"per": "task", "price": -1}}',
      /price must be a number of 0 or more/,
    ],
    [
      "a bad resolution",
      '{"veo-3.1-extend": {"per": "task", "rates": [{"resolution": "HD", "price": 1}]}}',
      /rates\[0\]\.resolution must be a resolution such as "720p"/,
    ],
    [
      "a string audio",
      '{"veo-3.1-extend": {"per": "task", "rates": [{"audio": "yes", "price": 1}]}}',
      /rates\[0\]\.audio must be true or false/,
    ],
    [
      "a typo'd field",
      '{"veo-3.1-extend": {"per": "task", "rates": [{"resolutoin": "720p", "price": 1}]}}',
      /unknown field "resolutoin"/,
    ],
  ])("refuses %s with a message naming the place", (_name, text, message) => {
    const parsed = parsePriceTable(text, MODELS);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join("\n")).toMatch(message);
  });
});

describe("estimateCost", () => {
  const prices = table({
    "kling-o3-video-to-video-edit": {
      per: "task",
      rates: [{ resolution: "1080p", price: 12.5 }, { price: 8 }],
    },
    "veo-3.1-extend": { per: "second", rates: [{ audio: false, price: 0.2 }, { price: 0.4 }] },
  });

  it("the README's worked example: 2 takes of Kling at 1080p cost 25", () => {
    const r = estimateCost(prices, kling, { resolution: "1080p" }, clip1080, 2);
    expect(r).toEqual({
      kind: "estimate",
      estimate: {
        perTake: 12.5,
        takes: 2,
        total: 25,
        per: "task",
        seconds: null,
        resolution: "1080p",
        audio: true,
      },
    });
    expect(estimateCost(prices, kling, { resolution: "720p" }, null, 3)).toMatchObject({
      estimate: { perTake: 8, total: 24 },
    });
  });

  it("per second: Veo's 7 s, by audio; the clip's resolution follows the clip", () => {
    expect(estimateCost(prices, veo, { generate_audio: true }, clip720, 1)).toMatchObject({
      estimate: { perTake: 2.8, total: 2.8, seconds: 7, resolution: "720p", audio: true },
    });
    expect(estimateCost(prices, veo, { generate_audio: false }, clip1080, 3)).toMatchObject({
      estimate: { perTake: 1.4, total: 4.2, resolution: "1080p", audio: false },
    });
  });

  it("per second needs the clip's length when the output follows it (Kling)", () => {
    const perSecond = table({ "kling-o3-video-to-video-edit": { per: "second", price: 0.1 } });
    expect(estimateCost(perSecond, kling, { resolution: "720p" }, null, 1)).toEqual({
      kind: "needs_duration",
    });
    expect(estimateCost(perSecond, kling, { resolution: "720p" }, clip720, 2)).toMatchObject({
      estimate: { perTake: 0.85, total: 1.7, seconds: 8.5 },
    });
  });

  it("no table, no entry for the model, or no matching rate: none", () => {
    expect(estimateCost(null, veo, {}, clip720, 1)).toEqual({ kind: "none" });
    expect(estimateCost(prices, modelInfo("veo-3.1-extend-fast"), {}, clip720, 1)).toEqual({ kind: "none" });
    const only1080 = table({
      "kling-o3-video-to-video-edit": { per: "task", rates: [{ resolution: "1080p", price: 1 }] },
    });
    expect(estimateCost(only1080, kling, { resolution: "720p" }, null, 1)).toEqual({ kind: "none" });
  });
});

describe("settingsKey and formatAmount", () => {
  it("the same key from a stored request as from the form's values (defaults filled, advanced ignored)", () => {
    expect(settingsKey(veo, { aspect_ratio: "16:9", generate_audio: true, seed: 4 })).toBe(
      settingsKey(veo, { aspect_ratio: "16:9", generate_audio: true, auto_fix: true, negative_prompt: "" }),
    );
    expect(settingsKey(kling, {})).toBe("kling-o3-video-to-video-edit;resolution=720p;keep_audio=true");
    expect(settingsKey(kling, { resolution: "1080p" })).not.toBe(settingsKey(kling, {}));
  });

  it("formats without float noise", () => {
    expect(formatAmount(25, "credits")).toBe("25 credits");
    expect(formatAmount(0.1 + 0.2, "USD")).toBe("0.3 USD");
    expect(formatAmount(12.5, "€")).toBe("12.5 €");
  });
});
