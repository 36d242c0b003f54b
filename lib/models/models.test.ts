import { describe, expect, it } from "vitest";
import {
  MODEL_IDS,
  type GenerationRequest,
  fieldErrors,
  generationRequestSchema,
  isModelId,
  modelInfo,
  toUpstreamBody,
} from ".";
import { klingVideoProblems as klingProblemKeys } from "./kling-o3";
import {
  availableReferences,
  describeBrokenReference as brokenReferenceKey,
  findReferences,
} from "./references";
import { aspectLabel, isHttpUrl } from "./shared";
import { veoAspectFor, veoVideoProblems as veoProblemKeys } from "./veo-extend";
import { words } from "../testing/i18n";

// The definitions say catalog keys (lib/i18n/message.ts); these tests read them as an English reader sees them.
type Measure = Parameters<typeof klingProblemKeys>[0];
const klingVideoProblems = (v: Measure) => klingProblemKeys(v).map((p) => words(p));
const veoVideoProblems = (v: Measure) => veoProblemKeys(v).map((p) => words(p));
const describeBrokenReference = (...args: Parameters<typeof brokenReferenceKey>) =>
  words(brokenReferenceKey(...args));
const englishFields = (error: Parameters<typeof fieldErrors>[0]) =>
  Object.fromEntries(Object.entries(fieldErrors(error)).map(([k, v]) => [k, words(v)]));
import { KLING_SEED_JSON, VEO_SEED_JSON } from "../testing/seeds";

function parse(body: unknown): GenerationRequest {
  const result = generationRequestSchema.safeParse(body);
  if (!result.success)
    throw new Error(`expected a valid request, got ${JSON.stringify(fieldErrors(result.error))}`);
  return result.data;
}

const upstream = (body: unknown) => JSON.stringify(toUpstreamBody(parse(body)));

const kling = (over: Record<string, unknown> = {}) => ({
  model: "kling-o3-video-to-video-edit",
  prompt: "Make @Video1 look like dusk",
  video_url: "https://example.com/clip.mp4",
  ...over,
});
const veo = (over: Record<string, unknown> = {}) => ({
  model: "veo-3.1-extend",
  prompt: "The camera keeps panning",
  video_url: "https://example.com/clip.mp4",
  ...over,
});
const img = (n: number) => `https://example.com/img-${String(n)}.jpg`;
const images = (n: number) => Array.from({ length: n }, (_, i) => img(i + 1));
const element = (refs = 1) => ({ frontal_image_url: img(100), reference_image_urls: images(refs) });

describe("seed examples", () => {
  it.each([
    ["kling", KLING_SEED_JSON],
    ["veo", VEO_SEED_JSON],
  ])("the %s seed body validates and maps to exactly itself", (_name, seed) => {
    const result = generationRequestSchema.safeParse(JSON.parse(seed));
    expect(result.success).toBe(true);
    expect(JSON.stringify(toUpstreamBody(result.data!))).toBe(seed);
  });

  it("the veo-3.1-extend-fast variant maps the same way with its own model id", () => {
    const fast = VEO_SEED_JSON.replace('"veo-3.1-extend"', '"veo-3.1-extend-fast"');
    expect(upstream(JSON.parse(fast))).toBe(fast);
  });
});

