/**
 * Media facts shared by the browser and the server, with no schema library behind them: the studio's first load
 * stays small, and the form loads zod only when it first validates.
 */

/** Upper bound the contract gives for video files (Kling: ≤ 200 MB; used for Veo inputs too). */
export const MAX_VIDEO_BYTES = 200 * 1024 * 1024;
/** Kling reference images: ≤ 10 MB [other vendor]; applied to every image we accept. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Media properties the browser measures from a preview, checked against a model's constraints. */
export interface MeasuredVideo {
  durationSeconds: number;
  width: number;
  height: number;
}

export interface FieldMeta {
  label: string;
  help?: string;
}

/** `9:16`-style ratio label for a width and height, simplified; falls back to a decimal. */
export function aspectLabel(width: number, height: number): string {
  const known: [string, number][] = [
    ["16:9", 16 / 9],
    ["9:16", 9 / 16],
    ["4:3", 4 / 3],
    ["3:4", 3 / 4],
    ["1:1", 1],
    ["21:9", 21 / 9],
  ];
  const ratio = width / height;
  for (const [label, value] of known) if (Math.abs(ratio - value) / value < 0.01) return label;
  return `${ratio.toFixed(2)}:1`;
}
