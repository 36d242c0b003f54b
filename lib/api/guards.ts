import { msg } from "../i18n/message";
import "server-only";
import { type Role, getAuth } from "../auth/accounts";
import { SESSION_COOKIE, readCookie, signingKey, verifySession } from "../auth/session";
import { getEnv } from "../env";
import { getDb } from "../tasks";
import { ApiError } from "./errors";

/**
 * Who is calling, as every route handler sees it (see lib/auth/README.md):
 * - `none`: no sign-in configured (AUTH_MODE=none, loopback only);
 * - `passcode`: a session opened with the team passcode;
 * - `user`: a signed-in person (AUTH_MODE=accounts), with their role;
 * - `token`: a person's personal API token (`Authorization: Bearer`), only where a route allows tokens.
 */
export interface Caller {
  kind: "none" | "passcode" | "user" | "token";
  /**
   * Scopes rate limits, idempotency keys, uploads and live streams: "anonymous" with no sign-in, else the session
   * id (passcode or better-auth session), or `token:<key id>` for a token.
   */
  sessionId: string;
  userId?: string;
  role?: Role;
  email?: string;
  name?: string;
  /** Their own tasks-per-UTC-day limit set by an admin (null: only the team's cap). */
  dailyLimit?: number | null;
}

export interface AccessOptions {
  /** Only this role may pass (accounts mode). Other modes have no roles: such a route answers 404 there. */
  role?: "admin";
  /**
   * Personal API tokens are accepted (accounts mode). Only POST /api/generations, GET /api/generations and
   * GET /api/generations/{id} say so; everywhere else a token is refused, whatever its owner's role.
   */
  tokens?: boolean;
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
 * The access check every route handler makes first (through `withAccess` in `route.ts`), inside the handler,
 * never only in a proxy: the caller, or a 401/403 ApiError.
 */
export async function checkAccess(request: Request, options: AccessOptions = {}): Promise<Caller> {
  const caller = await callerFromHeaders(request.headers, options);
  if (caller === null) {
    const mode = getEnv().authMode;
    throw new ApiError(
      401,
      "sign_in_required",
      msg(mode === "accounts" ? "api.signInFirst" : "api.signInRequired"),
    );
  }
  return caller;
}

/**
 * The caller a request's headers prove, or null when nobody is signed in. Throws for a token where tokens are not
 * allowed, a bad token, or a member on an admin-only route. Shared by routes and page guards.
 */
export async function callerFromHeaders(
  headers: Headers,
  options: AccessOptions = {},
): Promise<Caller | null> {
  const env = getEnv();
  if (env.authMode !== "accounts") {
    if (options.role)
      throw new ApiError(404, "accounts_off", "Team accounts are off on this server (AUTH_MODE=accounts).");
    const sessionId = await sessionFromCookieHeader(headers.get("cookie"));
    if (sessionId === null) return null;
    return { kind: sessionId === "anonymous" ? "none" : "passcode", sessionId };
  }
  // better-auth queries our Kysely directly: on PostgreSQL the schema must be migrated first.
  await getDb().ready;
  const authorization = headers.get("authorization");
  const caller = authorization
    ? await callerFromToken(authorization, headers, options)
    : await callerFromSession(headers);
  if (caller && options.role === "admin" && caller.role !== "admin")
    throw new ApiError(403, "admin_only", "Only a team admin can do this.");
  return caller;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role?: string | null;
  banned?: boolean | number | null;
  dailyLimit?: number | null;
}

function asCaller(kind: "user" | "token", sessionId: string, user: UserRow): Caller | null {
  // A removed person (banned by an admin) stops at once, whatever they still hold.
  if (user.banned) return null;
  return {
    kind,
    sessionId,
    userId: user.id,
    role: user.role === "admin" ? "admin" : "member",
    email: user.email,
    name: user.name,
    dailyLimit: typeof user.dailyLimit === "number" ? user.dailyLimit : null,
  };
}

async function callerFromSession(headers: Headers): Promise<Caller | null> {
  // No cookie cache: better-auth reads the session row, so a revoked session is refused on every replica at once.
  const found = await getAuth().api.getSession({
    headers: cookieOnly(headers),
    query: { disableRefresh: true },
  });
  if (!found) return null;
  return asCaller("user", found.session.id, found.user as UserRow);
}

async function callerFromToken(
  authorization: string,
  headers: Headers,
  options: AccessOptions,
): Promise<Caller | null> {
  if (!options.tokens)
    throw new ApiError(
      403,
      "token_not_allowed",
      "API tokens work only on POST /api/generations, GET /api/generations and GET /api/generations/{id}.",
    );
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  const invalid = new ApiError(
    401,
    "invalid_token",
    "That API token is not valid (revoked, expired or mistyped).",
  );
  if (!match) throw invalid;
  const auth = getAuth(headers);
  const result = await auth.api.verifyApiKey({ body: { key: match[1]! } });
  if (!result.valid || !result.key) throw invalid;
  const db = getDb();
  await db.ready;
  const user = await db.kysely
    .selectFrom("users")
    .select(["id", "email", "name", "role", "banned", "dailyLimit"])
    .where("id", "=", result.key.referenceId)
    .executeTakeFirst();
  const caller = user ? asCaller("token", `token:${result.key.id}`, user) : null;
  if (!caller) throw invalid;
  return caller;
}

/** better-auth reads only what it needs: the cookie (never an Authorization header it might take as a session). */
function cookieOnly(headers: Headers): Headers {
  const out = new Headers();
  const cookie = headers.get("cookie");
  if (cookie) out.set("cookie", cookie);
  const host = headers.get("host");
  if (host) out.set("host", host);
  return out;
}

/** The caller's better-auth session (id and token), for sign-in rotation and sign-out. */
export async function accountSession(headers: Headers): Promise<{ id: string; token: string } | null> {
  const found = await getAuth(headers).api.getSession({
    headers: cookieOnly(headers),
    query: { disableRefresh: true },
  });
  return found ? { id: found.session.id, token: found.session.token } : null;
}

let cachedKey: { passcode: string; dataDir: string; secret?: string; key: Buffer } | undefined;

function key(passcode: string, dataDir: string, secret?: string): Buffer {
  if (cachedKey?.passcode !== passcode || cachedKey.dataDir !== dataDir || cachedKey.secret !== secret)
    cachedKey = { passcode, dataDir, secret, key: signingKey(dataDir, passcode, secret) };
  return cachedKey.key;
}

/**
 * Passcode and open modes: the caller's session id from a Cookie header: "anonymous" when no passcode is
 * configured, null when one is and the cookie doesn't prove a live session. Nothing else (no proxy header) can
 * stand in for the cookie. In accounts mode, use `callerFromHeaders`.
 */
export async function sessionFromCookieHeader(cookieHeader: string | null): Promise<string | null> {
  const env = getEnv();
  if (env.authMode === "accounts") {
    const found = await callerFromSession(new Headers(cookieHeader ? { cookie: cookieHeader } : {}));
    return found?.sessionId ?? null;
  }
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
