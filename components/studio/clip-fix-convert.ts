import { msg } from "@/lib/i18n/message";
import {
  ALL_FORMATS,
  BlobSource,
  BufferTarget,
  Conversion,
  ConversionCanceledError,
  Input,
  Mp4OutputFormat,
  Output,
  canEncodeVideo,
} from "mediabunny";
import type { Framing } from "./clip-fix-plan";

// Mediabunny is loaded only with the dialog (this module is imported by clip-fixer-dialog.tsx, itself imported on
// demand), so the studio's first load does not carry a video encoder pipeline.

export interface FixJob {
  start: number;
  end: number;
  /** The output's size; absent when the frame keeps its own. */
  size?: { width: number; height: number } | null;
  framing: Framing;
}

export interface FixResult {
  file: File;
  /** What happened to the sound, in words, when it could not simply be kept. */
  audioNote: string | null;
}

export class FixUnsupported extends Error {
  override name = "FixUnsupported";
}

// The messages below are catalog keys (lib/i18n/message.ts): the fixer says them in the page's language.

/**
 * Trims, reframes and scales a clip into an H.264 MP4 in the browser. The video is always re-encoded: a copied
 * trim starts at a key frame and keeps hidden frames before the cut. The sound is copied where it can be.
 */
export function fixClip(
  source: File,
  job: FixJob,
  onProgress: (share: number) => void,
): { promise: Promise<FixResult>; cancel: () => void } {
  let conversion: Conversion | null = null;
  let cancelled = false;
  const promise = (async () => {
    if (typeof VideoEncoder === "undefined" || typeof VideoDecoder === "undefined")
      throw new FixUnsupported(msg("fixer.noWebCodecs"));
    const input = new Input({ source: new BlobSource(source), formats: ALL_FORMATS });
    const video = await input.getPrimaryVideoTrack().catch(() => null);
    if (!video) throw new FixUnsupported(msg("fixer.noVideoTrack"));
    if (!(await video.canDecode()))
      throw new FixUnsupported(msg("fixer.cannotDecode", { codec: video.codec ?? "?" }));
    const width = job.size?.width ?? video.displayWidth;
    const height = job.size?.height ?? video.displayHeight;
    if (!(await canEncodeVideo("avc", { width, height })))
      throw new FixUnsupported(msg("fixer.cannotEncode"));
    const audio = await input.getPrimaryAudioTrack().catch(() => null);

    const target = new BufferTarget();
    const output = new Output({ format: new Mp4OutputFormat({ fastStart: "in-memory" }), target });
    conversion = await Conversion.init({
      input,
      output,
      tracks: "primary",
      trim: { start: job.start, end: job.end },
      video: {
        codec: "avc",
        forceTranscode: true,
        ...(job.size ? { width, height, fit: job.framing === "crop" ? "cover" : "contain" } : {}),
      },
      // AAC, as the models' own samples carry: an AAC track is copied as it is; any other would need an AAC
      // encoder, which Chromium on Linux lacks, so Mediabunny discards it and we say so below (rather than let it
      // pick Opus, which the models do not name).
      audio: { codec: "aac" },
      showWarnings: false,
    });
    if (cancelled) await conversion.cancel();
    if (!conversion.isValid) throw new FixUnsupported(msg("fixer.cannotConvert"));
    let audioNote: string | null = null;
    const droppedAudio = conversion.discardedTracks.find((t) => t.track.type === "audio");
    if (audio && droppedAudio)
      audioNote =
        droppedAudio.reason === "no_encodable_target_codec"
          ? msg("fixer.soundDropped", { codec: audio.codec ?? "?" })
          : msg("fixer.soundUnreadable");
    conversion.onProgress = (p) => onProgress(p);
    await conversion.execute();
    const buffer = target.buffer;
    if (!buffer) throw new Error("The conversion produced no file.");
    const base = source.name.replace(/\.[^.]+$/, "");
    return { file: new File([buffer], `${base}-fixed.mp4`, { type: "video/mp4" }), audioNote };
  })();
  return {
    promise,
    cancel: () => {
      cancelled = true;
      void conversion?.cancel();
    },
  };
}

export const isCancel = (err: unknown) => err instanceof ConversionCanceledError;
