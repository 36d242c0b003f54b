import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  GuardedFetchError,
  type GuardedFetchErrorCode,
  checkUrlTarget,
  guardedFetch,
  guardedFetchBuffer,
  isFetchableAddress,
} from "./guarded-fetch";

// Every server here listens on 127.0.0.1 and counts raw TCP connections, so "refused before connecting"
// is checked against the socket layer itself rather than against a mock.

interface TestServer {
  port: number;
  origin: string;
  connections: number;
  requests: { url: string; headers: http.IncomingHttpHeaders }[];
  /** SNI names seen by a TLS server (empty for plain HTTP). */
  servernames: string[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function startServer(
  handler: http.RequestListener,
  tls?: { key: string; cert: string },
): Promise<TestServer> {
  const state: TestServer = {
    port: 0,
    origin: "",
    connections: 0,
    requests: [],
    servernames: [],
    close: () => Promise.resolve(),
  };
  const record: http.RequestListener = (req, res) => {
    state.requests.push({ url: req.url ?? "", headers: req.headers });
    handler(req, res);
  };
  const server = tls
    ? https.createServer(
        {
          ...tls,
          SNICallback: (name, cb) => {
            state.servernames.push(name);
            cb(null);
          },
        },
        record,
      )
    : http.createServer(record);
  // Counted on the raw TCP socket, so even a connection that never sends a request shows up.
  server.on("connection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `${tls ? "https" : "http"}://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  servers.push(state);
  return state;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function expectCode(
  promise: Promise<unknown>,
  code: GuardedFetchErrorCode,
): Promise<GuardedFetchError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected a ${code} error, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GuardedFetchError);
  expect((err as GuardedFetchError).code).toBe(code);
  return err as GuardedFetchError;
}

const hello: http.RequestListener = (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "X-Custom-Header": "yes" });
  res.end("hello");
};

function redirectTo(location: string, status = 302): http.RequestListener {
  return (_req, res) => {
    res.writeHead(status, { location });
    res.end("redirect body that must not matter");
  };
}

type LookupAll = (hostname: string, options: dns.LookupAllOptions) => Promise<dns.LookupAddress[]>;

function fakeDns(answers: Record<string, dns.LookupAddress[]>) {
  return vi.spyOn(dns.promises, "lookup").mockImplementation(((hostname: string) => {
    const found = answers[hostname];
    if (!found) {
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }),
      );
    }
    return Promise.resolve(found);
  }) as LookupAll as typeof dns.promises.lookup);
}

describe("isFetchableAddress", () => {
  it.each([
    ["127.0.0.1"],
    ["127.255.255.254"],
    ["::1"],
    ["10.0.0.1"],
    ["172.16.0.1"],
    ["172.31.255.255"],
    ["192.168.1.1"],
    ["169.254.169.254"],
    ["fe80::1"],
    ["fc00::1"],
    ["fd12:3456::1"],
    ["100.64.0.1"],
    ["0.0.0.0"],
    ["0.1.2.3"],
    ["::"],
    ["255.255.255.255"],
    ["224.0.0.1"],
    ["ff02::1"],
    ["192.0.2.1"],
    ["198.51.100.7"],
    ["203.0.113.9"],
    ["198.18.0.1"],
    ["240.0.0.1"],
    ["2001:db8::1"],
    ["::ffff:127.0.0.1"],
    ["::ffff:7f00:1"],
    ["::ffff:10.0.0.1"],
    ["::ffff:169.254.169.254"],
    ["2002:a00:1::"], // 6to4 wrapping 10.0.0.1
    ["2002:7f00:1::"], // 6to4 wrapping 127.0.0.1
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2"], // Teredo
    ["64:ff9b::a00:1"], // NAT64 of 10.0.0.1
    ["64:ff9b::7f00:1"], // NAT64 of 127.0.0.1
    ["::7f00:1"], // deprecated IPv4-compatible form of 127.0.0.1
    ["localhost"],
    ["not-an-address"],
    [""],
  ])("refuses %s", (address) => {
    expect(isFetchableAddress(address)).toBe(false);
  });

  it.each([
    ["8.8.8.8"],
    ["1.1.1.1"],
    ["172.32.0.1"],
    ["100.128.0.1"],
    ["2606:4700:4700::1111"],
    ["::ffff:8.8.8.8"],
  ])("allows the public address %s", (address) => {
    expect(isFetchableAddress(address)).toBe(true);
  });

  it("allows loopback only when asked, and nothing else private with it", () => {
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
      expect(isFetchableAddress(address, { allowLoopback: true })).toBe(true);
    }
    for (const address of ["10.0.0.1", "169.254.169.254", "0.0.0.0", "::", "fe80::1"]) {
      expect(isFetchableAddress(address, { allowLoopback: true })).toBe(false);
    }
  });

  it("judges an IPv4-mapped IPv6 address exactly like the IPv4 address inside it", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.boolean(), (v4, allowLoopback) => {
        expect(isFetchableAddress(`::ffff:${v4}`, { allowLoopback })).toBe(
          isFetchableAddress(v4, { allowLoopback }),
        );
      }),
    );
  });
});

