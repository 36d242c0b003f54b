import { SiteHeader } from "@/components/site-header";
import { Studio } from "@/components/studio/studio";
import { getEnv } from "@/lib/env";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

export default function StudioPage() {
  const env = getEnv();
  const initialPage = getTaskService().list({ limit: 20 });
  return (
    <>
      <SiteHeader simulator={env.simulator} />
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        <h1 className="sr-only">Retake studio</h1>
        <Studio simulator={env.simulator} initialPage={initialPage} initialDraft={null} />
      </main>
    </>
  );
}
