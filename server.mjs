// The production server that `npm start` (and so `scripts/studio.sh`) runs: Next's own request handler inside a
// plain Node HTTP server, for one reason. Next 16.4 drops `Content-Length` from every route handler's response
// (`sendResponse`, FORBIDDEN_HEADERS), so a stored result or a simulator file would go out chunked, with no size
// for a browser's progress bar or a player's seeking. Route handlers still decide everything (access, Range, type,
// download name) and stream the bytes; `lib/http/serve-file.ts` also puts the length in an internal header, and
// this server turns that header back into `Content-Length` as the headers go out. Every other response passes
// through untouched. Plain JavaScript, so production needs no TypeScript loader.
//
// Environment: HOST (default 127.0.0.1: loopback unless you say otherwise), PORT (default 3000), and everything
// the app reads (see the README). NEXT_DIST_DIR picks the build folder, as for `next build`.
import http from "node:http";
import path from "node:path";

/** Must match LENGTH_CARRIER in lib/http/serve-file.ts. */
export const LENGTH_CARRIER = "x-retake-content-length";

/** Must match SSE_CARRIER in lib/live/sse.ts: the ticket of a live event stream the route registered. */
export const SSE_CARRIER = "x-retake-sse";
/** Ticket → attach, shared with the Next bundle in this process (lib/live/sse.ts reads it). */
const SSE_REGISTRY = Symbol.for("retake.sseResponses");

/**
 * Lets an event stream outlive Next's request (issue 16): the route checks access and registers the stream, then
 * answers with a ticket and no body; when Next ends that response, the headers go out, the ending is skipped, and
 * the stream gets the raw response, so Next's per-request state is freed while the stream stays open (about 80 KiB
 * per stream otherwise). A ticket nobody registered ends the response as usual (empty: the page reconnects).
 */
export function carryEventStream(res, registry = globalThis[SSE_REGISTRY]) {
  const end = res.end;
  const writeHead = res.writeHead;
  let ticket;
  // Next may commit the headers before ending: the carrier is taken off as they go out, whichever comes first.
  res.writeHead = function carrierWriteHead(...args) {
    ticket ??= this.getHeader(SSE_CARRIER);
    this.removeHeader(SSE_CARRIER);
    return writeHead.apply(this, args);
  };
  res.end = function patchedEnd(...args) {
    if (!this.headersSent) {
      ticket ??= this.getHeader(SSE_CARRIER);
      this.removeHeader(SSE_CARRIER);
    }
    if (ticket === undefined) return end.apply(this, args);
    this.end = end;
    const attach = typeof ticket === "string" ? registry?.get(ticket) : undefined;
    if (!attach || args.some((a) => a !== undefined && typeof a !== "function")) return end.apply(this, args);
    if (!this.headersSent) this.flushHeaders();
    attach(this);
    const done = args.find((a) => typeof a === "function");
    if (done) queueMicrotask(done);
    return this;
  };
}

/** How long a SIGTERM/SIGINT waits for requests in flight (a download, an upload) before closing them. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Wraps `res.writeHead`, the one place Node commits a response's headers (`end()`, `write()` and
 * `flushHeaders()` all pass through it), so the carried length becomes `Content-Length` exactly when the headers
 * are sent. The carrier is always removed. The length is set only when nothing re-encoded the body (no
 * `Content-Encoding`, e.g. from compression) and no length or transfer coding is set already.
 */
export function restoreContentLength(res) {
  const writeHead = res.writeHead;
  res.writeHead = function patchedWriteHead(...args) {
    let carried = this.getHeader(LENGTH_CARRIER);
    this.removeHeader(LENGTH_CARRIER);
    // Headers given to writeHead itself (Next doesn't, but a caller may) are honoured the same way.
    const given = args.find((a, i) => i > 0 && a && typeof a === "object" && !Array.isArray(a));
    if (given) {
      for (const key of Object.keys(given))
        if (key.toLowerCase() === LENGTH_CARRIER) {
          carried = given[key];
          delete given[key];
        }
    }
    const has = (name) =>
      this.hasHeader(name) || (given && Object.keys(given).some((k) => k.toLowerCase() === name));
    if (
      typeof carried === "string" &&
      /^\d{1,15}$/.test(carried) &&
      !has("content-length") &&
      !has("content-encoding") &&
      !has("transfer-encoding")
    )
      this.setHeader("content-length", carried);
    return writeHead.apply(this, args);
  };
}

function readPort(raw) {
  if (raw === undefined || raw === "") return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`\nPORT must be a whole number from 0 to 65535; got "${raw}".\n`);
    process.exit(1);
  }
  return port;
}

async function main() {
  // Set before Next loads, as `next start` does: React and Next pick their production paths from it.
  process.env.NODE_ENV = "production";
  process.env.NEXT_PRIVATE_START_TIME ??= String(Date.now());
  const hostname = process.env.HOST || "127.0.0.1";
  const port = readPort(process.env.PORT);
  const dir = import.meta.dirname;

  globalThis[SSE_REGISTRY] ??= new Map();
  const { default: next } = await import("next");
  const server = http.createServer();
  const app = next({ dev: false, dir, hostname, port, httpServer: server });
  await app.prepare();
  const handle = app.getRequestHandler();

  server.on("request", (req, res) => {
    restoreContentLength(res);
    carryEventStream(res);
    handle(req, res).catch((err) => {
      console.error(`Failed to handle ${req.method ?? "?"} ${req.url ?? "?"}:`, err);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end("Internal Server Error");
      } else res.destroy();
    });
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  // What `next start` exposes to the app once it listens.
  process.env.PORT = String(actualPort);
  process.env.__NEXT_PRIVATE_ORIGIN = `http://${host}:${String(actualPort)}`;
  console.log(`Retake is ready on http://${host}:${String(actualPort)}`);

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    // Stop taking connections, let requests in flight finish (idle keep-alive sockets are closed at once), then
    // let Next clean up. A download that outlasts the grace period is cut rather than holding the exit forever.
    // Live event streams never finish by themselves: the app ends them first (lib/live/runtime.ts registers the
    // hook), so the pages reconnect elsewhere and the grace period is left to downloads and uploads.
    for (const hook of globalThis[Symbol.for("retake.shutdownHooks")] ?? [])
      Promise.resolve()
        .then(hook)
        .catch((err) => console.error("[shutdown]", err));
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      app
        .close()
        .catch((err) => console.error(err))
        .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

// Imported by the tests for `restoreContentLength`; run as a program by `npm start`.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main().catch((err) => {
    console.error("Retake's server failed to start:", err);
    process.exit(1);
  });
}
