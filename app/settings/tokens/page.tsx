import type { Metadata } from "next";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { TokenManager } from "@/components/settings/token-manager";
import { SiteHeader } from "@/components/site-header";
import { requirePageCaller } from "@/lib/auth/page-guard";
import { listTokens } from "@/lib/auth/tokens";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t("meta.tokensTitle") };
}

// /settings/tokens - the signed-in person's own personal API tokens (accounts mode only)
export default async function TokensPage() {
  const caller = await requirePageCaller("/settings/tokens");
  if (caller.kind !== "user" || !caller.userId) redirect("/");
  const tokens = await listTokens(caller.userId);
  const t = await getTranslations();
  const code = (chunks: ReactNode) => <code className="text-slate-300">{chunks}</code>;
  return (
    <>
      <SiteHeader caller={caller} />
      <main className="mx-auto max-w-3xl space-y-6 px-4 py-6 sm:px-6">
        <div className="space-y-1">
          <h1 className="text-lg font-semibold text-slate-100">{t("header.apiTokens")}</h1>
          <p className="text-sm text-slate-400">
            {t.rich("tokens.intro", {
              header: "Authorization: Bearer <token>",
              post: "POST /api/generations",
              list: "GET /api/generations",
              get: "GET /api/generations/{id}",
              code,
            })}
          </p>
        </div>
        <TokenManager initial={tokens} />
      </main>
    </>
  );
}
