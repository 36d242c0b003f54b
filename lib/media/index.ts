import "server-only";

// The server's media probe: what the submit path and the model definitions use. See README.md beside this file.
export { DEFAULT_PROBE_LIMITS, type ProbeLimits, type UnprobedReason } from "./range-reader";
export { type ProbeOptions, probeVideoUrl } from "./probe";
export {
  type ImageRules,
  type ProbeVerdict,
  type VideoRules,
  checkImageProbe,
  checkVideoProbe,
} from "./rules";
export { type ImageInputs, imageInputsOf, videoRulesFor } from "./model-rules";
export { DEFAULT_IMAGE_PROBE_LIMITS, probeImageUrl } from "./image-probe";
export {
  DEFAULT_PROBE_CACHE_ENTRIES,
  DEFAULT_PROBE_TTL_MS,
  type FieldMessage,
  type ImageProber,
  type ProbeSubmissionDeps,
  type SubmissionProbeReport,
  type VideoProber,
  type VideoProberOptions,
  byField,
  createImageProber,
  createProbeCheck,
  createVideoProber,
  probeSubmission,
  videoRefusal,
} from "./submission";
export type { Container, ImageFormat, ImageProbeResult, ProbeResult, ProbeStats, ProbedVideo } from "./types";
