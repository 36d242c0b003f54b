import { msg } from "@/lib/i18n/message";
import type { ClipFix } from "@/lib/models/definition";
import type { MeasuredVideo } from "@/lib/models/media";

/**
 * What the clip fixer offers for one measured clip and one model's `clipFix`: pure, so the dialog's defaults and
 * its checks are tested without a browser. No Mediabunny here: this module is part of the studio's first load.
 */

/** Seconds of slack either way, as the models' own checks allow (durations are read from headers). */
const SLACK = 0.05;

export type Framing = "crop" | "pad";

export interface ClipPlan {
  /** Why trimming, cropping and scaling cannot make this clip fit; the fixer is not offered. */
  unfixable?: string;
  durationSeconds: number;
  /** Which end of the clip the default trim keeps (the model's `clipFix.keep`). */
  keep: "start" | "end";
  /** The default trim, in seconds of the clip. */
  start: number;
  end: number;
  minSeconds?: number;
  maxSeconds?: number;
  /** The shape the clip must become, following its orientation; absent when its shape already fits. */
  aspect?: "16:9" | "9:16";
  /** Short-side sizes to choose from (720 for 720p) when the size must change; empty when it need not. */
  sizes: number[];
  defaultSize?: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
/** Encoders want even sides. */
const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

function shapeOf(width: number, height: number, aspects: readonly ("16:9" | "9:16")[]) {
  const r = width / height;
  return aspects.find((a) => Math.abs(r - (a === "16:9" ? 16 / 9 : 9 / 16)) < 0.02);
}

/** The defaults and the choices the fixer shows for a clip. `name` is the model's short name ("Kling"). */
export function planClipFix(video: MeasuredVideo, fix: ClipFix, name: string): ClipPlan {
  const d = video.durationSeconds;
  const { minSeconds, maxSeconds } = fix;
  const base: ClipPlan = {
    durationSeconds: d,
    keep: fix.keep,
    start: 0,
    end: round2(d),
    minSeconds,
    maxSeconds,
    sizes: [],
  };
  if (minSeconds !== undefined && d < minSeconds - SLACK)
    return {
      ...base,
      unfixable: msg("fixer.tooShortToFix", { secs: d.toFixed(1), name, min: String(minSeconds) }),
    };
  if (maxSeconds !== undefined && d > maxSeconds + SLACK) {
    if (fix.keep === "start") base.end = maxSeconds;
    else base.start = round2(d - maxSeconds);
  }

  const { width, height } = video;
  if (fix.aspects && fix.aspects.length > 0) {
    const portrait = height > width;
    const wanted = fix.aspects.find((a) => (a === "9:16") === portrait) ?? fix.aspects[0];
    if (!shapeOf(width, height, fix.aspects)) base.aspect = wanted;
  }
  const sizes = fix.sizes ?? [720, 1080];
  const short = Math.min(width, height);
  const sizeFits = fix.sizes ? fix.sizes.some((s) => Math.abs(short - s) <= 8) : true;
  const sidesFit = fix.sides
    ? [width, height].every((px) => px >= fix.sides!.min && px <= fix.sides!.max)
    : true;
  // Cropping or padding to a new shape changes the size too, so it always asks for one.
  if (base.aspect || !sizeFits || !sidesFit) {
    const long = Math.max(width, height) / short;
    const fitting = sizes.filter((s) => {
      if (!fix.sides) return true;
      const longSide = base.aspect ? (s * 16) / 9 : s * long;
      return s >= fix.sides.min && s <= fix.sides.max && longSide <= fix.sides.max;
    });
    if (fitting.length === 0)
      return {
        ...base,
        unfixable: msg("fixer.tooElongated", {
          size: `${String(width)}×${String(height)}`,
          name,
          max: String(fix.sides?.max ?? 0),
        }),
      };
    base.sizes = fitting;
    // The nearest size not above the clip's own (upscaling beyond it adds nothing), or the smallest.
    base.defaultSize = [...fitting].reverse().find((s) => s <= short) ?? fitting[0];
  }
  return base;
}

/** The trim as entered, checked against the clip and the model; null when it fits. */
export function trimProblem(plan: ClipPlan, start: number, end: number, name: string): string | null {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return msg("fixer.enterTrim");
  if (start < 0) return msg("fixer.startBeforeZero");
  if (end > plan.durationSeconds + SLACK)
    return msg("fixer.endAfterClip", { secs: plan.durationSeconds.toFixed(2) });
  if (end <= start) return msg("fixer.endBeforeStart");
  const len = end - start;
  if (plan.maxSeconds !== undefined && len > plan.maxSeconds + SLACK)
    return msg("fixer.keepsTooLong", { secs: len.toFixed(1), name, max: String(plan.maxSeconds) });
  if (plan.minSeconds !== undefined && len < plan.minSeconds - SLACK)
    return msg("fixer.keepsTooShort", { secs: len.toFixed(1), name, min: String(plan.minSeconds) });
  return null;
}

/** The output's width and height; null when the frame stays as it is. */
export function outputSizeFor(video: MeasuredVideo, plan: ClipPlan, size: number | undefined) {
  if (plan.sizes.length === 0 || size === undefined) return null;
  if (plan.aspect === "16:9") return { width: even((size * 16) / 9), height: size };
  if (plan.aspect === "9:16") return { width: size, height: even((size * 16) / 9) };
  const scale = size / Math.min(video.width, video.height);
  return { width: even(video.width * scale), height: even(video.height * scale) };
}

/**
 * Where the source frame lands in the output (as the preview canvas draws it): Crop fills the output and cuts the
 * overflow from both sides equally; Pad fits the whole frame and leaves bars.
 */
export function placeFrame(
  src: { width: number; height: number },
  out: { width: number; height: number },
  framing: Framing,
) {
  const scale =
    framing === "crop"
      ? Math.max(out.width / src.width, out.height / src.height)
      : Math.min(out.width / src.width, out.height / src.height);
  const w = src.width * scale;
  const h = src.height * scale;
  return { x: (out.width - w) / 2, y: (out.height - h) / 2, width: w, height: h };
}
