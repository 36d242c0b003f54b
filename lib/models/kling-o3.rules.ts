import { type FieldMeta, type MeasuredVideo, MAX_VIDEO_BYTES, aspectLabel } from "./media";

// Rules from FoxAPI's "Kling O3 video-to-video edit" page (shared/seeds/000_…), plus [other vendor] notes from
// shared/foxapi-contract.md where FoxAPI is silent.

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

export const klingDefaults = { resolution: "720p", keep_audio: true } as const;

/** Problems with a measured clip, in words a creator understands; empty when it fits. */
export function klingVideoProblems(video: MeasuredVideo): string[] {
  const { minSeconds, maxSeconds, minSide, maxSide } = klingLimits.video;
  const problems: string[] = [];
  const secs = video.durationSeconds;
  if (secs < minSeconds - 0.05)
    problems.push(
      `The clip is ${secs.toFixed(1)} s long; Kling needs ${String(minSeconds)}–${String(maxSeconds)} s.`,
    );
  if (secs > maxSeconds + 0.05)
    problems.push(
      `The clip is ${secs.toFixed(1)} s long; Kling takes at most ${String(maxSeconds)} s. Trim it first.`,
    );
  for (const [side, px] of [
    ["width", video.width],
    ["height", video.height],
  ] as const) {
    if (px < minSide || px > maxSide)
      problems.push(
        `The clip's ${side} is ${String(px)} px; Kling needs ${String(minSide)}–${String(maxSide)} px on each side (it is ${String(video.width)}×${String(video.height)}, ${aspectLabel(video.width, video.height)}).`,
      );
  }
  return problems;
}

export const klingFields = {
  prompt: {
    label: "Prompt",
    help: "Describe the change. Refer to the clip as @Video1, images as @Image1…, elements as @Element1….",
  },
  video_url: { label: "Video URL", help: "MP4 or MOV, 3–10 s, 720–2160 px on each side, up to 200 MB." },
  resolution: { label: "Resolution", help: "Output resolution." },
  keep_audio: { label: "Keep original audio", help: "Keep the clip's sound track in the result." },
  image_urls: { label: "Reference images", help: "JPEG or PNG, at least 300 px. Refer to them as @Image1…." },
  elements: {
    label: "Elements",
    help: "A subject to keep consistent: a frontal image plus up to 3 reference images. Refer to it as @Element1….",
  },
} satisfies Record<string, FieldMeta>;
