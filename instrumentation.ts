// Next.js calls register() once when a server process starts: the place to check configuration and start
// background work.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { getEnv, ConfigError } = await import("./lib/env");
  try {
    getEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Fail fast with the readable message alone, rather than serve errors from a half-configured server.
    console.error(`\n${err.message}\n`);
    process.exit(1);
  }
  const { startBackgroundWorker } = await import("./lib/tasks");
  startBackgroundWorker();
  // Large uploads stream for longer than Node's default 5-minute request limit.
  const { allowLongUploads } = await import("./lib/uploads/server-timeouts");
  allowLongUploads();
}
