import { msg } from "../i18n/message";
import "server-only";
import { z } from "zod";
import { ApiError, readJson } from "../api/errors";
import { accountSession } from "../api/guards";
import { getDb } from "../tasks";
import { endSessionStreams } from "../live/runtime";
import { OIDC_PROVIDER_ID, ensureFirstAdmin, getAuth } from "./accounts";
import { createRateLimiter } from "./rate-limit";

/*
 * Accounts mode: signing in and out through our own routes (POST/DELETE /api/session, POST /api/session/sso), which
 * make the same-origin, content-type and rate-limit checks every state-changing route makes, then call
 * better-auth's API on the server. Its HTTP handler is mounted only for the OpenID Connect callback.
 */

// Guessing passwords is slow: per client as for the passcode, and per account whichever client tries.
const perAccount = createRateLimiter({
  name: "sign-in-account",
  capacity: 10,
  refillPerSecond: 10 / 600,
  db: getDb,
});

const credentials = z.object({ email: z.string().trim().max(320), password: z.string().max(1000) });

/** One message for a wrong email and a wrong password (and a removed person): no account enumeration. */
export const WRONG_CREDENTIALS = "That email and password don't match an account on this team.";

function tooMany(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    "too_many_attempts",
    msg("api.tooManyAttempts", { secs: String(retryAfterSeconds) }),
    { retryAfterSeconds },
  );
}

/** Headers better-auth may see: the client address and agent it records on the session, and the Host for the origin. */
export function forwarded(request: Request): Headers {
  const out = new Headers();
  for (const name of ["user-agent", "x-forwarded-for", "host"]) {
    const value = request.headers.get(name);
    if (value) out.set(name, value);
  }
  return out;
}

/**
 * Email and password sign-in. The session is new each time (rotation): a session the browser already held is
 * deleted once the new one exists. Returns the Set-Cookie headers to send.
 */
export async function signInWithPassword(request: Request): Promise<string[]> {
  await ensureFirstAdmin();
  const parsed = credentials.safeParse(await readJson(request, 4096));
  if (!parsed.success) throw new ApiError(401, "wrong_credentials", WRONG_CREDENTIALS);
  const email = parsed.data.email.toLowerCase();
  const limit = await perAccount.take(email);
  if (!limit.ok) throw tooMany(limit.retryAfterSeconds);

  const previous = await accountSession(request.headers);
  const auth = getAuth(request.headers);
  let res: Response;
  try {
    res = await auth.api.signInEmail({
      body: { email, password: parsed.data.password, rememberMe: true },
      headers: forwarded(request),
      asResponse: true,
    });
  } catch {
    throw new ApiError(401, "wrong_credentials", WRONG_CREDENTIALS);
  }
  if (!res.ok) throw new ApiError(401, "wrong_credentials", WRONG_CREDENTIALS);
  if (previous) await revoke(previous);
  return res.headers.getSetCookie();
}

/** Sign-out: the session row is deleted (every replica refuses it at once) and its live streams end. */
export async function signOutAccount(request: Request): Promise<string[]> {
  const current = await accountSession(request.headers);
  const auth = getAuth(request.headers);
  if (!current) return expiredCookies(auth);
  await revoke(current);
  return expiredCookies(auth);
}

async function revoke(session: { id: string; token: string }): Promise<void> {
  const ctx = await getAuth().$context;
  await ctx.internalAdapter.deleteSession(session.token);
  await endSessionStreams(session.id);
}

/** Clears better-auth's cookies in the browser (the session itself is already gone on the server). */
function expiredCookies(auth: ReturnType<typeof getAuth>): string[] {
  const secure = auth.options.advanced.useSecureCookies;
  const prefix = secure ? "__Secure-retake." : "retake.";
  return ["session_token", "session_data", "dont_remember"].map(
    (name) => `${prefix}${name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`,
  );
}

/**
 * Single sign-on, started by a plain form post: better-auth makes the provider's authorization URL and its state
 * cookie; we answer a 303 to that URL. It comes back to /api/auth/callback/oidc, then to `next`, or to
 * /sign-in with `?error=` when refused.
 */
export async function startSso(request: Request, next: string): Promise<{ url: string; cookies: string[] }> {
  await getDb().ready;
  const auth = getAuth(request.headers);
  const res = await auth.api.signInSocial({
    body: {
      provider: OIDC_PROVIDER_ID,
      callbackURL: next,
      errorCallbackURL: "/sign-in",
      disableRedirect: true,
    },
    headers: forwarded(request),
    asResponse: true,
  });
  const body = (await res.json().catch(() => null)) as { url?: string } | null;
  if (!res.ok || !body?.url)
    throw new ApiError(502, "upstream_unreachable", "The single sign-on provider could not be reached.");
  return { url: body.url, cookies: res.headers.getSetCookie() };
}
