import { fixtureModel } from "./fixture-model";

/**
 * The browser test's way to put the test-only model into a production build: `RETAKE_FIXTURE_MODELS=1` when the
 * server starts. The server's pages mark the document with `data-retake-fixture-models` so the browser's copy of
 * the registry does the same. Without the variable nothing is registered and nothing a user sees changes.
 */
export function fixtureModelsEnabled(): boolean {
  if (typeof document !== "undefined") return document.documentElement.dataset.retakeFixtureModels === "1";
  return typeof process !== "undefined" && process.env.RETAKE_FIXTURE_MODELS === "1";
}

export const fixtureModelInfos = [fixtureModel];
