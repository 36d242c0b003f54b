import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SiteHeader } from "@/components/site-header";
import { TaskDetail } from "@/components/tasks/task-detail";
import { ApiError } from "@/lib/api/errors";
import { requirePageSession } from "@/lib/auth/page-guard";
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
  await requirePageSession(`/tasks/${raw}`);
  const { task } = await load(decodeURIComponent(raw));
  return { title: `${modelInfo(task.model).label}: ${task.input.prompt.slice(0, 60)} · Retake` };
}

// /tasks/{id} - a shareable page, rendered on the server with the task's current state
export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const raw = (await params).id;
  await requirePageSession(`/tasks/${raw}`);
  const { task, lineage } = await load(decodeURIComponent(raw));
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6">
        <TaskDetail initial={task} initialLineage={lineage} />
      </main>
    </>
  );
}
