// Next.js calls register() once when a server process starts: the place to start background work.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { startBackgroundWorker } = await import("./lib/tasks");
  startBackgroundWorker();
  // Large uploads stream for longer than Node's default 5-minute request limit.
  const { allowLongUploads } = await import("./lib/uploads/server-timeouts");
  allowLongUploads();
}