describe("URL checks", () => {
  it.each([
    ["ftp://example.com/file"],
    ["file:///etc/passwd"],
    ["data:text/plain,hello"],
    ["javascript:alert(1)"],
    ["gopher://127.0.0.1:70/"],
    ["ws://example.com/"],
  ])("refuses the scheme of %s", async (url) => {
    const err = await expectCode(guardedFetch(url), "scheme_not_allowed");
    expect(err.message).toMatch(/http:\/\/ and https:\/\//);
  });

  it.each([["http://user:secret@example.com/"], ["http://user@127.0.0.1/"], ["https://:pw@example.com/"]])(
    "refuses credentials in %s",
    async (url) => {
      const err = await expectCode(guardedFetch(url, { allowLoopback: true }), "credentials_in_url");
      expect(err.message).not.toContain("secret");
    },
  );

  it.each([["not a url"], [""], ["http://"], ["//example.com/x"]])("refuses %j as invalid", async (url) => {
    await expectCode(guardedFetch(url), "invalid_url");
  });

  it("checkUrlTarget reports why without connecting, and the addresses when fine", async () => {
    const server = await startServer(hello);
    expect(await checkUrlTarget(`http://127.0.0.1:${server.port}/`)).toEqual({
      ok: false,
      code: "blocked_address",
      reason: "That address points back at our own server, which it will not fetch.",
    });
    expect(await checkUrlTarget("http://10.1.2.3/")).toMatchObject({
      ok: false,
      code: "blocked_address",
      reason: "That address is on a private network, which our server will not fetch.",
    });
    expect(await checkUrlTarget("ftp://example.com/")).toMatchObject({
      ok: false,
      code: "scheme_not_allowed",
    });
    expect(await checkUrlTarget("http://8.8.8.8/")).toEqual({ ok: true, addresses: ["8.8.8.8"] });
    const local = await checkUrlTarget(`http://localhost:${server.port}/`, { allowLoopback: true });
    expect(local.ok).toBe(true);
    if (local.ok)
      expect(local.addresses.every((a) => isFetchableAddress(a, { allowLoopback: true }))).toBe(true);
    expect(server.connections).toBe(0);
  });
});

describe("addresses refused before any connection", () => {
  // Each builds a URL that would reach the test server (or a private host) if it were allowed.
  const cases: [string, (port: number) => string][] = [
    ["plain loopback", (p) => `http://127.0.0.1:${p}/`],
    ["another 127/8 address", (p) => `http://127.0.0.2:${p}/`],
    ["localhost", (p) => `http://localhost:${p}/`],
    ["LOCALHOST with a root dot", (p) => `http://LOCALHOST.:${p}/`],
    ["a *.localhost name", (p) => `http://app.localhost:${p}/`],
    ["IPv6 loopback", (p) => `http://[::1]:${p}/`],
    ["IPv4-mapped loopback (dotted)", (p) => `http://[::ffff:127.0.0.1]:${p}/`],
    ["IPv4-mapped loopback (hex)", (p) => `http://[::ffff:7f00:1]:${p}/`],
    ["decimal IPv4", (p) => `http://2130706433:${p}/`],
    ["hex IPv4", (p) => `http://0x7f000001:${p}/`],
    ["dotted hex IPv4", (p) => `http://0x7f.1:${p}/`],
    ["octal IPv4", (p) => `http://0177.0.0.1:${p}/`],
    ["short IPv4", (p) => `http://127.1:${p}/`],
    ["0.0.0.0", (p) => `http://0.0.0.0:${p}/`],
    ["0 (=0.0.0.0)", (p) => `http://0:${p}/`],
    ["IPv6 unspecified", (p) => `http://[::]:${p}/`],
    ["https loopback", (p) => `https://127.0.0.1:${p}/`],
    ["cloud metadata (link-local)", () => "http://169.254.169.254/latest/meta-data/"],
    ["10/8", () => "http://10.0.0.1/"],
    ["172.16/12", () => "http://172.16.5.4:8080/"],
    ["192.168/16", () => "http://192.168.0.1/"],
    ["CGNAT", () => "http://100.64.0.1/"],
    ["broadcast", () => "http://255.255.255.255/"],
    ["multicast", () => "http://224.0.0.251/"],
    ["documentation range", () => "http://192.0.2.10/"],
    ["benchmarking range", () => "http://198.18.0.1/"],
    ["IPv6 link-local", () => "http://[fe80::1]/"],
    ["IPv6 unique-local", () => "http://[fd00::1]/"],
    ["IPv4-mapped private", () => "http://[::ffff:10.0.0.1]/"],
    ["6to4 wrapping a private address", () => "http://[2002:a00:1::]/"],
    ["NAT64 wrapping a private address", () => "http://[64:ff9b::a00:1]/"],
  ];

  it.each(cases)("%s", async (_name, build) => {
    const server = await startServer(hello);
    const err = await expectCode(guardedFetch(build(server.port)), "blocked_address");
    expect(err.message).toMatch(/will not fetch/);
    expect(server.connections).toBe(0);
  });

  it("names the problem in plain words", async () => {
    const messages = await Promise.all(
      ["http://10.0.0.1/", "http://169.254.169.254/", "http://127.0.0.1/", "http://0.0.0.0/"].map((url) =>
        guardedFetch(url).catch((e: unknown) => (e as Error).message),
      ),
    );
    expect(messages).toEqual([
      "That address is on a private network, which our server will not fetch.",
      expect.stringMatching(/link-local .*metadata/),
      "That address points back at our own server, which it will not fetch.",
      expect.stringMatching(/doesn't name a real server/),
    ]);
  });

  it("refuses link-local and private targets even with allowLoopback", async () => {
    await expectCode(guardedFetch("http://169.254.169.254/", { allowLoopback: true }), "blocked_address");
    await expectCode(guardedFetch("http://10.0.0.1/", { allowLoopback: true }), "blocked_address");
    await expectCode(guardedFetch("http://0.0.0.0/", { allowLoopback: true }), "blocked_address");
  });
});

describe("fetching with allowLoopback", () => {
  it("works against a loopback server and returns status, lowercased headers, final url and body", async () => {
    const server = await startServer(hello);
    const res = await guardedFetch(`${server.origin}/a?b=1#frag`, { allowLoopback: true });
    expect(res.status).toBe(200);
    expect(res.headers["x-custom-header"]).toBe("yes");
    expect(res.headers["content-type"]).toBe("text/plain");
    expect(res.url).toBe(`${server.origin}/a?b=1#frag`);
    expect((await readAll(res.body)).toString()).toBe("hello");
    expect(server.requests[0]?.url).toBe("/a?b=1");
  });

  it("resolves localhost through DNS and connects", async () => {
    const server = await startServer(hello);
    const res = await guardedFetchBuffer(`http://localhost:${server.port}/`, { allowLoopback: true });
    expect(res.body.toString()).toBe("hello");
    expect(server.requests[0]?.headers.host).toBe(`localhost:${server.port}`);
  });

  it("sends the caller's headers and asks for an unencoded body", async () => {
    const server = await startServer(hello);
    await guardedFetchBuffer(server.origin, {
      allowLoopback: true,
      headers: { "User-Agent": "retake-test" },
    });
    expect(server.requests[0]?.headers["user-agent"]).toBe("retake-test");
    expect(server.requests[0]?.headers["accept-encoding"]).toBe("identity");
  });

  it("returns non-2xx statuses instead of throwing", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("secret upstream error page");
    });
    const res = await guardedFetchBuffer(server.origin, { allowLoopback: true });
    expect(res.status).toBe(404);
    expect(res.body.toString()).toBe("secret upstream error page");
  });

  it("supports HEAD and doesn't apply the body limit to a HEAD's content-length", async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { "content-length": "5000" });
      res.end(req.method === "HEAD" ? undefined : "x".repeat(5000));
    });
    const res = await guardedFetchBuffer(server.origin, {
      allowLoopback: true,
      method: "HEAD",
      maxBytes: 10,
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe("5000");
    expect(res.body.length).toBe(0);
  });

  it("reports a closed port as connection_failed", async () => {
    const server = await startServer(hello);
    const origin = server.origin;
    await server.close();
    const err = await expectCode(guardedFetch(origin, { allowLoopback: true }), "connection_failed");
    expect(err.message).toBe("The server at 127.0.0.1 refused the connection.");
  });

  it("reports a connection cut mid-body as connection_failed", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("partial");
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await expectCode(guardedFetchBuffer(server.origin, { allowLoopback: true }), "connection_failed");
  });
});

