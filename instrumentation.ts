// Next.js calls register() once when a server process starts. The work is Node-only, so it lives in lib/boot.ts
// and is imported only in the Node runtime (the Edge build of this file never sees it).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { boot } = await import("./lib/boot");
  boot();
}
