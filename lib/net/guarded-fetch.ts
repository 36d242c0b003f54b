import "server-only";

import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { type Readable, Transform } from "node:stream";
import ipaddr from "ipaddr.js";

/*
 * The one way our server fetches a URL that a user (or an upstream API) handed us.
 *
 * Why not global fetch: fetch resolves the hostname itself when it connects, so a check done beforehand
 * can be undone by a DNS answer that changes between the check and the connection (DNS rebinding). Here
 * we resolve once, check every address, and hand exactly those addresses to the socket through the
 * request's `lookup` option, so the connection can only go where the check said it may.
 */

/** Why a guarded fetch was refused or failed. Callers map these to their own responses; see the messages. */
export type GuardedFetchErrorCode =
  | "invalid_url"
  | "scheme_not_allowed"
  | "credentials_in_url"
  | "blocked_address"
  | "dns_failed"
  | "too_many_redirects"
  | "timeout"
  | "too_large"
  | "connection_failed"
  // Never thrown here (non-2xx responses are returned as they are); reserved for callers that turn a
  // status they don't accept into the same error type.
  | "http_error";

/**
 * The only error guardedFetch throws (apart from the caller's own abort reason), so callers can tell
 * "we refused / the remote failed" apart from bugs. `message` is plain words safe to show a user: it
 * names the problem and never contains a response body.
 */
export class GuardedFetchError extends Error {
  override readonly name = "GuardedFetchError";
  readonly code: GuardedFetchErrorCode;

