import { msg } from "../i18n/message";
import { type MediaTarget, defineModel, yesNo } from "./definition";
import { type FieldMeta, type MeasuredVideo, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, aspectLabel } from "./media";
import type { KlingEditRequest } from "./kling-o3.schema";

// Kling O3 video-to-video edit: everything Retake knows about it except the request schema (kling-o3.schema.ts,
// kept apart so the studio's first load has no zod). Rules from FoxAPI's "Kling O3 video-to-video edit" page
// (shared/seeds/000_…), plus [other vendor] notes from shared/foxapi-contract.md where FoxAPI is silent.

export const KLING_O3_EDIT = "kling-o3-video-to-video-edit" as const;

export const klingLimits = {
  /** prompt: "最长 2500 字符" */
  promptMaxLength: 2500,
  /** `image_urls.length + elements.length ≤ 4` */
  maxImagesAndElements: 4,
  /** Kling allows up to 3 reference images per element [other vendor]. */
  maxReferenceImagesPerElement: 3,
  /** video: 3–10 s, width and height 720–2160 px, ≤ 200 MB, .mp4/.mov */
  video: { minSeconds: 3, maxSeconds: 10, minSide: 720, maxSide: 2160, maxBytes: MAX_VIDEO_BYTES },
} as const;

/** The resolutions Kling renders: feeds both the schema's enum and the form's radio group. */
export const KLING_RESOLUTIONS = ["720p", "1080p"] as const;

export const klingDefaults = { resolution: "720p", keep_audio: true } as const;

/** Problems with a measured clip, in words a creator understands; empty when it fits. */
export function klingVideoProblems(video: MeasuredVideo): string[] {
  const { minSeconds, maxSeconds, minSide, maxSide } = klingLimits.video;
  const problems: string[] = [];
  const secs = video.durationSeconds;
  if (secs < minSeconds - 0.05)
    problems.push(
      msg("models.kling.tooShort", {
        secs: secs.toFixed(1),
        min: String(minSeconds),
        max: String(maxSeconds),
      }),
    );
  if (secs > maxSeconds + 0.05)
    problems.push(msg("models.kling.tooLong", { secs: secs.toFixed(1), max: String(maxSeconds) }));
  for (const [side, px] of [
    ["width", video.width],
    ["height", video.height],
  ] as const) {
    if (px < minSide || px > maxSide)
      problems.push(
        msg("models.kling.badSide", {
          side,
          px: String(px),
          min: String(minSide),
          max: String(maxSide),
          size: `${String(video.width)}×${String(video.height)}`,
          aspect: aspectLabel(video.width, video.height),
        }),
      );
  }
  return problems;
}

/** The fields' words, as catalog keys (messages/*.json, `models.*`): the form and the task page translate them. */
export const klingFields = {
  prompt: { label: msg("models.common.prompt"), help: msg("models.kling.promptHelp") },
  video_url: { label: msg("models.common.videoUrl"), help: msg("models.kling.videoHelp") },
  resolution: { label: msg("models.common.resolution") },
  keep_audio: { label: msg("models.kling.keepAudio"), help: msg("models.kling.keepAudioHelp") },
  image_urls: { label: msg("models.kling.referenceImages"), help: msg("models.kling.referenceImagesHelp") },
  elements: { label: msg("models.kling.elements"), help: msg("models.kling.elementsHelp") },
} satisfies Record<string, FieldMeta>;

/**
 * The body FoxAPI receives. `resolution` is always sent (the seed example does); `keep_audio`, `image_urls` and
 * `elements` only when they differ from the default, because the doc says "非必须不要传这个参数" and an optional
 * field no channel supports is answered with 422 `unsupported_advanced_options`. Key order follows the seed page.
 */
export function klingUpstreamBody(req: KlingEditRequest): Record<string, unknown> {
  return {
    model: req.model,
    prompt: req.prompt,
    resolution: req.resolution,
    video_url: req.video_url,
    ...(req.keep_audio === false ? { keep_audio: false } : {}),
    ...(req.image_urls.length > 0 ? { image_urls: req.image_urls } : {}),
    ...(req.elements.length > 0
      ? {
          elements: req.elements.map((e) => ({
            frontal_image_url: e.frontal_image_url,
            reference_image_urls: e.reference_image_urls,
          })),
        }
      : {}),
  };
}