describe("redirects", () => {
  it.each([301, 302, 303, 307, 308])("follows a %i", async (status) => {
    const target = await startServer(hello);
    const start = await startServer(redirectTo(`${target.origin}/landed`, status));
    const res = await guardedFetchBuffer(`${start.origin}/start`, { allowLoopback: true });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${target.origin}/landed`);
    expect(res.body.toString()).toBe("hello");
  });

  it("resolves relative Locations against the current URL", async () => {
    const server = await startServer((req, res) => {
      if (req.url === "/dir/start") res.writeHead(302, { location: "next?x=1" }).end();
      else if (req.url === "/dir/next?x=1") res.writeHead(301, { location: "/root/final" }).end();
      else if (req.url === "/root/final") res.writeHead(200).end("final");
      else res.writeHead(500).end();
    });
    const res = await guardedFetchBuffer(`${server.origin}/dir/start`, { allowLoopback: true });
    expect(res.url).toBe(`${server.origin}/root/final`);
    expect(res.body.toString()).toBe("final");
    expect(server.requests.map((r) => r.url)).toEqual(["/dir/start", "/dir/next?x=1", "/root/final"]);
  });

  function chainServer(): Promise<TestServer> {
    // /hop/N redirects to /hop/N-1; /hop/0 answers.
    return startServer((req, res) => {
      const n = Number(/^\/hop\/(\d+)$/.exec(req.url ?? "")?.[1] ?? "0");
      if (n === 0) res.writeHead(200).end("end of chain");
      else res.writeHead(302, { location: `/hop/${n - 1}` }).end();
    });
  }

  it("follows exactly maxRedirects hops (default 3) and refuses one more", async () => {
    const server = await chainServer();
    const ok = await guardedFetchBuffer(`${server.origin}/hop/3`, { allowLoopback: true });
    expect(ok.body.toString()).toBe("end of chain");

    const err = await expectCode(
      guardedFetch(`${server.origin}/hop/4`, { allowLoopback: true }),
      "too_many_redirects",
    );
    expect(err.message).toBe("The address redirected more than 3 times, so we stopped following it.");

    await expectCode(
      guardedFetch(`${server.origin}/hop/2`, { allowLoopback: true, maxRedirects: 1 }),
      "too_many_redirects",
    );
    await expectCode(
      guardedFetch(`${server.origin}/hop/1`, { allowLoopback: true, maxRedirects: 0 }),
      "too_many_redirects",
    );
  });

  it("refuses a redirect loop", async () => {
    const server = await startServer(redirectTo("/"));
    await expectCode(guardedFetch(server.origin, { allowLoopback: true }), "too_many_redirects");
    expect(server.requests).toHaveLength(4); // the first request plus the 3 allowed hops
  });

  it("refuses a redirect into link-local or private space before connecting", async () => {
    for (const target of [
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/",
      "http://[::ffff:192.168.0.1]/",
    ]) {
      const server = await startServer(redirectTo(target));
      await expectCode(guardedFetch(server.origin, { allowLoopback: true }), "blocked_address");
    }
  });

  it("refuses a redirect from an allowed address into loopback (test policy permits only the first server)", async () => {
    const inner = await startServer(hello);
    // Only 127.0.0.1 is allowed on top of the real policy, and allowLoopback stays off, so this stands in
    // for "public server redirects to our own machine".
    const policy = (address: string) => address === "127.0.0.1" || isFetchableAddress(address);
    for (const target of [
      `http://localhost:${inner.port}/`,
      `http://[::1]:${inner.port}/`,
      `http://127.0.0.2:${inner.port}/`,
      `http://2130706434:${inner.port}/`, // 127.0.0.2 written in decimal
      "http://10.0.0.1/",
      "http://169.254.169.254/",
    ]) {
      const outer = await startServer(redirectTo(target));
      await expectCode(guardedFetch(outer.origin, { policy }), "blocked_address");
      expect(outer.connections).toBe(1);
    }
    expect(inner.connections).toBe(0);

    // Sanity check: the same policy lets the first hop through on its own.
    const direct = await guardedFetchBuffer(inner.origin, { policy });
    expect(direct.body.toString()).toBe("hello");
  });

  it("re-checks scheme and credentials on every hop", async () => {
    const toFile = await startServer(redirectTo("file:///etc/passwd"));
    await expectCode(guardedFetch(toFile.origin, { allowLoopback: true }), "scheme_not_allowed");
    const toCreds = await startServer(redirectTo(`http://admin:pw@127.0.0.1:${toFile.port}/`));
    await expectCode(guardedFetch(toCreds.origin, { allowLoopback: true }), "credentials_in_url");
    expect(toFile.connections).toBe(1);
  });

  it("drops authorization and cookies when a redirect changes origin, keeps them on the same origin", async () => {
    const other = await startServer(hello);
    const start = await startServer((req, res) => {
      if (req.url === "/same") res.writeHead(302, { location: "/cross" }).end();
      else res.writeHead(302, { location: `http://localhost:${other.port}/` }).end();
    });
    await guardedFetchBuffer(`${start.origin}/same`, {
      allowLoopback: true,
      headers: { Authorization: "Bearer t0ken", Cookie: "a=b", "X-Keep": "1" },
    });
    expect(start.requests[1]?.headers.authorization).toBe("Bearer t0ken");
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers.cookie).toBeUndefined();
    expect(other.requests[0]?.headers["x-keep"]).toBe("1");
  });

  it("doesn't wait for a redirect's own body", async () => {
    const server = await startServer((req, res) => {
      if (req.url === "/final") return res.writeHead(200).end("done");
      res.writeHead(302, { location: "/final", "content-length": "1000000" });
      res.write("never finished");
    });
    const res = await guardedFetchBuffer(server.origin, { allowLoopback: true, timeoutMs: 2000 });
    expect(res.body.toString()).toBe("done");
  });

  it("returns a 3xx without a Location as it is", async () => {
    const server = await startServer((_req, res) => res.writeHead(300).end("choices"));
    const res = await guardedFetchBuffer(server.origin, { allowLoopback: true });
    expect(res.status).toBe(300);
  });
});