  constructor(code: GuardedFetchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Decides whether the socket may connect to one address. Receives the address normalised (IPv4-mapped
 * IPv6 already unwrapped to dotted IPv4, IPv6 in canonical form).
 */
export type AddressPolicy = (address: string) => boolean;

/** Options for {@link guardedFetch}; every limit has a safe default so a bare call is still bounded. */
export interface GuardedFetchOptions {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  /** Permit 127.0.0.0/8, ::1 and `localhost` names — only for targets the operator configured. */
  allowLoopback?: boolean;
  /** Redirect hops to follow before giving up (default 3). Every hop is checked like the first URL. */
  maxRedirects?: number;
  /** One deadline for the whole fetch: DNS, connect, headers, redirects and the body (default 15 s). */
  timeoutMs?: number;
  /** Bytes of body allowed before the body stream errors with `too_large` (default 200 MiB). */
  maxBytes?: number;
  /** Caller's cancellation; an abort rejects (or errors the body) with the signal's reason. */
  signal?: AbortSignal;
  /**
   * FOR TESTS ONLY: replaces the address check. Tests run every server on loopback, so to prove that a
   * redirect from an allowed server into a blocked address is refused they need "this loopback address
   * is fine, everything else as usual", e.g. `(a) => a === "127.0.0.1" || isFetchableAddress(a)`.
   * Production code must not pass this. `localhost` names are still governed by `allowLoopback`.
   */
  policy?: AddressPolicy;
}

/** What {@link guardedFetch} resolves to: the final hop's response, body not yet read. */
export interface GuardedFetchResponse {
  status: number;
  /** Header names lowercased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The URL that produced this response, after redirects. */
  url: string;
  /** Errors with `too_large` past maxBytes and with `timeout` past the deadline. */
  body: Readable;
}

/** {@link GuardedFetchResponse} with the whole (bounded) body read into memory. */
export interface GuardedFetchBufferResponse extends Omit<GuardedFetchResponse, "body"> {
  body: Buffer;
}

/** Result of {@link checkUrlTarget}: the addresses the URL resolves to, or why it would be refused. */
export type UrlTargetCheck =
  { ok: true; addresses: string[] } | { ok: false; code: GuardedFetchErrorCode; reason: string };

const DEFAULT_MAX_REDIRECTS = 3;
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials meant for one origin must not follow a redirect to another (as the Fetch standard does).
const CROSS_ORIGIN_STRIPPED_HEADERS = ["authorization", "proxy-authorization", "cookie"];

interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

interface Classified {
  normalized: string;
  range: string;
}

function classify(address: string): Classified | null {
  if (!ipaddr.isValid(address)) return null;
  let ip = ipaddr.parse(address);
  // ::ffff:a.b.c.d reaches the IPv4 host a.b.c.d, so it must be judged as that IPv4 address.
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  }
  let range: string = ip.range();
  // Deprecated IPv4-compatible form (::a.b.c.d): ipaddr.js calls it unicast, but it only ever embeds v4.
  if (
    ip.kind() === "ipv6" &&
    range === "unicast" &&
    (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)
  ) {
    range = "ipv4Compatible";
  }
  return { normalized: ip.toString(), range };
}

/**
 * The production address policy: only ordinary public unicast addresses (plus loopback when allowed).
 * Exported so the test-only `policy` option can extend it instead of re-implementing it, and so other
 * code can ask the same question the fetcher asks. Non-IP strings are refused.
 */
export function isFetchableAddress(address: string, options: { allowLoopback?: boolean } = {}): boolean {
  const c = classify(address);
  if (!c) return false;
  return c.range === "unicast" || (c.range === "loopback" && options.allowLoopback === true);
}

const LOOPBACK_MESSAGE = "That address points back at our own server, which it will not fetch.";

function blockedMessage(range: string): string {
  switch (range) {
    case "loopback":
      return LOOPBACK_MESSAGE;
    case "private":
    case "uniqueLocal":
    case "deprecatedSiteLocal":
      return "That address is on a private network, which our server will not fetch.";
    case "linkLocal":
      return "That address is a link-local address (where things like cloud metadata services live), which our server will not fetch.";
    case "carrierGradeNat":
      return "That address is inside a provider's shared internal network, which our server will not fetch.";
    case "unspecified":
      return "That address (0.0.0.0 or ::) doesn't name a real server, so our server will not fetch it.";
    case "broadcast":
    case "multicast":
      return "That is a broadcast or multicast address, which our server will not fetch.";
    case "ipv4Mapped":
    case "ipv4Compatible":
    case "rfc6145":
    case "rfc6052":
    case "6to4":
    case "teredo":
      return "That IPv6 address is a tunnelling or translation form that can hide a private address, so our server will not fetch it.";
    case "unicast":
      return "That address is not one our server is allowed to fetch.";
    default:
      return "That address is in a reserved range that isn't part of the public internet, so our server will not fetch it.";
  }
}

function blocked(range: string): GuardedFetchError {
  return new GuardedFetchError("blocked_address", blockedMessage(range));
}

/** Parses and checks everything about a URL that doesn't need DNS. */
function parseTarget(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch (cause) {
    throw new GuardedFetchError(
      "invalid_url",
      base ? "The server redirected to an address that isn't valid." : "That isn't a valid web address.",
      { cause },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new GuardedFetchError(
      "scheme_not_allowed",
      `Only http:// and https:// addresses can be fetched, not ${url.protocol}//.`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new GuardedFetchError(
      "credentials_in_url",
      "That address contains a username or password, which our server will not send.",
    );
  }
  return url;
}

/** URL.hostname keeps IPv6 brackets and a trailing root dot; sockets and name checks want neither. */
function bareHost(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

function isLocalhostName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

interface CheckOptions {
  allowLoopback: boolean;
  policy: AddressPolicy;
}

function checkAddress(address: string, options: CheckOptions): void {
  const c = classify(address);
  if (!c) throw blocked("invalid");
  if (!options.policy(c.normalized)) throw blocked(c.range);
}

function rejectOnAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err as Error);
      },
    );
  });
}

