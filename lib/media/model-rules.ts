import { KLING_O3_EDIT, klingLimits, klingVideoProblems } from "../models/kling-o3.rules";
import { VEO_EXTEND, VEO_EXTEND_FAST, veoLimits, veoVideoProblems } from "../models/veo-extend.rules";
import type { ImageRules, VideoRules } from "./rules";

/*
 * Each model's input-video rules as the probe reads them, built from the checks lib/models already exports.
 * Interim: once every model has one definition (issue 10), these objects belong in the definitions themselves
 * (a `videoRules` entry on the model), and this file goes away; nothing else in lib/media names a model.
 */

/** Kling O3 edit: FoxAPI's page says MP4/MOV, 3–10 s, 720–2160 px each side, ≤ 200 MB; 24–60 fps is Kling's own spec. */
export const klingVideoRules: VideoRules = {
  modelName: "Kling",
  problems: klingVideoProblems,
  maxBytes: klingLimits.video.maxBytes,
  containers: ["mp4", "mov"],
  suggestedFrameRate: { min: 24, max: 60 },
};

/** Veo 3.1 extend: FoxAPI's page says 720p or 1080p, 16:9 or 9:16; only other vendors name MP4. */
export const veoVideoRules: VideoRules = {
  modelName: "Veo",
  problems: veoVideoProblems,
  maxBytes: veoLimits.video.maxBytes,
  suggestedContainers: ["mp4", "mov"],
};

const RULES: Record<string, VideoRules> = {
  [KLING_O3_EDIT]: klingVideoRules,
  [VEO_EXTEND]: veoVideoRules,
  [VEO_EXTEND_FAST]: veoVideoRules,
};

/** The video rules for a model id, or undefined for a model whose input isn't a video we know how to judge. */
export function videoRulesFor(model: string): VideoRules | undefined {
  return RULES[model];
}

/** Kling reference images: JPEG or PNG, at least 300 px, aspect 1:2.5–2.5:1 — all from other vendors, so warnings. */
export const klingImageRules: ImageRules = {
  modelName: "Kling",
  minSide: 300,
  maxAspect: 2.5,
  formats: ["jpeg", "png"],
};

/** A request's image links by field (`image_urls.0`, `elements.1.reference_image_urls.2`…), for models that take images. */
export interface ImageInputs {
  rules: ImageRules;
  targets: { field: string; url: string }[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The image inputs of a parsed request and their rules; undefined for a model without image inputs. */
export function imageInputsOf(request: { model: string } & Record<string, unknown>): ImageInputs | undefined {
  if (request.model !== KLING_O3_EDIT) return undefined;
  const targets: ImageInputs["targets"] = [];
  strings(request.image_urls).forEach((url, i) => targets.push({ field: `image_urls.${String(i)}`, url }));
  const elements = Array.isArray(request.elements) ? (request.elements as Record<string, unknown>[]) : [];
  elements.forEach((element, i) => {
    if (typeof element.frontal_image_url === "string")
      targets.push({ field: `elements.${String(i)}.frontal_image_url`, url: element.frontal_image_url });
    strings(element.reference_image_urls).forEach((url, k) =>
      targets.push({ field: `elements.${String(i)}.reference_image_urls.${String(k)}`, url }),
    );
  });
  return { rules: klingImageRules, targets };
}
