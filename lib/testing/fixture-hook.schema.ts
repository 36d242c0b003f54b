import { fixtureModel } from "./fixture-model";
import { fixtureModelSchema } from "./fixture-model.schema";

export { fixtureModelsEnabled } from "./fixture-hook";

/** The test-only models with their schemas, for the schema registry (lib/models/index.ts). */
export const fixtureModelSchemas = () => [[fixtureModel, fixtureModelSchema] as const];