describe("size limit", () => {
  it("refuses a declared content-length over maxBytes before reading", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.end("x".repeat(1000));
    });
    const err = await expectCode(
      guardedFetch(server.origin, { allowLoopback: true, maxBytes: 100 }),
      "too_large",
    );
    expect(err.message).toBe("The file is larger than the 100 bytes limit.");
  });

  it("refuses an oversized declared length without waiting for the body", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": String(500 * 1024 * 1024) });
      res.write("start of a body that never finishes");
    });
    const started = Date.now();
    const err = await expectCode(guardedFetch(server.origin, { allowLoopback: true }), "too_large");
    expect(err.message).toBe("The file is larger than the 200 MB limit.");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("errors the body stream once an undeclared (chunked) body passes maxBytes", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      const chunk = "y".repeat(64);
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent > 100) return clearInterval(timer);
        res.write(chunk);
        sent++;
      }, 1);
    });
    const res = await guardedFetch(server.origin, { allowLoopback: true, maxBytes: 1000 });
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBeUndefined();
    await expectCode(readAll(res.body), "too_large");
    await expectCode(guardedFetchBuffer(server.origin, { allowLoopback: true, maxBytes: 1000 }), "too_large");
  });

  it("accepts a body of exactly maxBytes", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write("a".repeat(50));
      res.end("b".repeat(50));
    });
    const res = await guardedFetchBuffer(server.origin, { allowLoopback: true, maxBytes: 100 });
    expect(res.body.length).toBe(100);
  });
});

