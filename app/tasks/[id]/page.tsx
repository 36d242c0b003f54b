import { notFound } from "next/navigation";
import { SiteHeader } from "@/components/site-header";
import { TaskDetail } from "@/components/tasks/task-detail";
import { ApiError } from "@/lib/api/errors";
import { getEnv } from "@/lib/env";
import { getTaskService } from "@/lib/tasks";
import type { TaskView } from "@/lib/tasks/types";

export const dynamic = "force-dynamic";

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  let task: TaskView;
  try {
    task = getTaskService().get(decodeURIComponent(id));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) notFound();
    throw err;
  }
  return (
    <>
      <SiteHeader simulator={getEnv().simulator} />
      <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6">
        <TaskDetail initial={task} />
      </main>
    </>
  );
}
