import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";
import { TeamManager } from "@/components/team/team-manager";
import { requirePageCaller } from "@/lib/auth/page-guard";
import { getDb } from "@/lib/tasks";
import { type ActivityEntry, listActivity } from "@/lib/team/activity";
import { pendingInvites } from "@/lib/team/invites";
import { listPeople } from "@/lib/team/people";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t("meta.teamTitle") };
}

/** One Activity line in the reader's language. */
function activityWords(t: Awaited<ReturnType<typeof getTranslations>>) {
  const role = (value: unknown) => t(`team.roles.${value === "admin" ? "admin" : "member"}`);
  const limit = (value: unknown) => (typeof value === "number" ? String(value) : t("team.noLimit"));
  return (entry: ActivityEntry): string => {
    const actor = entry.actor.name ?? "?";
    const subject = entry.subject ?? "?";
    switch (entry.action) {
      case "signed_in":
        return t(entry.detail.method === "sso" ? "team.activity.signedInSso" : "team.activity.signedIn", {
          actor,
        });
      case "invited":
        return t("team.activity.invited", { actor, subject, role: role(entry.detail.role) });
      case "joined":
        return t("team.activity.joined", { subject, role: role(entry.detail.role) });
      case "role_changed":
        return t("team.activity.roleChanged", {
          actor,
          subject,
          from: role(entry.detail.from),
          to: role(entry.detail.to),
        });
      case "limit_changed":
        return t("team.activity.limitChanged", {
          actor,
          subject,
          from: limit(entry.detail.from),
          to: limit(entry.detail.to),
        });
      case "removed":
        return t("team.activity.removed", { actor, subject });
    }
  };
}

// /team - admins only (a member is sent back to the studio; the API answers them 403): people, invites, Activity
export default async function TeamPage() {
  const caller = await requirePageCaller("/team", { role: "admin" });
  const [people, invites, activity] = await Promise.all([
    listPeople(),
    pendingInvites(),
    listActivity(getDb(), 100),
  ]);
  const t = await getTranslations();
  const format = await getFormatter();
  const words = activityWords(t);
  return (
    <>
      <SiteHeader caller={caller} />
      <main className="mx-auto max-w-3xl space-y-8 px-4 py-6 sm:px-6">
        <div className="space-y-1">
          <h1 className="text-lg font-semibold text-slate-100">{t("team.title")}</h1>
          <p className="text-sm text-slate-400">{t("team.intro")}</p>
        </div>
        <TeamManager people={people} invites={invites} me={caller.userId ?? ""} />
        <section aria-labelledby="activity-heading" className="space-y-3">
          <h2 id="activity-heading" className="text-sm font-semibold text-slate-200">
            {t("team.activityHeading")}
          </h2>
          {activity.length === 0 ? (
            <p className="text-sm text-slate-400">{t("team.noActivity")}</p>
          ) : (
            <ol
              aria-label={t("team.activityHeading")}
              className="divide-y divide-ink-700 rounded-md border border-ink-700"
            >
              {activity.map((entry) => (
                <li key={entry.id} className="flex flex-col gap-0.5 px-3 py-2 text-sm sm:flex-row sm:gap-3">
                  <time
                    dateTime={new Date(entry.at).toISOString()}
                    className="shrink-0 text-xs text-slate-400 sm:w-40"
                  >
                    {format.dateTime(new Date(entry.at), { dateStyle: "medium", timeStyle: "short" })}
                  </time>
                  <span className="text-slate-200">{words(entry)}</span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </main>
    </>
  );
}
