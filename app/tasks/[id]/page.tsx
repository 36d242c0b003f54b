import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { SiteHeader } from "@/components/site-header";
import { TaskDetail } from "@/components/tasks/task-detail";
import { ApiError } from "@/lib/api/errors";
import { requirePageCaller } from "@/lib/auth/page-guard";
import { modelInfo } from "@/lib/models/catalog";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

async function load(id: string) {
  try {
    const service = getTaskService();
    return { task: await service.get(id), lineage: await service.lineage(id) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const raw = (await params).id;
  await requirePageCaller(`/tasks/${raw}`);
  const { task } = await load(decodeURIComponent(raw));
  const t = await getTranslations();
  return {
    title: t("meta.taskTitle", {
      model: modelInfo(task.model).label,
      prompt: task.input.prompt.slice(0, 60),
    }),
  };
}

// /tasks/{id} - a shareable page, rendered on the server with the task's current state
export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const raw = (await params).id;
  const caller = await requirePageCaller(`/tasks/${raw}`);
  const { task, lineage } = await load(decodeURIComponent(raw));
  return (
    <>
      <SiteHeader caller={caller} />
      <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6">
        <TaskDetail initial={task} initialLineage={lineage} />
      </main>
    </>
  );
}
