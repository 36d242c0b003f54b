import "server-only";
import { getEnv } from "../env";
import { SIMULATOR_BASE_URL, createSimulatorFetch } from "../simulator";
import { getStorage } from "../storage";
import { type FoxClient, createFoxClient } from "./client";

export { UpstreamError } from "./errors";
export type { FoxClient, UploadedFile } from "./client";

let client: FoxClient | undefined;

/**
 * The process's FoxAPI client. With no key configured it talks to the built-in simulator through the same client
 * code; otherwise to FOXAPI_BASE_URL with the server's key, which never leaves this module's requests.
 */
export function getFoxClient(): FoxClient {
  if (client) return client;
  const env = getEnv();
  client = env.simulator
    ? createFoxClient({
        baseUrl: SIMULATOR_BASE_URL,
        apiKey: "simulator",
        fetch: createSimulatorFetch({
          durationMs: env.SIMULATOR_DURATION_MS,
          linkTtlSeconds: env.SIMULATOR_LINK_TTL_SECONDS,
          uploads: getStorage,
        }),
        allowRootRelativeUrls: true,
      })
    : createFoxClient({ baseUrl: env.FOXAPI_BASE_URL, apiKey: env.FOXAPI_API_KEY ?? "" });
  return client;
}

export function resetFoxClientForTests() {
  client = undefined;
}