export const klingO3Edit = defineModel<KlingEditRequest>({
  id: KLING_O3_EDIT,
  family: "kling",
  label: "Kling O3 Video Edit",
  description: msg("models.kling.description"),
  promptMaxLength: klingLimits.promptMaxLength,
  prompt: {
    ...klingFields.prompt,
    placeholder: msg("models.kling.promptPlaceholder"),
  },
  source: {
    field: "video_url",
    kind: "video",
    ...klingFields.video_url,
    placeholder: "https://…/clip.mp4",
    settingsLabel: msg("models.common.video"),
  },
  settings: [
    {
      name: "resolution",
      // A help would say no more than the options do, so the form shows none.
      label: klingFields.resolution.label,
      control: { kind: "choice", options: KLING_RESOLUTIONS },
      display: String,
    },
    { name: "keep_audio", ...klingFields.keep_audio, control: { kind: "switch" }, display: yesNo },
  ],
  references: {
    imagesField: "image_urls",
    elementsField: "elements",
    maxTogether: klingLimits.maxImagesAndElements,
    maxImagesPerElement: klingLimits.maxReferenceImagesPerElement,
    capReason: msg("models.kling.capReason", { max: String(klingLimits.maxImagesAndElements) }),
  },
  defaults: { ...klingDefaults, image_urls: [], elements: [] },
  videoProblems: klingVideoProblems,
  // An edit keeps the clip's opening, so a long clip is cut to its first 10 s; any shape, each side in range.
  clipFix: {
    minSeconds: klingLimits.video.minSeconds,
    maxSeconds: klingLimits.video.maxSeconds,
    keep: "start",
    sides: { min: klingLimits.video.minSide, max: klingLimits.video.maxSide },
  },
  // FoxAPI's page: MP4/MOV, ≤ 200 MB. Kling's own spec (other vendor): 24–60 fps; images JPEG/PNG, ≥ 300 px,
  // aspect 1:2.5–2.5:1.
  probe: {
    name: "Kling",
    maxBytes: klingLimits.video.maxBytes,
    containers: ["mp4", "mov"],
    suggestedFrameRate: { min: 24, max: 60 },
    images: { minSide: 300, maxAspect: 2.5, formats: ["jpeg", "png"] },
  },
  addsSeconds: 0,
  // Its resolution is a setting; the result is as long as the clip.
  pricing: {
    resolution: (req) => (typeof req.resolution === "string" ? req.resolution : klingDefaults.resolution),
    audio: (req) => req.keep_audio !== false,
    seconds: (_req, source) => source?.durationSeconds ?? null,
  },
  resultNoun: msg("models.kling.resultNoun"),
  followUp: { action: "edit", note: msg("models.kling.followUpNote") },
  sample: (origin) => ({
    prompt: "Turn @Video1 into a warm golden-hour scene, using the colours of @Image1.",
    video_url: `${origin}/samples/landscape-16x9.mp4`,
    image_urls: [`${origin}/samples/palette-square.png`],
    elements: [],
  }),
  mediaTargets(req) {
    const video = klingLimits.video.maxBytes;
    const image = MAX_IMAGE_BYTES;
    const out: MediaTarget[] = [{ field: "video_url", url: req.video_url, kind: "video", maxBytes: video }];
    req.image_urls.forEach((url, i) =>
      out.push({ field: `image_urls.${String(i)}`, url, kind: "image", maxBytes: image }),
    );
    req.elements.forEach((e, i) => {
      out.push({
        field: `elements.${String(i)}.frontal_image_url`,
        url: e.frontal_image_url,
        kind: "image",
        maxBytes: image,
      });
      e.reference_image_urls.forEach((url, k) =>
        out.push({
          field: `elements.${String(i)}.reference_image_urls.${String(k)}`,
          url,
          kind: "image",
          maxBytes: image,
        }),
      );
    });
    return out;
  },
  referenceMedia(req, token) {
    const m = /^@(Video|Image|Element)(\d+)$/.exec(token);
    if (!m) return null;
    const n = Number(m[2]) - 1;
    if (m[1] === "Video") return n === 0 ? { url: req.video_url, kind: "video" } : null;
    const url = m[1] === "Image" ? req.image_urls[n] : req.elements[n]?.frontal_image_url;
    return url ? { url, kind: "image" } : null;
  },
  mediaRows(req) {
    const rows: [string, string][] = [];
    req.image_urls.forEach((u, n) => rows.push([`@Image${String(n + 1)}`, u]));
    req.elements.forEach((e, n) => {
      rows.push([msg("models.kling.elementFrontal", { n: String(n + 1) }), e.frontal_image_url]);
      e.reference_image_urls.forEach((u, k) =>
        rows.push([msg("models.kling.elementReference", { n: String(n + 1), k: String(k + 1) }), u]),
      );
    });
    return rows;
  },
  // Kling keeps the clip's shape; the simulator guesses it from the sample clips' names.
  simulator: { code: "k", portrait: (req) => /9x16|portrait/i.test(req.video_url), credits: 25 },
  upstreamBody: klingUpstreamBody,
});
