import { msg } from "../i18n/message";

/**
 * Prompt references for Kling O3: `@Video1` is the clip, `@Image1…` the reference images, `@Element1…` the
 * subject elements (FoxAPI's Kling O3 video-to-video edit page). A reference with no media behind it is an error
 * we can catch before the request costs anything.
 */
export type ReferenceKind = "Video" | "Image" | "Element";

export interface PromptReference {
  token: string;
  kind: ReferenceKind;
  index: number;
  /** Whether the request has media behind this reference. */
  valid: boolean;
}

const REFERENCE = /@(Video|Image|Element)(\d+)/g;

/** Splits a prompt around its reference tokens: the tokens are at the odd indexes (for chips, file names). */
export const REFERENCE_SPLIT = /(@(?:Video|Image|Element)\d+)/g;

export function findReferences(
  prompt: string,
  counts: { images: number; elements: number },
): PromptReference[] {
  const seen = new Map<string, PromptReference>();
  for (const match of prompt.matchAll(REFERENCE)) {
    const kind = match[1] as ReferenceKind;
    const index = Number(match[2]);
    const token = `@${kind}${String(index)}`;
    if (seen.has(token)) continue;
    const available = kind === "Video" ? 1 : kind === "Image" ? counts.images : counts.elements;
    seen.set(token, { token, kind, index, valid: index >= 1 && index <= available });
  }
  return [...seen.values()];
}

/** Words for a reference that points at nothing, saying what would fix it (a catalog key, lib/i18n/message.ts). */
export function describeBrokenReference(ref: PromptReference, counts: { images: number; elements: number }) {
  if (ref.kind === "Video") return msg("validation.brokenVideo", { token: ref.token });
  const noun = ref.kind === "Image" ? "image" : "element";
  const have = ref.kind === "Image" ? counts.images : counts.elements;
  if (have === 0) return msg("validation.brokenNone", { token: ref.token, noun });
  const range = `@${ref.kind}1${have > 1 ? `…@${ref.kind}${String(have)}` : ""}`;
  return msg("validation.brokenCount", { token: ref.token, noun, count: have, range });
}

/** The tokens a user may insert for a request with these counts. */
export function availableReferences(counts: { images: number; elements: number }): string[] {
  return [
    "@Video1",
    ...Array.from({ length: counts.images }, (_, i) => `@Image${String(i + 1)}`),
    ...Array.from({ length: counts.elements }, (_, i) => `@Element${String(i + 1)}`),
  ];
}
