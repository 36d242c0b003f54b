import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { UPLOAD_REQUEST_TIMEOUT_MS, allowLongUploads } from "./server-timeouts";

it("raises a server's whole-request timeout when it serves its first request", async () => {
  allowLongUploads();
  const server = http.createServer({ requestTimeout: 300_000 }, (_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  expect(server.requestTimeout).toBe(300_000);
  const res = await fetch(`http://127.0.0.1:${String(port)}/`);
  expect(await res.text()).toBe("ok");
  expect(server.requestTimeout).toBe(UPLOAD_REQUEST_TIMEOUT_MS);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
