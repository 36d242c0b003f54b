"use client";

import { useCallback, useRef, useState } from "react";
import type { Pricing } from "@/lib/pricing/price";
import type { TaskPage, TaskView } from "@/lib/tasks/types";
import { TaskList } from "@/components/tasks/task-list";
import { GenerationForm, type Draft } from "./generation-form";
import { formValuesFrom } from "./form-values";

/** The studio: the form beside the task list (below it on a narrow screen). */
export function Studio({
  simulator,
  initialPage,
  initialDraft,
  draftProblem,
  accounts = false,
  pricing = null,
}: {
  pricing?: Pricing | null;
  simulator: boolean;
  /** Team accounts are on: tasks show who started them, and the list can show only mine. */
  accounts?: boolean;
  initialPage: TaskPage;
  initialDraft: Draft | null;
  draftProblem?: string | null;
}) {
  const [draft, setDraft] = useState<Draft | null>(initialDraft);
  const formRef = useRef<HTMLDivElement>(null);
  const onRetry = useCallback((task: TaskView) => {
    setDraft((d) => ({
      values: formValuesFrom(task.input),
      parentTaskId: task.parentId,
      nonce: (d?.nonce ?? 0) + 1,
    }));
    formRef.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, []);

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)] xl:grid-cols-[minmax(0,1fr)_minmax(0,30rem)]">
      <div ref={formRef} className="rounded-lg border border-ink-700 bg-ink-900/60 p-4 sm:p-5">
        <GenerationForm simulator={simulator} draft={draft} draftProblem={draftProblem} pricing={pricing} />
      </div>
      <TaskList
        initialPage={initialPage}
        onRetry={onRetry}
        accounts={accounts}
        priceUnit={pricing?.unit ?? null}
      />
    </div>
  );
}
