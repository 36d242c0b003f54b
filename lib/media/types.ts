import type { UnprobedReason } from "./range-reader";

/** Containers the probe can name. Only `mp4` and `mov` are what FoxAPI's pages accept. */
export type Container = "mp4" | "mov" | "webm" | "mkv";

/** A clip as a player would show it. */
export interface ProbedVideo {
  durationSeconds: number;
  /** Display width and height: pixel aspect and rotation applied (a phone's 1280×720 + 90° is 720×1280). */
  width: number;
  height: number;
  /** Clockwise degrees recorded in the file (0, 90, 180, 270); already applied to width and height. */
  rotation: number;
  /** Average frames per second over the first packets; null when the clip has a single frame. */
  frameRate: number | null;
  codec: string | null;
}

/** What a probe cost: proof that each one stays within its bounds. */
export interface ProbeStats {
  requests: number;
  bytesRead: number;
  elapsedMs: number;
}

export type ProbeResult =
  | {
      status: "probed";
      url: string;
      container: Container;
      /** The whole file's size, from `Content-Range`. */
      sizeBytes: number;
      /** Null when the file has no video track (an audio-only MP4). */
      video: ProbedVideo | null;
      stats: ProbeStats;
    }
  | {
      status: "unprobed";
      url: string;
      reason: UnprobedReason;
      /** Why, in words that continue "Our server couldn't measure this clip before sending it: …" (no final stop). */
      message: string;
      /** The size the host declared, when it did: a clip over a size limit is refused even unmeasured. */
      sizeBytes: number | null;
      stats: ProbeStats;
    };

/** Image formats the image probe can name. */
export type ImageFormat = "png" | "jpeg" | "webp" | "gif";

/** A reference image's measured size, or why it couldn't be measured. */
export type ImageProbeResult =
  | {
      status: "probed";
      url: string;
      format: ImageFormat;
      width: number;
      height: number;
      sizeBytes: number;
      stats: ProbeStats;
    }
  | {
      status: "unprobed";
      url: string;
      reason: UnprobedReason;
      message: string;
      sizeBytes: number | null;
      stats: ProbeStats;
    };
