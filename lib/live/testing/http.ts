import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny loopback server that answers with a Web `Response`, the way Next's server does for a route handler: the
 * request's signal aborts when the client goes away, and the body is written with backpressure (a reader that stops
 * reading stops the stream's `pull`). Tests of the SSE hub go through real sockets with it.
 */
export async function serveWebHandler(
  handler: (req: Request) => Promise<Response>,
  /** Each response first goes through this, as server.mjs does with its carriers. */
  wrap?: (res: http.ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    wrap?.(res);
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
      method: req.method,
      headers,
      signal: controller.signal,
    });
    void (async () => {
      const response = await handler(request);
      // As Next does: headers set on the response, then end() for a bodiless one (where server.mjs's carrier acts).
      res.statusCode = response.status;
      for (const [k, v] of response.headers) res.setHeader(k, v);
      if (!response.body) return void res.end();
      res.flushHeaders();
      const reader = response.body.getReader();
      res.on("close", () => void reader.cancel().catch(() => undefined));
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (!res.write(value)) await new Promise<void>((r) => res.once("drain", r).once("close", r));
          if (res.destroyed) break;
        }
      } catch {
        // The stream errored (the hub cut a reader that fell behind) or the client went away: drop the
        // connection, as Next does, rather than end it cleanly.
        res.destroy();
        return;
      }
      res.end();
    })().catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
