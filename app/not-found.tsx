import { AppLink } from "@/components/ui/app-link";
import { getTranslations } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";

/** A page or task that isn't there, in the person's language. */
export default async function NotFound() {
  const t = await getTranslations();
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-3xl space-y-3 px-4 py-12 sm:px-6">
        <h1 className="text-lg font-semibold text-slate-100">{t("notFound.title")}</h1>
        <p className="text-sm text-slate-400">{t("notFound.body")}</p>
        <AppLink href="/" className="inline-block text-sm text-accent-400 hover:underline">
          {t("notFound.back")}
        </AppLink>
      </main>
    </>
  );
}
