import "server-only";

// The server's media probe: what the submit path and the model definitions use. See README.md beside this file.
export { DEFAULT_PROBE_LIMITS, type ProbeLimits, type UnprobedReason } from "./range-reader";
export { type ProbeOptions, probeVideoUrl } from "./probe";
export { type ProbeVerdict, type VideoRules, checkVideoProbe } from "./rules";
export { klingVideoRules, veoVideoRules, videoRulesFor } from "./model-rules";
export {
  DEFAULT_PROBE_CACHE_ENTRIES,
  DEFAULT_PROBE_TTL_MS,
  type FieldMessage,
  type ProbeSubmissionDeps,
  type SubmissionProbeReport,
  type VideoProber,
  type VideoProberOptions,
  byField,
  createProbeCheck,
  createVideoProber,
  probeSubmission,
  videoRefusal,
} from "./submission";
export type { Container, ProbeResult, ProbeStats, ProbedVideo } from "./types";
