import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AccountSignInForm } from "@/components/auth/account-sign-in-form";
import { SignInForm } from "@/components/auth/sign-in-form";
import { AuthCard } from "@/components/auth/auth-card";
import { Button } from "@/components/ui/button";
import { callerFromHeaders } from "@/lib/api/guards";
import { safeNext } from "@/lib/auth/next";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t("meta.signInTitle") };
}

/** What single sign-on came back with (`?error=` from the callback), as the catalog key of words to act on. */
function ssoProblem(error: string | string[] | undefined): string | null {
  if (typeof error !== "string" || error === "") return null;
  if (/not_on_team|unable_to_create_user|signup_disabled|forbidden/i.test(error)) return "signIn.notOnTeam";
  return "signIn.ssoFailed";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeNext(params.next);
  const env = getEnv();
  if (env.authMode === "none") redirect(next);
  if (env.authMode === "accounts") {
    const h = await headers();
    const only = new Headers();
    for (const name of ["cookie", "host"]) if (h.get(name)) only.set(name, h.get(name)!);
    if (await callerFromHeaders(only)) redirect(next);
  }
  const problem = env.authMode === "accounts" ? ssoProblem(params.error) : null;
  const t = await getTranslations();
  return (
    <AuthCard
      title={t("signIn.title")}
      intro={env.authMode === "accounts" ? t("signIn.introAccounts") : t("signIn.intro")}
    >
      {problem ? (
        <p
          role="alert"
          className="rounded-md border border-rose-400/40 bg-rose-500/10 p-3 text-sm text-rose-200"
        >
          {t(problem)}
        </p>
      ) : null}
      {env.authMode === "accounts" ? <AccountSignInForm next={next} /> : <SignInForm next={next} />}
      {env.authMode === "accounts" && env.oidc ? (
        <form method="post" action="/api/session/sso" className="border-t border-ink-700 pt-4">
          <input type="hidden" name="next" value={next} />
          <Button type="submit" variant="secondary" className="w-full">
            {t("signIn.withSso", { name: env.oidc.name })}
          </Button>
        </form>
      ) : null}
    </AuthCard>
  );
}
