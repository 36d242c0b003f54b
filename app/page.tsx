import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";
import { Studio } from "@/components/studio/studio";
import { formValuesFrom } from "@/components/studio/form-values";
import { requirePageCaller } from "@/lib/auth/page-guard";
import { getEnv } from "@/lib/env";
import { msg } from "@/lib/i18n/message";
import { getTaskService } from "@/lib/tasks";
import { type DraftAction, draftFor } from "@/lib/tasks/drafts";

export const dynamic = "force-dynamic";

const ACTIONS = new Set<DraftAction>(["extend", "edit", "reuse"]);

async function requestOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "127.0.0.1:3000";
  const proto =
    h.get("x-forwarded-proto") ??
    (host.startsWith("127.") || host.startsWith("localhost") ? "http" : "https");
  return `${proto}://${host}`;
}

// / - the studio: the form (optionally seeded from a task: ?from={id}&action=extend|edit|reuse) and the task list
export default async function StudioPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const query = new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])),
  ).toString();
  const caller = await requirePageCaller(query ? `/?${query}` : "/");
  const env = getEnv();
  const service = getTaskService();
  const from = typeof params.from === "string" ? params.from : null;
  const action = typeof params.action === "string" ? (params.action as DraftAction) : null;
  let initialDraft = null;
  let draftProblem: string | null = null;
  if (from && action && ACTIONS.has(action)) {
    try {
      const seed = draftFor(await service.get(from), action, await requestOrigin(), env.simulator);
      if (seed)
        initialDraft = {
          values: formValuesFrom(seed.input),
          parentTaskId: seed.parentTaskId,
          nonce: 1,
          note: seed.note,
        };
      else draftProblem = msg("studio.form.draftNoResult");
    } catch {
      draftProblem = msg("studio.form.draftNotFound");
    }
  }
  const t = await getTranslations();
  return (
    <>
      <SiteHeader caller={caller} />
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        <h1 className="sr-only">{t("header.studioHeading")}</h1>
        <Studio
          simulator={env.simulator}
          accounts={env.authMode === "accounts"}
          initialPage={await service.list({ limit: 20 })}
          initialDraft={initialDraft}
          draftProblem={draftProblem}
          pricing={env.prices ? { table: env.prices, unit: env.PRICE_UNIT } : null}
        />
      </main>
    </>
  );
}