describe("timeout", () => {
  it("times out a server that never answers", async () => {
    const server = await startServer(() => {
      // Never responds.
    });
    const started = Date.now();
    const err = await expectCode(
      guardedFetch(server.origin, { allowLoopback: true, timeoutMs: 300 }),
      "timeout",
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err.message).toMatch(/^The server at 127\.0\.0\.1 took longer than 0\.3 seconds/);
  });

  it("times out a server that sends headers and then stalls", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.flushHeaders();
    });
    await expectCode(guardedFetchBuffer(server.origin, { allowLoopback: true, timeoutMs: 300 }), "timeout");
  });

  it("times out a slow-loris body that keeps trickling past the deadline", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(".")), 30);
    });
    const started = Date.now();
    const res = await guardedFetch(server.origin, { allowLoopback: true, timeoutMs: 400 });
    expect(res.status).toBe(200);
    await expectCode(readAll(res.body), "timeout");
    expect(Date.now() - started).toBeLessThan(3000);
    await expectCode(guardedFetchBuffer(server.origin, { allowLoopback: true, timeoutMs: 400 }), "timeout");
  });

  it("rejects with the caller's abort reason", async () => {
    const server = await startServer(() => {
      // Never responds.
    });
    const controller = new AbortController();
    const pending = guardedFetch(server.origin, { allowLoopback: true, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user cancelled")), 50);
    await expect(pending).rejects.toThrow("user cancelled");
  });

  it("doesn't connect at all when the caller's signal is already aborted", async () => {
    const server = await startServer(hello);
    const pending = guardedFetch(server.origin, { allowLoopback: true, signal: AbortSignal.abort() });
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(server.connections).toBe(0);
  });
});

