import { ApiError } from "@/lib/api/errors";
import { withOpenAccess } from "@/lib/api/route";
import { OIDC_PROVIDER_ID, getAuth, publicOrigin } from "@/lib/auth/accounts";
import { getEnv } from "@/lib/env";
import { getDb } from "@/lib/tasks";

export const dynamic = "force-dynamic";

/*
 * better-auth's HTTP handler, mounted for ONE path: the OpenID Connect provider's redirect back to us
 * (GET /api/auth/callback/oidc?code=…&state=…), which must be a URL of ours. Everything else better-auth could
 * serve (sign-up, password changes, admin and API-key endpoints) answers 404 here: people sign in and out through
 * /api/session and /api/session/sso, where our same-origin, content-type and rate-limit checks apply, and every
 * other account action goes through our own routes that call better-auth's API on the server.
 */
const CALLBACK = `/api/auth/callback/${OIDC_PROVIDER_ID}`;

export const GET = withOpenAccess<{ all: string[] }>(async ({ request }) => {
  const env = getEnv();
  if (env.authMode !== "accounts" || !env.oidc || new URL(request.url).pathname !== CALLBACK)
    throw new ApiError(404, "not_found", "Not found.");
  await getDb().ready;
  // The state cookie and PKCE verifier better-auth set when the sign-in started tie this callback to that browser.
  const res = await getAuth(request.headers).handler(request);
  if (res.status < 400) return res;
  // A refusal inside the callback (our user-creation hook says "not on the team", or the provider's answer did
  // not check out) comes back as an error body: send the browser to the sign-in page with a reason instead.
  const reason = res.status === 403 ? "not_on_team" : "sso_failed";
  const to = new URL(`/sign-in?error=${reason}`, publicOrigin(env, request.headers));
  return new Response(null, { status: 303, headers: { Location: to.toString() } });
});

export const POST = withOpenAccess<{ all: string[] }>(() => {
  throw new ApiError(404, "not_found", "Not found.");
});
