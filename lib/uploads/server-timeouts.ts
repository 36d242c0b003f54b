import { subscribe } from "node:diagnostics_channel";

/**
 * Node's HTTP server cuts any request that takes longer than `requestTimeout` (300 s by default) to arrive, and
 * server.mjs (like `next start`) keeps that default. A 200 MB clip on an uplink slower than about 5.5 Mbit/s needs
 * longer, so the server's limit is raised, the first time it serves a request, to just above the upload client's
 * own limit. A browser that stops sending is still cut after a minute by the relay's idle watchdog, and slow
 * headers by Node's `headersTimeout`.
 */
export const UPLOAD_REQUEST_TIMEOUT_MS = 65 * 60_000;

let installed = false;

export function allowLongUploads(): void {
  if (installed) return;
  installed = true;
  subscribe("http.server.request.start", (message) => {
    const server = (message as { server?: { requestTimeout?: unknown } }).server;
    if (
      server &&
      typeof server.requestTimeout === "number" &&
      server.requestTimeout !== 0 &&
      server.requestTimeout < UPLOAD_REQUEST_TIMEOUT_MS
    )
      server.requestTimeout = UPLOAD_REQUEST_TIMEOUT_MS;
  });
}
