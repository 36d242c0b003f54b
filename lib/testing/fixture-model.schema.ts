import { z } from "zod";
import { httpUrl, promptSchema } from "../models/shared";
import { FIXTURE_DURATIONS, FIXTURE_MODEL } from "./fixture-model";

/** The test-only model's request schema (see fixture-model.ts). */
export const fixtureModelSchema = z.object({
  model: z.literal(FIXTURE_MODEL),
  prompt: promptSchema(500),
  image_url: httpUrl("image"),
  // The form sends the choice as text, FoxAPI-style bodies (what the simulator validates) as a number.
  duration: z.preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    z.enum(FIXTURE_DURATIONS, { error: "Choose 5 or 10 seconds." }).default("5"),
  ),
});

export type FixtureRequest = z.output<typeof fixtureModelSchema>;
