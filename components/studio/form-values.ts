import type { GenerationRequest, ModelId } from "@/lib/models";
import { KLING_O3_EDIT } from "@/lib/models/catalog";
import type { ElementValue } from "./kling-media";

/** Everything the form holds, across all models: switching model keeps shared fields and hides the rest. */
export interface FormValues {
  model: ModelId;
  prompt: string;
  video_url: string;
  resolution: "720p" | "1080p";
  keep_audio: boolean;
  image_urls: string[];
  elements: ElementValue[];
  aspect_ratio: "16:9" | "9:16";
  generate_audio: boolean;
  negative_prompt: string;
  seed: number | undefined;
  safety_tolerance: number | undefined;
  auto_fix: boolean;
}

export const EMPTY_FORM: FormValues = {
  model: KLING_O3_EDIT,
  prompt: "",
  video_url: "",
  resolution: "720p",
  keep_audio: true,
  image_urls: [],
  elements: [],
  aspect_ratio: "16:9",
  generate_audio: true,
  negative_prompt: "",
  seed: undefined,
  safety_tolerance: undefined,
  auto_fix: true,
};

/** Form values for a request submitted before ("Use these settings", "Try again"). */
export function formValuesFrom(input: Partial<GenerationRequest> & { model: ModelId }): FormValues {
  const v = { ...EMPTY_FORM } as FormValues;
  const src = input as Partial<Record<keyof FormValues, unknown>>;
  for (const key of Object.keys(EMPTY_FORM) as (keyof FormValues)[]) {
    if (src[key] !== undefined && src[key] !== null)
      (v as unknown as Record<string, unknown>)[key] = src[key];
  }
  return v;
}

/** Bundled sample media, so a first-time visitor can run the whole flow in seconds. */
export function sampleValues(model: ModelId, origin: string, current: FormValues): FormValues {
  const url = (name: string) => `${origin}/samples/${name}`;
  if (model === KLING_O3_EDIT)
    return {
      ...current,
      model,
      prompt: "Turn @Video1 into a warm golden-hour scene, using the colours of @Image1.",
      video_url: url("landscape-16x9.mp4"),
      image_urls: [url("palette-square.png")],
      elements: [],
    };
  return {
    ...current,
    model,
    prompt: "The camera keeps drifting forward as the colours slowly shift to dusk.",
    video_url: url("portrait-9x16.mp4"),
  };
}
