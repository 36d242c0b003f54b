import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InviteAcceptForm } from "@/components/team/invite-accept-form";
import { LanguageSwitch } from "@/components/language-switch";
import { AppLink } from "@/components/ui/app-link";
import { getEnv } from "@/lib/env";
import { inviteForToken } from "@/lib/team/invites";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t("meta.inviteTitle"), referrer: "no-referrer" };
}

// /invite/{token} - the one-time link an admin passed on: choose a password, and you are in. Open by nature; the
// token is the proof. An unknown, used or expired link says the same thing.
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = getEnv().authMode === "accounts" ? await inviteForToken(token) : null;
  const t = await getTranslations();
  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <div className="w-full max-w-sm space-y-6 rounded-lg border border-ink-700 bg-ink-900 p-6">
        <div className="flex items-center justify-between gap-2">
          <p className="flex items-center gap-2 text-base font-semibold text-slate-100">
            <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm bg-accent-500" />
            Retake
          </p>
          <LanguageSwitch />
        </div>
        <h1 className="text-lg font-semibold text-slate-100">{t("invite.title")}</h1>
        {invite ? (
          <>
            <p className="text-sm text-slate-300">
              {t("invite.intro", { email: invite.email, role: t(`team.roles.${invite.role}`) })}
            </p>
            <InviteAcceptForm token={token} email={invite.email} />
          </>
        ) : (
          <div className="space-y-3">
            <p role="alert" className="text-sm text-rose-200">
              {t("api.team.inviteUnusable")}
            </p>
            <AppLink href="/sign-in" className="text-sm text-accent-300 underline">
              {t("invite.toSignIn")}
            </AppLink>
          </div>
        )}
      </div>
    </main>
  );
}
