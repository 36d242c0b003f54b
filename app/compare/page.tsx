import type { Metadata } from "next";
import { AppLink } from "@/components/ui/app-link";
import { getTranslations } from "next-intl/server";
import { msg, say } from "@/lib/i18n/message";
import { SiteHeader } from "@/components/site-header";
import { CompareView } from "@/components/compare/compare-view";
import { ApiError } from "@/lib/api/errors";
import { requirePageSession } from "@/lib/auth/page-guard";
import { getTaskService } from "@/lib/tasks";
import { parseCompareIds } from "@/lib/tasks/compare-ids";
import type { TaskView } from "@/lib/tasks/types";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t("meta.compareTitle") };
}

type Loaded = { tasks: TaskView[] } | { problem: string };

async function load(raw: string | string[] | undefined): Promise<Loaded> {
  const parsed = parseCompareIds(raw);
  if ("problem" in parsed) return parsed;
  const service = getTaskService();
  const tasks: TaskView[] = [];
  const missing: string[] = [];
  for (const id of parsed.ids) {
    try {
      tasks.push(await service.get(id));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) missing.push(id);
      else throw err;
    }
  }
  if (missing.length > 0)
    return {
      problem: msg("compare.notFound", {
        n: missing.length,
        ids: missing.map((id) => `"${id.slice(0, 80)}"`).join(", "),
      }),
    };
  return { tasks };
}

// /compare?ids=a,b[,c,d] - two to four results side by side as synced players; a shareable address
export default async function ComparePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const raw = params.ids;
  await requirePageSession(typeof raw === "string" ? `/compare?ids=${encodeURIComponent(raw)}` : "/compare");
  const loaded = await load(raw);
  const t = await getTranslations();
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        {"problem" in loaded ? (
          <div className="space-y-3">
            <h1 className="text-lg font-semibold text-slate-100">{t("compare.cant")}</h1>
            <p
              role="alert"
              className="rounded-md border border-amber-400/30 bg-amber-400/10 p-3 text-sm text-amber-100"
            >
              {say(t, loaded.problem)}
            </p>
            <AppLink href="/" className="inline-block text-sm text-accent-400 hover:underline">
              {t("tasks.back")}
            </AppLink>
          </div>
        ) : (
          <>
            <CompareView initialTasks={loaded.tasks} />
            <AppLink href="/" className="mt-6 inline-block text-sm text-accent-400 hover:underline">
              {t("tasks.back")}
            </AppLink>
          </>
        )}
      </main>
    </>
  );
}