describe("DNS", () => {
  it("refuses a host if any one of its addresses is blocked", async () => {
    const server = await startServer(hello);
    fakeDns({
      "mixed.test": [
        { address: "127.0.0.1", family: 4 },
        { address: "10.0.0.1", family: 4 },
      ],
    });
    await expectCode(
      guardedFetch(`http://mixed.test:${server.port}/`, { allowLoopback: true }),
      "blocked_address",
    );
    expect(await checkUrlTarget(`http://mixed.test:${server.port}/`, { allowLoopback: true })).toMatchObject({
      ok: false,
      code: "blocked_address",
    });
    expect(server.connections).toBe(0);
  });

  it("checks IPv4-mapped answers as IPv4", async () => {
    const server = await startServer(hello);
    fakeDns({ "mapped.test": [{ address: "::ffff:169.254.169.254", family: 6 }] });
    await expectCode(
      guardedFetch(`http://mapped.test:${server.port}/`, { allowLoopback: true }),
      "blocked_address",
    );
  });

  it("connects to the checked address without resolving again (DNS rebinding)", async () => {
    const server = await startServer(hello);
    fakeDns({ "rebind.test": [{ address: "127.0.0.1", family: 4 }] });
    // A rebinding resolver would answer differently the second time; make any second lookup by the
    // socket layer fail loudly instead.
    const secondLookup = vi
      .spyOn(dns, "lookup")
      .mockImplementation(((_host: string, _options: unknown, callback: (err: Error) => void) =>
        callback(
          Object.assign(new Error("second lookup"), { code: "ENOTFOUND" }),
        )) as unknown as typeof dns.lookup);

    const res = await guardedFetchBuffer(`http://rebind.test:${server.port}/`, { allowLoopback: true });
    expect(res.body.toString()).toBe("hello");
    expect(secondLookup).not.toHaveBeenCalled();
    expect(server.requests[0]?.headers.host).toBe(`rebind.test:${server.port}`);
  });

  it("reports a name that doesn't resolve as dns_failed", async () => {
    fakeDns({ "empty.test": [] });
    const err = await expectCode(guardedFetch("http://missing.test/"), "dns_failed");
    expect(err.message).toBe(`We couldn't find the server "missing.test" (its name didn't resolve).`);
    await expectCode(guardedFetch("http://empty.test/"), "dns_failed");
    expect(await checkUrlTarget("http://missing.test/")).toMatchObject({ ok: false, code: "dns_failed" });
  });
});