describe("broken rules", () => {
  const longPrompt = `@Video1 ${"x".repeat(2500)}`;
  const cases: [string, Record<string, unknown>, string, string | RegExp][] = [
    ["missing prompt (kling)", { ...kling(), prompt: undefined }, "prompt", "Write a prompt"],
    ["empty prompt (kling)", kling({ prompt: "" }), "prompt", "Write a prompt that describes the change"],
    [
      "whitespace-only prompt (veo)",
      veo({ prompt: "   " }),
      "prompt",
      "Write a prompt that describes the change",
    ],
    ["missing prompt (veo)", { ...veo(), prompt: undefined }, "prompt", "Write a prompt"],
    ["kling prompt over 2500 chars", kling({ prompt: longPrompt }), "prompt", "the limit is 2500"],
    [
      "ftp: video URL",
      kling({ video_url: "ftp://example.com/a.mp4" }),
      "video_url",
      "must start with http:// or https://",
    ],
    [
      "javascript: video URL",
      veo({ video_url: "javascript:alert(1)" }),
      "video_url",
      "must start with http:// or https://",
    ],
    [
      "data: video URL",
      kling({ video_url: "data:video/mp4;base64,AAAA" }),
      "video_url",
      "must start with http://",
    ],
    ["missing video URL", { ...veo(), video_url: undefined }, "video_url", "Enter the video URL"],
    [
      "ftp: image URL",
      kling({ image_urls: ["ftp://example.com/a.jpg"] }),
      "image_urls.0",
      "image URL must start with http",
    ],
    ["bad resolution", kling({ resolution: "4k" }), "resolution", "Choose 720p or 1080p"],
    ["bad aspect_ratio", veo({ aspect_ratio: "4:3" }), "aspect_ratio", "Choose 16:9 or 9:16"],
    ["safety_tolerance 0", veo({ safety_tolerance: 0 }), "safety_tolerance", "1 (strictest) to 6"],
    ["safety_tolerance 7", veo({ safety_tolerance: 7 }), "safety_tolerance", "1 (strictest) to 6"],
    ["safety_tolerance 2.5", veo({ safety_tolerance: 2.5 }), "safety_tolerance", "whole number from 1 to 6"],
    ["seed -1", veo({ seed: -1 }), "seed", "can't be negative"],
    ["seed 1.5", veo({ seed: 1.5 }), "seed", "whole number"],
    ["seed as text", veo({ seed: "abc" }), "seed", "whole number"],
    [
      "5 images",
      kling({ image_urls: images(5) }),
      "image_urls",
      "at most 4 images and elements together; this request has 5",
    ],
    [
      "3 images + 2 elements",
      kling({ image_urls: images(3), elements: [element(), element()] }),
      "elements",
      "this request has 5. Remove 1",
    ],
    [
      "element without frontal image",
      kling({ elements: [{ reference_image_urls: [img(1)] }] }),
      "elements.0.frontal_image_url",
      "Enter the element's frontal image URL",
    ],
    [
      "element with 4 reference images",
      kling({ elements: [element(4)] }),
      "elements.0.reference_image_urls",
      "at most 3 reference images",
    ],
    [
      "@Image3 with 2 images",
      kling({ prompt: "Put @Image3 into @Video1", image_urls: images(2) }),
      "prompt",
      "@Image3 points at nothing: there are 2 images, so use @Image1…@Image2",
    ],
    [
      "@Element2 with 1 element",
      kling({ prompt: "Put @Element2 into @Video1", elements: [element()] }),
      "prompt",
      "@Element2 points at nothing: there is 1 element, so use @Element1",
    ],
    [
      "@Image1 with no images",
      kling({ prompt: "Use @Image1" }),
      "prompt",
      "add a reference image or remove @Image1",
    ],
    ["@Video2", kling({ prompt: "Blend @Video1 and @Video2" }), "prompt", "@Video2 points at nothing"],
    [
      "unknown model",
      veo({ model: "sora-2" }),
      "model",
      "Choose a model: kling-o3-video-to-video-edit, veo-3.1-extend",
    ],
    ["missing model", { prompt: "x", video_url: "https://example.com/a.mp4" }, "model", "Choose a model"],
  ];

  it.each(cases)("%s → %s", (_name, body, path, message) => {
    const result = generationRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    const fields = englishFields(result.error!);
    expect(Object.keys(fields)).toContain(path);
    if (typeof message === "string") expect(fields[path]).toContain(message);
    else expect(fields[path]).toMatch(message);
  });

  it("accepts the limits themselves: 2500-char prompt, 4 images, 3 refs, safety 1 and 6, seed 0", () => {
    expect(() => parse(kling({ prompt: "x".repeat(2500) }))).not.toThrow();
    expect(() => parse(kling({ prompt: "@Image4", image_urls: images(4) }))).not.toThrow();
    expect(() => parse(kling({ image_urls: images(2), elements: [element(3), element(0)] }))).not.toThrow();
    expect(() => parse(veo({ safety_tolerance: 1, seed: 0 }))).not.toThrow();
    expect(() => parse(veo({ safety_tolerance: 6 }))).not.toThrow();
  });

  it("keys field errors by dotted path and falls back to _form for a non-object", () => {
    const result = generationRequestSchema.safeParse("nope");
    expect(result.success).toBe(false);
    expect(Object.keys(fieldErrors(result.error!))).toEqual(["_form"]);
  });
});

