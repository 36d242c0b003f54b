import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LENGTH_CARRIER as SERVER_CARRIER, restoreContentLength } from "../../server.mjs";
import { LENGTH_CARRIER } from "./serve-file";

// server.mjs's one job besides running Next, on a real socket: the end-to-end proof through `npm start` is
// e2e/serving.spec.ts.

type Handler = (res: http.ServerResponse) => void;
let handler: Handler = () => undefined;
let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    restoreContentLength(res);
    handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(): Promise<{ headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(base, { agent: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

describe("restoreContentLength", () => {
  it("names the same internal header as serveFile", () => {
    expect(SERVER_CARRIER).toBe(LENGTH_CARRIER);
  });

  it("turns the carried length into Content-Length as the headers go out, and removes the carrier", async () => {
    handler = (res) => {
      res.setHeader(LENGTH_CARRIER, "5");
      res.write("he");
      res.end("llo");
    };
    const { headers, body } = await get();
    expect([headers["content-length"], headers["transfer-encoding"], headers[LENGTH_CARRIER], body]).toEqual([
      "5",
      undefined,
      undefined,
      "hello",
    ]);
  });

  it("honours a carrier given to writeHead itself", async () => {
    handler = (res) => {
      res.writeHead(200, { [LENGTH_CARRIER]: "2", "Content-Type": "text/plain" });
      res.end("ok");
    };
    const { headers } = await get();
    expect([headers["content-length"], headers[LENGTH_CARRIER], headers["content-type"]]).toEqual([
      "2",
      undefined,
      "text/plain",
    ]);
  });

  it.each([
    ["a re-encoded body (compression)", { "Content-Encoding": "identity", [LENGTH_CARRIER]: "5" }],
    ["a value that is not a length", { [LENGTH_CARRIER]: "5, 6" }],
    ["no carrier at all", {}],
  ])("leaves the length alone for %s", async (_what, set: Record<string, string>) => {
    handler = (res) => {
      for (const [name, value] of Object.entries(set)) res.setHeader(name, value);
      res.write("he");
      res.end("llo");
    };
    const { headers, body } = await get();
    expect([headers["content-length"], headers["transfer-encoding"], headers[LENGTH_CARRIER], body]).toEqual([
      undefined,
      "chunked",
      undefined,
      "hello",
    ]);
  });
});
