import { REFERENCE_SPLIT } from "../models/references";

/** `kling-o3-video-to-video-edit_golden-hour-sky_2026-11-22.mp4`: the model, the prompt's first words, the date. */
export function downloadName(model: string, prompt: string, createdAt: string): string {
  const words = prompt
    .replace(REFERENCE_SPLIT, " ")
    .replace(/\[sim:[a-z0-9]+\]/g, " ")
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(/\s+/)
    .slice(0, 5)
    .join("-")
    .toLowerCase()
    .slice(0, 48)
    .replace(/-+$/, "");
  return `${model}_${words || "video"}_${createdAt.slice(0, 10)}.mp4`;
}