describe("upstream body", () => {
  it("omits Kling defaults: keep_audio true, empty or null image_urls/elements", () => {
    const base =
      '{"model":"kling-o3-video-to-video-edit","prompt":"Make @Video1 look like dusk","resolution":"720p","video_url":"https://example.com/clip.mp4"}';
    expect(upstream(kling())).toBe(base);
    expect(upstream(kling({ keep_audio: true, image_urls: [], elements: [] }))).toBe(base);
    expect(upstream(kling({ image_urls: null, elements: null }))).toBe(base);
  });

  it("sends Kling non-defaults: keep_audio false, 1080p, images, elements with empty refs", () => {
    const body = toUpstreamBody(
      parse(
        kling({
          resolution: "1080p",
          keep_audio: false,
          image_urls: [img(1)],
          elements: [{ frontal_image_url: img(2) }],
        }),
      ),
    );
    expect(body).toEqual({
      model: "kling-o3-video-to-video-edit",
      prompt: "Make @Video1 look like dusk",
      resolution: "1080p",
      video_url: "https://example.com/clip.mp4",
      keep_audio: false,
      image_urls: [img(1)],
      elements: [{ frontal_image_url: img(2), reference_image_urls: [] }],
    });
  });

  it("omits Veo defaults: auto_fix true, empty negative prompt, null seed and safety", () => {
    const base =
      '{"model":"veo-3.1-extend","prompt":"The camera keeps panning","video_url":"https://example.com/clip.mp4","aspect_ratio":"16:9","generate_audio":true}';
    expect(upstream(veo())).toBe(base);
    expect(upstream(veo({ auto_fix: true, negative_prompt: "", seed: null, safety_tolerance: "" }))).toBe(
      base,
    );
    expect(upstream(veo({ negative_prompt: "   " }))).toBe(base);
  });

  it("sends Veo non-defaults: auto_fix false, seed 0, safety_tolerance, negative_prompt, 9:16, no audio", () => {
    expect(
      upstream(
        veo({
          model: "veo-3.1-extend-fast",
          aspect_ratio: "9:16",
          generate_audio: false,
          auto_fix: false,
          safety_tolerance: 3,
          negative_prompt: " blurry, watermark ",
          seed: 0,
        }),
      ),
    ).toBe(
      '{"model":"veo-3.1-extend-fast","prompt":"The camera keeps panning","video_url":"https://example.com/clip.mp4","aspect_ratio":"9:16","generate_audio":false,"auto_fix":false,"safety_tolerance":3,"negative_prompt":"blurry, watermark","seed":0}',
    );
  });

  it("trims the prompt and URLs before sending", () => {
    const body = toUpstreamBody(
      parse(veo({ prompt: "  pan left \n", video_url: " https://example.com/a.mp4 " })),
    );
    expect(body.prompt).toBe("pan left");
    expect(body.video_url).toBe("https://example.com/a.mp4");
  });

  it("never forwards unknown extra keys", () => {
    const extras = { callback_url: "https://evil.example/hook", api_key: "x", duration: 10, __proto__x: 1 };
    const k = toUpstreamBody(parse(kling({ ...extras, elements: [{ ...element(), extra: "no" }] })));
    const v = toUpstreamBody(parse(veo(extras)));
    for (const body of [k, v]) {
      for (const key of Object.keys(extras)) expect(body).not.toHaveProperty(key);
    }
    expect(Object.keys(k)).toEqual(["model", "prompt", "resolution", "video_url", "elements"]);
    expect(Object.keys((k.elements as object[])[0]!)).toEqual(["frontal_image_url", "reference_image_urls"]);
    expect(Object.keys(v)).toEqual(["model", "prompt", "video_url", "aspect_ratio", "generate_audio"]);
  });
});

