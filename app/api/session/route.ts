import { msg } from "@/lib/i18n/message";
import { NextResponse } from "next/server";
import { z } from "zod";
import {
  SESSION_COOKIE,
  SESSION_TTL_MS,
  createSession,
  readCookie,
  revokeSession,
  safeEqual,
  sessionCookieHeader,
} from "@/lib/auth/session";
import { clientOf, createRateLimiter } from "@/lib/auth/rate-limit";
import { ApiError, readJson } from "@/lib/api/errors";
import { callerFromHeaders, sessionFromCookieHeader, sessionKey } from "@/lib/api/guards";
import { signInWithPassword, signOutAccount } from "@/lib/auth/sign-in";
import { withOpenAccess } from "@/lib/api/route";
import { getEnv } from "@/lib/env";
import { endSessionStreams } from "@/lib/live/runtime";
import { getDb } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// Guessing a passcode is slow: 5 tries a minute per address, 30 a minute in all.
// Counted in the database, so every replica shares the same buckets.
const perClient = createRateLimiter({ name: "sign-in", capacity: 5, refillPerSecond: 5 / 60, db: getDb });
const overall = createRateLimiter({ name: "sign-in-all", capacity: 30, refillPerSecond: 30 / 60, db: getDb });

const body = z.object({ passcode: z.string().max(1000) });

const isHttps = (request: Request) =>
  (request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "")) === "https";

// The session routes are open by nature: they are how a caller gets (or gives up) a session.

async function takeSignInLimits(request: Request) {
  for (const limit of [await perClient.take(clientOf(request)), await overall.take("all")])
    if (!limit.ok)
      throw new ApiError(
        429,
        "too_many_attempts",
        msg("api.tooManyAttempts", { secs: String(limit.retryAfterSeconds) }),
        { retryAfterSeconds: limit.retryAfterSeconds },
      );
}

// GET /api/session - how this server signs people in, and whether (and as whom) this caller is signed in
export const GET = withOpenAccess(async ({ request }) => {
  const env = getEnv();
  if (env.authMode === "accounts") {
    const caller = await callerFromHeaders(new Headers({ cookie: request.headers.get("cookie") ?? "" }));
    return NextResponse.json({
      mode: "accounts",
      required: true,
      signedIn: caller !== null,
      user: caller ? { id: caller.userId, email: caller.email, name: caller.name, role: caller.role } : null,
    });
  }
  const required = Boolean(env.ACCESS_PASSCODE);
  const signedIn = (await sessionFromCookieHeader(request.headers.get("cookie"))) !== null;
  return NextResponse.json({ required, signedIn });
});

// POST /api/session - sign in with the team passcode; sets the session cookie
// In accounts mode: { email, password } instead, checked by better-auth; the same message for either being wrong.
export const POST = withOpenAccess(
  async ({ request }) => {
    if (getEnv().authMode === "accounts") {
      await takeSignInLimits(request);
      const cookies = await signInWithPassword(request);
      const res = NextResponse.json({ signedIn: true });
      for (const cookie of cookies) res.headers.append("Set-Cookie", cookie);
      return res;
    }
    const passcode = getEnv().ACCESS_PASSCODE;
    if (!passcode)
      throw new ApiError(404, "no_passcode", "This server has no passcode: there is nothing to sign in to.");
    await takeSignInLimits(request);
    const parsed = body.safeParse(await readJson(request, 4096));
    if (!parsed.success || !safeEqual(parsed.data.passcode, passcode))
      throw new ApiError(401, "wrong_passcode", msg("api.wrongPasscode"));
    const session = await createSession(getDb(), sessionKey());
    const res = NextResponse.json({ signedIn: true });
    res.headers.append(
      "Set-Cookie",
      sessionCookieHeader(session.cookie, { secure: isHttps(request), maxAgeSeconds: SESSION_TTL_MS / 1000 }),
    );
    return res;
  },
  { sameOrigin: true, accepts: "json" },
);

// DELETE /api/session - sign out: the session is revoked on the server, not only forgotten by the browser
export const DELETE = withOpenAccess(
  async ({ request }) => {
    if (getEnv().authMode === "accounts") {
      const res = NextResponse.json({ signedIn: false });
      for (const cookie of await signOutAccount(request)) res.headers.append("Set-Cookie", cookie);
      return res;
    }
    const id = await sessionFromCookieHeader(request.headers.get("cookie"));
    const cookie = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
    if (id && id !== "anonymous" && cookie) {
      await revokeSession(getDb(), id);
      // Its live streams, on every replica, end with an `end` event, so those pages stop instead of reconnecting.
      await endSessionStreams(id);
    }
    const res = NextResponse.json({ signedIn: false });
    res.headers.append("Set-Cookie", sessionCookieHeader("", { secure: isHttps(request), maxAgeSeconds: 0 }));
    return res;
  },
  { sameOrigin: true },
);
