import { defineModel } from "../models/definition";
import { MAX_IMAGE_BYTES } from "../models/media";
import type { FixtureRequest } from "./fixture-model.schema";

/**
 * A test-only fourth model: image to video, one image input and a duration choice. It exists to prove that a
 * model is only its definition: registered from a test (or, for the browser test, by RETAKE_FIXTURE_MODELS=1 at
 * start), it goes through the form, the route, the simulator, the task card and the task page with no other
 * file knowing it. Never registered in normal use.
 */
export const FIXTURE_MODEL = "retake-test-image-to-video" as const;
export const FIXTURE_DURATIONS = ["5", "10"] as const;

export const fixtureModel = defineModel<FixtureRequest>({
  id: FIXTURE_MODEL,
  family: "fixture",
  label: "Test Image to Video",
  description: "Animate one still image (test model).",
  promptMaxLength: 500,
  prompt: { label: "Prompt", help: "Describe the motion.", placeholder: "e.g. The leaves sway in the wind" },
  source: {
    field: "image_url",
    kind: "image",
    label: "Image URL",
    help: "JPEG, PNG or WebP, up to 10 MB.",
    placeholder: "https://…/still.png",
    settingsLabel: "Image",
  },
  settings: [
    {
      name: "duration",
      label: "Duration",
      help: "Seconds of video to make.",
      control: { kind: "choice", options: FIXTURE_DURATIONS },
      display: (v) => `${String(v)} s`,
    },
  ],
  defaults: { duration: "5" },
  addsSeconds: 0,
  resultNoun: "Animation",
  sample: (origin) => ({
    prompt: "The colours slowly swirl.",
    image_url: `${origin}/samples/palette-square.png`,
  }),
  mediaTargets: (req) => [
    { field: "image_url", url: req.image_url, kind: "image", maxBytes: MAX_IMAGE_BYTES },
  ],
  referenceMedia: () => null,
  mediaRows: () => [],
  simulator: { code: "t", portrait: () => false },
  upstreamBody: (req) => ({
    model: req.model,
    prompt: req.prompt,
    image_url: req.image_url,
    duration: Number(req.duration),
  }),
});