describe("prompt references", () => {
  it("finds each reference once and marks whether media stands behind it", () => {
    expect(
      findReferences("@Video1 with @Image2, @Image2 again, @Element1 and @Video2", {
        images: 1,
        elements: 1,
      }),
    ).toEqual([
      { token: "@Video1", kind: "Video", index: 1, valid: true },
      { token: "@Image2", kind: "Image", index: 2, valid: false },
      { token: "@Element1", kind: "Element", index: 1, valid: true },
      { token: "@Video2", kind: "Video", index: 2, valid: false },
    ]);
  });

  it("treats index 0 as broken and ignores lookalikes", () => {
    expect(findReferences("@Image0 @image1 @Images @Element", { images: 3, elements: 0 })).toEqual([
      { token: "@Image0", kind: "Image", index: 0, valid: false },
    ]);
    expect(findReferences("no references here", { images: 2, elements: 2 })).toEqual([]);
  });

  it("says the rules' words in Chinese too, from the same keys", () => {
    const [short] = klingProblemKeys({ durationSeconds: 2, width: 1280, height: 720 });
    expect(words(short!, "zh-CN")).toBe("视频时长 2.0 秒；Kling 需要 3–10 秒。");
    const result = generationRequestSchema.safeParse({ model: "kling-o3-video-to-video-edit", prompt: "" });
    const fields = Object.fromEntries(
      Object.entries(fieldErrors(result.error!)).map(([k, v]) => [k, words(v, "zh-CN")]),
    );
    expect(fields).toMatchObject({ prompt: "请填写描述修改内容的提示词。", video_url: "请填写视频的 URL。" });
    const ref = findReferences("@Image5", { images: 3, elements: 0 })[0]!;
    expect(words(brokenReferenceKey(ref, { images: 3, elements: 0 }), "zh-CN")).toBe(
      "@Image5 没有对应的素材：当前有 3 个参考图，请使用 @Image1…@Image3。",
    );
  });

  it("describes a broken reference with what would fix it", () => {
    const ref = (token: string) => findReferences(token, { images: 0, elements: 0 })[0]!;
    expect(describeBrokenReference(ref("@Video3"), { images: 0, elements: 0 })).toBe(
      "@Video3 points at nothing: the clip is @Video1, and there is only one.",
    );
    expect(describeBrokenReference(ref("@Element1"), { images: 0, elements: 0 })).toBe(
      "@Element1 points at nothing: add a reference element or remove @Element1.",
    );
    expect(describeBrokenReference(ref("@Image5"), { images: 3, elements: 0 })).toBe(
      "@Image5 points at nothing: there are 3 images, so use @Image1…@Image3.",
    );
    expect(describeBrokenReference(ref("@Image2"), { images: 1, elements: 0 })).toBe(
      "@Image2 points at nothing: there is 1 image, so use @Image1.",
    );
  });

  it("lists the tokens a request can use", () => {
    expect(availableReferences({ images: 0, elements: 0 })).toEqual(["@Video1"]);
    expect(availableReferences({ images: 2, elements: 1 })).toEqual([
      "@Video1",
      "@Image1",
      "@Image2",
      "@Element1",
    ]);
  });
});