/** Name check, DNS, and a check of every answer: one bad address refuses the whole host. */
async function resolveTarget(
  url: URL,
  options: CheckOptions,
  signal?: AbortSignal,
): Promise<ResolvedAddress[]> {
  const host = bareHost(url);
  // Refused by name before DNS: `localhost` is loopback by definition (RFC 6761) whatever a resolver says.
  if (isLocalhostName(host) && !options.allowLoopback) throw blocked("loopback");

  const literal = net.isIP(host);
  if (literal !== 0) {
    checkAddress(host, options);
    return [{ address: host, family: literal === 4 ? 4 : 6 }];
  }

  let answers: dns.LookupAddress[];
  try {
    // Called through the module object (not a destructured import) so tests can stand in for DNS.
    answers = await rejectOnAbort(dns.promises.lookup(host, { all: true, verbatim: true }), signal);
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new GuardedFetchError(
      "dns_failed",
      `We couldn't find the server "${host}" (its name didn't resolve).`,
      {
        cause,
      },
    );
  }
  if (answers.length === 0) {
    throw new GuardedFetchError(
      "dns_failed",
      `We couldn't find the server "${host}" (its name didn't resolve).`,
    );
  }
  for (const answer of answers) checkAddress(answer.address, options);
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/**
 * Stands in for dns.lookup when the socket connects: answers only with the addresses we already checked,
 * so a second resolution (the DNS-rebinding trick) never happens.
 */
function pinnedLookup(addresses: ResolvedAddress[]): net.LookupFunction {
  return (_hostname, options, callback) => {
    const family =
      options.family === 4 || options.family === "IPv4"
        ? 4
        : options.family === 6 || options.family === "IPv6"
          ? 6
          : 0;
    const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
    const first = usable[0];
    if (!first) {
      const err: NodeJS.ErrnoException = new Error("No checked address of the requested family");
      err.code = "ENOTFOUND";
      callback(err, "", 0);
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };
}

const TLS_VERIFY_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function connectionFailed(cause: unknown, host: string): GuardedFetchError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? "";
  let message: string;
  if (code === "ECONNREFUSED") message = `The server at ${host} refused the connection.`;
  else if (code === "ECONNRESET") message = `The server at ${host} closed the connection unexpectedly.`;
  else if (code === "EHOSTUNREACH" || code === "ENETUNREACH")
    message = `The server at ${host} couldn't be reached.`;
  else if (TLS_VERIFY_CODES.has(code))
    message = `The secure connection to ${host} couldn't be verified (its certificate isn't trusted for that name).`;
  else if (code.startsWith("HPE_")) message = `The server at ${host} sent a response we couldn't read.`;
  else message = `We couldn't connect to the server at ${host}.`;
  return new GuardedFetchError("connection_failed", message, { cause });
}

function sendRequest(
  url: URL,
  addresses: ResolvedAddress[],
  method: "GET" | "HEAD",
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const host = bareHost(url);
  const requestOptions: https.RequestOptions = {
    protocol: url.protocol,
    hostname: host,
    port: url.port === "" ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method,
    headers,
    // A fresh connection every time: a pooled socket may have been opened by code that never checked it.
    agent: false,
    lookup: pinnedLookup(addresses),
    // Certificate and SNI are checked against the name the user gave, not the pinned IP.
    servername: net.isIP(host) === 0 ? host : undefined,
  };
  // An abort listener added to an already-aborted signal never fires, so check first.
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(requestOptions);
    const onAbort = () => req.destroy(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("response", (res) => {
      signal.removeEventListener("abort", onAbort);
      resolve(res);
    });
    req.on("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(signal.aborted ? (signal.reason as Error) : connectionFailed(err, host));
    });
    req.end();
  });
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} bytes`;
}

function tooLarge(maxBytes: number): GuardedFetchError {
  return new GuardedFetchError("too_large", `The file is larger than the ${formatBytes(maxBytes)} limit.`);
}

interface Deadline {
  signal: AbortSignal;
  /** Host named in the timeout message; updated per hop so it names the server that was slow. */
  host: string;
  clear(): void;
}

/** One AbortSignal for the whole fetch that fires on the deadline or on the caller's own abort. */
function startDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined, host: string): Deadline {
  const controller = new AbortController();
  const deadline: Deadline = {
    signal: controller.signal,
    host,
    clear: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
  const timer = setTimeout(() => {
    const seconds = Math.round((timeoutMs / 1000) * 10) / 10;
    controller.abort(
      new GuardedFetchError(
        "timeout",
        `The server at ${deadline.host} took longer than ${seconds} seconds to send everything, so we gave up.`,
      ),
    );
  }, timeoutMs);
  const onCallerAbort = () =>
    controller.abort(callerSignal?.reason ?? new DOMException("The fetch was cancelled.", "AbortError"));
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  return deadline;
}

/** Wraps the response so the caller sees at most maxBytes, and the deadline still applies while reading. */
function boundedBody(
  res: http.IncomingMessage,
  maxBytes: number,
  deadline: Deadline,
  host: string,
): Readable {
  let seen = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(tooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
  const onAbort = () => body.destroy(deadline.signal.reason as Error);
  deadline.signal.addEventListener("abort", onAbort, { once: true });
  res.on("error", (err) => {
    body.destroy(deadline.signal.aborted ? (deadline.signal.reason as Error) : connectionFailed(err, host));
  });
  // Covers normal end, our own errors and the consumer giving up: stop the clock and drop the socket.
  body.on("close", () => {
    deadline.signal.removeEventListener("abort", onAbort);
    deadline.clear();
    res.destroy();
  });
  res.pipe(body);
  return body;
}

/**
 * Fetches a URL that someone else chose, refusing anything that could reach our own machine or network:
 * only http(s), no credentials, every DNS answer checked, connection pinned to a checked address,
 * redirects followed by hand and re-checked, and time and size bounded. Non-2xx statuses are returned,
 * not thrown — the caller decides. Throws {@link GuardedFetchError} (or the caller's abort reason).
 */
export async function guardedFetch(
  url: string,
  options: GuardedFetchOptions = {},
): Promise<GuardedFetchResponse> {
  const method = options.method ?? "GET";
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const allowLoopback = options.allowLoopback === true;
  const check: CheckOptions = {
    allowLoopback,
    policy: options.policy ?? ((address) => isFetchableAddress(address, { allowLoopback })),
  };

  let current = parseTarget(url);
  // Ask for the bytes as stored so maxBytes limits what we actually receive and hand on.
  let headers: Record<string, string> = { "accept-encoding": "identity" };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;

  const deadline = startDeadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal, bareHost(current));
  try {
    for (let redirects = 0; ; redirects++) {
      const host = bareHost(current);
      deadline.host = host;
      const addresses = await resolveTarget(current, check, deadline.signal);
      const res = await sendRequest(current, addresses, method, headers, deadline.signal);
      const location = res.headers.location;

      if (REDIRECT_STATUSES.has(res.statusCode ?? 0) && location !== undefined) {
        res.destroy(); // The redirect's own body is of no use, and the connection isn't reused.
        if (redirects >= maxRedirects) {
          throw new GuardedFetchError(
            "too_many_redirects",
            `The address redirected more than ${maxRedirects} times, so we stopped following it.`,
          );
        }
        const next = parseTarget(location, current);
        if (next.origin !== current.origin) {
          headers = Object.fromEntries(
            Object.entries(headers).filter(([name]) => !CROSS_ORIGIN_STRIPPED_HEADERS.includes(name)),
          );
        }
        current = next;
        continue;
      }

      // A declared length over the limit is refused before reading (HEAD has no body to limit).
      const declared = res.headers["content-length"];
      if (
        method !== "HEAD" &&
        declared !== undefined &&
        /^\d+$/.test(declared) &&
        Number(declared) > maxBytes
      ) {
        res.destroy();
        throw tooLarge(maxBytes);
      }

      return {
        status: res.statusCode ?? 0,
        headers: flattenHeaders(res.headers),
        url: current.href,
        body: boundedBody(res, maxBytes, deadline, host),
      };
    }
  } catch (err) {
    deadline.clear();
    throw err;
  }
}

/**
 * {@link guardedFetch} for callers that want the whole body at once (small JSON, thumbnails). The same
 * maxBytes and timeout bound the read, so memory use is capped by maxBytes.
 */
export async function guardedFetchBuffer(
  url: string,
  options: GuardedFetchOptions = {},
): Promise<GuardedFetchBufferResponse> {
  const res = await guardedFetch(url, options);
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return { status: res.status, headers: res.headers, url: res.url, body: Buffer.concat(chunks) };
}

/**
 * Runs only the scheme, credentials, DNS and address checks, without connecting — for telling a user at
 * submit time that a URL will be refused. Advisory only: DNS can change, so guardedFetch checks again
 * when it actually fetches. `policy` is for tests only, as in {@link GuardedFetchOptions}.
 */
export async function checkUrlTarget(
  url: string,
  options: { allowLoopback?: boolean; policy?: AddressPolicy } = {},
): Promise<UrlTargetCheck> {
  const allowLoopback = options.allowLoopback === true;
  const check: CheckOptions = {
    allowLoopback,
    policy: options.policy ?? ((address) => isFetchableAddress(address, { allowLoopback })),
  };
  try {
    const addresses = await resolveTarget(parseTarget(url), check);
    return { ok: true, addresses: addresses.map((a) => a.address) };
  } catch (err) {
    if (err instanceof GuardedFetchError) return { ok: false, code: err.code, reason: err.message };
    throw err;
  }
}
