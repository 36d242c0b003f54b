import { ConfigError, getEnv } from "./env";
import { startBackgroundWorker } from "./tasks";
import { allowLongUploads } from "./uploads/server-timeouts";

/**
 * What a server process does once at start (Node runtime only): check the configuration, failing fast with the
 * readable message rather than serving errors from a half-configured server; then start the background worker
 * and lift Node's 5-minute request limit for long uploads.
 */
export function boot() {
  try {
    getEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`\n${err.message}\n`);
    process.exit(1);
  }
  startBackgroundWorker();
  allowLongUploads();
}
