import fs from "node:fs";
import path from "node:path";
import { SIMULATOR_FILES_PATH, simulatorLinkValid } from "./index";

/** The simulator's "CDN": the result clips it hands out, served from the bundled samples. */
const RESULTS = new Set(["result-16x9.mp4", "result-9x16.mp4"]);

export function simulatorFilePath(name: string): string | null {
  return RESULTS.has(name) ? path.join(process.cwd(), "public", "samples", name) : null;
}

/** Whether a (root-relative) URL is one of the simulator's result links. */
export function isSimulatorResultUrl(url: string): boolean {
  return url.startsWith(`${SIMULATOR_FILES_PATH}/`);
}

/**
 * Opens a simulator result link the way a CDN would: refused once it has expired, so the archive path is tested
 * against the same 24 h cliff as FoxAPI's links.
 */
export function openSimulatorResult(url: string): fs.ReadStream {
  const u = new URL(url, "http://simulator.local");
  const name = u.pathname.slice(SIMULATOR_FILES_PATH.length + 1);
  const file = simulatorFilePath(name);
  if (!file) throw new Error("No such simulator file.");
  if (!simulatorLinkValid(u.searchParams.get("expires")))
    throw new Error("The result link has expired (410).");
  return fs.createReadStream(file);
}
