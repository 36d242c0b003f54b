import { ConfigError, getEnv } from "./env";
import { getChangeBus } from "./live/runtime";
import { getDb, startBackgroundWorker } from "./tasks";
import { allowLongUploads } from "./uploads/server-timeouts";

/**
 * What a server process does once at start (Node runtime only): check the configuration, failing fast with the
 * readable message rather than serving errors from a half-configured server; migrate the database (once, even
 * when several replicas start together) and stop if it can't be reached; then start the background worker and
 * lift Node's 5-minute request limit for long uploads.
 */
export function boot() {
  try {
    getEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`\n${err.message}\n`);
    process.exit(1);
  }
  let ready: Promise<void>;
  try {
    ready = getDb().ready;
  } catch (err) {
    ready = Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  ready.catch((err: unknown) => {
    console.error(
      `\nRetake could not prepare its database: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
  // Team accounts: the first admin from ADMIN_EMAIL / ADMIN_PASSWORD, once the schema is there. Sign-in tries again
  // if this fails (the database not reachable yet), so a failure here is logged, never fatal.
  if (getEnv().authMode === "accounts")
    ready
      .then(async () => (await import("./auth/accounts")).ensureFirstAdmin())
      .catch((err: unknown) =>
        console.error("[auth] creating the first admin failed:", err instanceof Error ? err.message : err),
      );
  startBackgroundWorker();
  // Live results: this replica's changes reach pages on every replica, even before a page connects here.
  getChangeBus().catch((err: unknown) =>
    console.error("[live] the change bus did not start:", err instanceof Error ? err.message : err),
  );
  allowLongUploads();
}
