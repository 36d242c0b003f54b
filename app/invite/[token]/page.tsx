import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InviteAcceptForm } from "@/components/team/invite-accept-form";
import { AuthCard } from "@/components/auth/auth-card";
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
    <AuthCard
      title={t("invite.title")}
      intro={invite ? t("invite.intro", { email: invite.email, role: t(`team.roles.${invite.role}`) }) : null}
    >
      {invite ? (
        <InviteAcceptForm token={token} email={invite.email} />
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
    </AuthCard>
  );
}
