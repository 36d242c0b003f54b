import { type GenerationRequest, isModelId, modelInfo } from "../models/catalog";
import type { ImageRules, VideoRules } from "./rules";

/*
 * Each model's rules as the probe reads them: built from the model's definition (its `probe` entry and its own
 * clip check), so nothing in lib/media names a model.
 */

/** The video rules for a model id, or undefined for a model whose input isn't a video we know how to judge. */
export function videoRulesFor(model: string): VideoRules | undefined {
  if (!isModelId(model)) return undefined;
  const info = modelInfo(model);
  if (!info.probe || !info.videoProblems || info.source.kind !== "video") return undefined;
  const { name, maxBytes, containers, suggestedContainers, suggestedFrameRate } = info.probe;
  return {
    modelName: name,
    problems: info.videoProblems,
    maxBytes,
    ...(containers ? { containers } : {}),
    ...(suggestedContainers ? { suggestedContainers } : {}),
    ...(suggestedFrameRate ? { suggestedFrameRate } : {}),
  };
}

/** A request's image links by field (`image_urls.0`, `elements.1.reference_image_urls.2`…), for models that take images. */
export interface ImageInputs {
  rules: ImageRules;
  targets: { field: string; url: string }[];
}

/** The image inputs of a parsed request and their rules; undefined for a model without image rules. */
export function imageInputsOf(request: GenerationRequest): ImageInputs | undefined {
  if (!isModelId(request.model)) return undefined;
  const info = modelInfo(request.model);
  const images = info.probe?.images;
  if (!info.probe || !images) return undefined;
  const targets = info
    .mediaTargets(request)
    .filter((t) => t.kind === "image")
    .map(({ field, url }) => ({ field, url }));
  return { rules: { modelName: info.probe.name, ...images }, targets };
}