describe("measured video problems", () => {
  it("Kling: a 2 s clip is too short", () => {
    const problems = klingVideoProblems({ durationSeconds: 2, width: 1280, height: 720 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("2.0 s long; Kling needs 3–10 s");
  });

  it("Kling: an 11 s clip is too long", () => {
    const problems = klingVideoProblems({ durationSeconds: 11, width: 1280, height: 720 });
    expect(problems).toEqual([expect.stringContaining("at most 10 s")]);
  });

  it("Kling: 640×480 breaks both sides", () => {
    const problems = klingVideoProblems({ durationSeconds: 5, width: 640, height: 480 });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("width is 640 px");
    expect(problems[1]).toContain("height is 480 px");
    expect(problems[1]).toContain("640×480, 4:3");
  });

  it.each([
    [1280, 720],
    [720, 1280],
    [1920, 1080],
    [2160, 2160],
  ])("Kling: %i×%i for 5 s is fine", (width, height) => {
    expect(klingVideoProblems({ durationSeconds: 5, width, height })).toEqual([]);
    expect(
      modelInfo("kling-o3-video-to-video-edit").videoProblems?.({ durationSeconds: 5, width, height }),
    ).toEqual([]);
  });

  it("Kling: the 3 s and 10 s edges pass", () => {
    expect(klingVideoProblems({ durationSeconds: 3, width: 1280, height: 720 })).toEqual([]);
    expect(klingVideoProblems({ durationSeconds: 10, width: 1280, height: 720 })).toEqual([]);
    expect(klingVideoProblems({ durationSeconds: 5, width: 719, height: 720 })).toHaveLength(1);
    expect(klingVideoProblems({ durationSeconds: 5, width: 2161, height: 1080 })).toHaveLength(1);
  });

  it.each([
    [1280, 720, "16:9"],
    [720, 1280, "9:16"],
    [1920, 1080, "16:9"],
    [1920, 1088, "16:9"],
    [1080, 1920, "9:16"],
  ])("Veo: %i×%i is fine (%s)", (width, height, aspect) => {
    expect(veoVideoProblems({ durationSeconds: 5, width, height })).toEqual([]);
    expect(veoAspectFor({ width, height })).toBe(aspect);
  });

  it("Veo: 640×480 is neither 16:9/9:16 nor 720p/1080p", () => {
    const problems = veoVideoProblems({ durationSeconds: 5, width: 640, height: 480 });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("640×480 (4:3); Veo extends only 16:9 or 9:16");
    expect(problems[1]).toContain("only 720p or 1080p");
    expect(veoAspectFor({ width: 640, height: 480 })).toBeUndefined();
  });

  it("Veo: 16:9 at 480p is refused for its size alone", () => {
    expect(veoVideoProblems({ durationSeconds: 5, width: 854, height: 480 })).toEqual([
      expect.stringContaining("only 720p or 1080p"),
    ]);
  });

  it("aspect labels", () => {
    expect(aspectLabel(1920, 1080)).toBe("16:9");
    expect(aspectLabel(1080, 1080)).toBe("1:1");
    expect(aspectLabel(1000, 300)).toBe("3.33:1");
  });
});

describe("registry", () => {
  it("knows exactly the three models, with the labels the UI contract names", () => {
    expect(MODEL_IDS).toEqual(["kling-o3-video-to-video-edit", "veo-3.1-extend", "veo-3.1-extend-fast"]);
    expect(MODEL_IDS.map((id) => modelInfo(id).label)).toEqual([
      "Kling O3 Video Edit",
      "Veo 3.1 Extend",
      "Veo 3.1 Extend Fast",
    ]);
    expect(modelInfo("kling-o3-video-to-video-edit").promptMaxLength).toBe(2500);
    expect(modelInfo("veo-3.1-extend").addsSeconds).toBe(7);
    expect(isModelId("veo-3.1-extend-fast")).toBe(true);
    expect(isModelId("veo-3.1")).toBe(false);
    expect(isModelId(undefined)).toBe(false);
  });

  it.each([
    ["https://example.com/a.mp4", true],
    ["http://127.0.0.1:3000/a.mp4", true],
    ["HTTPS://EXAMPLE.COM/A.MP4", true],
    ["ftp://example.com/a.mp4", false],
    ["javascript:alert(1)", false],
    ["data:video/mp4;base64,AAAA", false],
    ["file:///etc/passwd", false],
    ["//example.com/a.mp4", false],
    ["not a url", false],
  ])("isHttpUrl(%s) is %s", (url, ok) => {
    expect(isHttpUrl(url)).toBe(ok);
  });
});