describe("TLS", () => {
  // Self-signed for localhost / rebind.test / 127.0.0.1, valid until 2126; generated once for these tests.
  const TLS_FIXTURE = {
    key: [
      "-----BEGIN PRIVATE KEY-----",
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgEpfYnkHb/mVBmdvW",
      "f9eGE3hjYxypXMqEKd2zC56+cLqhRANCAAQv7TEMFtcB7Yz+RE/714AiHVacrM/d",
      "lihBDdj1yyzPqSgrChx4d61MtMMSIaB3rx3ulfC5ODMFuVH04RdC8xHU",
      "-----END PRIVATE KEY-----",
    ].join("\n"),
    cert: [
      "-----BEGIN CERTIFICATE-----",
      "MIIBqTCCAU6gAwIBAgIUXvhaoD0x3Wi2MAFKk+mOQmqBwXMwCgYIKoZIzj0EAwIw",
      "FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjIwMjMxOFoYDzIxMjYxMDI5",
      "MjAyMzE4WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO",
      "PQMBBwNCAAQv7TEMFtcB7Yz+RE/714AiHVacrM/dlihBDdj1yyzPqSgrChx4d61M",
      "tMMSIaB3rx3ulfC5ODMFuVH04RdC8xHUo3wwejAdBgNVHQ4EFgQUEIjG1jEC3hkt",
      "e1wzbYwb8G7BwNAwHwYDVR0jBBgwFoAUEIjG1jEC3hkte1wzbYwb8G7BwNAwDwYD",
      "VR0TAQH/BAUwAwEB/zAnBgNVHREEIDAegglsb2NhbGhvc3SCC3JlYmluZC50ZXN0",
      "hwR/AAABMAoGCCqGSM49BAMCA0kAMEYCIQCqQWjcKm8wca8JX6cKmOg2CyVK+B36",
      "YhfnVjsMvqLX5AIhAIMYSzg3eG0Kd+2jxzI30v6NP+sNe+OWo9zU3o+qUEzM",
      "-----END CERTIFICATE-----",
    ].join("\n"),
  };

  it("verifies certificates (an untrusted one fails) and sends the URL's hostname as SNI", async () => {
    const server = await startServer(hello, TLS_FIXTURE);
    const err = await expectCode(
      guardedFetch(`https://localhost:${server.port}/`, { allowLoopback: true }),
      "connection_failed",
    );
    expect(err.message).toMatch(/couldn't be verified/);
    expect(server.servernames).toEqual(["localhost"]);
    expect(server.requests).toHaveLength(0);
  });

  it("uses the original hostname for TLS while connecting to the pinned address", async () => {
    const server = await startServer(hello, TLS_FIXTURE);
    fakeDns({ "rebind.test": [{ address: "127.0.0.1", family: 4 }] });
    await expectCode(
      guardedFetch(`https://rebind.test:${server.port}/`, { allowLoopback: true }),
      "connection_failed",
    );
    expect(server.servernames).toEqual(["rebind.test"]);
  });
});
