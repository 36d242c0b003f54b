import "server-only";
import { SESSION_COOKIE, readCookie, signingKey, verifySession } from "../auth/session";
import { getEnv } from "../env";
import { getDb } from "../tasks";
import { ApiError } from "./errors";

export interface Caller {
  /** The signed-in session, or "anonymous" when no passcode is configured. Scopes rate limits and idempotency. */
  sessionId: string;
}

/**
 * Same-origin check for state-changing requests: browsers send `Origin` (and `Sec-Fetch-Site`) on every POST, so
 * a cross-site form or script is refused before it can spend anything. Requests with neither header (curl, server
 * to server) are let through: they carry no ambient cookie a third site could borrow.
 */
export function checkSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none")
    throw new ApiError(403, "cross_site_request", "Requests from other sites are not accepted.");
  const origin = request.headers.get("origin");
  if (!origin) return;
  const host =
    request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new ApiError(403, "cross_site_request", "Requests from other sites are not accepted.");
  }
  if (!host || originHost !== host)
    throw new ApiError(403, "cross_site_request", "Requests from other sites are not accepted.");
}

export function checkContentType(request: Request, kind: "json" | "multipart"): void {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const ok = kind === "json" ? /^application\/json\b/.test(type) : /^multipart\/form-data\b/.test(type);
  if (!ok)
    throw new ApiError(
      415,
      "unsupported_media_type",
      kind === "json" ? "Send the request as application/json." : "Send the file as multipart/form-data.",
    );
}

/**
 * The access check every route handler makes first (through `withAccess` in `route.ts`): the passcode session,
 * when one is configured, checked here, inside the handler, never only in a proxy.
 */
export async function checkAccess(request: Request): Promise<Caller> {
  const sessionId = await sessionFromCookieHeader(request.headers.get("cookie"));
  if (sessionId === null)
    throw new ApiError(401, "sign_in_required", "Sign in with the team passcode first.");
  return { sessionId };
}

let cachedKey: { passcode: string; dataDir: string; secret?: string; key: Buffer } | undefined;

function key(passcode: string, dataDir: string, secret?: string): Buffer {
  if (cachedKey?.passcode !== passcode || cachedKey.dataDir !== dataDir || cachedKey.secret !== secret)
    cachedKey = { passcode, dataDir, secret, key: signingKey(dataDir, passcode, secret) };
  return cachedKey.key;
}

/**
 * The caller's session id from a Cookie header: "anonymous" when no passcode is configured, null when one is
 * and the cookie doesn't prove a live session. Nothing else (no proxy header) can stand in for the cookie.
 */
export async function sessionFromCookieHeader(cookieHeader: string | null): Promise<string | null> {
  const env = getEnv();
  if (!env.ACCESS_PASSCODE) return "anonymous";
  return verifySession(
    getDb(),
    key(env.ACCESS_PASSCODE, env.dataDir, env.SESSION_SECRET),
    readCookie(cookieHeader, SESSION_COOKIE),
  );
}

/** The signing key for the configured passcode (sign-in route). */
export function sessionKey(): Buffer {
  const env = getEnv();
  return key(env.ACCESS_PASSCODE ?? "", env.dataDir, env.SESSION_SECRET);
}
