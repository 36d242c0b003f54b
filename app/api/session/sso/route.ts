import { ApiError } from "@/lib/api/errors";
import { withOpenAccess } from "@/lib/api/route";
import { startSso } from "@/lib/auth/sign-in";
import { getEnv } from "@/lib/env";
import { safeNext } from "@/lib/auth/next";

export const dynamic = "force-dynamic";

// POST /api/session/sso - the "Sign in with {OIDC_NAME}" form: 303 to the provider (a plain form post, no script)
export const POST = withOpenAccess(
  async ({ request }) => {
    const env = getEnv();
    if (env.authMode !== "accounts" || !env.oidc)
      throw new ApiError(404, "not_found", "Single sign-on is not configured on this server.");
    const form = await request.formData().catch(() => null);
    const next = safeNext(form?.get("next")?.toString());
    const { url, cookies } = await startSso(request, next);
    const res = new Response(null, { status: 303, headers: { Location: url } });
    for (const cookie of cookies) res.headers.append("Set-Cookie", cookie);
    return res;
  },
  { sameOrigin: true },
);
