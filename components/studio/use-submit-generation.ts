"use client";

import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { UseFormReturn } from "react-hook-form";
import { ApiRequestError, submitGeneration, taskKeys } from "@/lib/client/api";
import { type GenerationRequest, modelInfo } from "@/lib/models/catalog";
import type { MeasuredVideo } from "@/lib/models/media";
import type { TaskPage } from "@/lib/tasks/types";
import type { FormValues } from "./form-values";

export interface Notice {
  kind: "ok" | "error";
  text: string;
  /** An outcome-unknown submit: offer to send again deliberately, with a new key. */
  resend?: boolean;
}

function newKey() {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Sending a validated request: the mutation, the task caches it updates, the notice it leaves, and the
 * idempotency key. One key per attempt: a retry of the same values reuses it, any edit starts a new one, so a
 * double click or a retry after a lost answer never reaches FoxAPI twice.
 */
export function useSubmitGeneration({
  form,
  parentTaskId,
  sourceMeta,
}: {
  form: UseFormReturn<FormValues, unknown, GenerationRequest>;
  parentTaskId: string | null;
  sourceMeta: MeasuredVideo | undefined;
}) {
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<Notice | null>(null);
  const idempotencyKey = useRef(newKey());

  useEffect(
    () =>
      form.subscribe({
        formState: { values: true },
        callback: () => {
          idempotencyKey.current = newKey();
        },
      }),
    [form],
  );

  const mutation = useMutation({
    mutationFn: (request: GenerationRequest) =>
      submitGeneration(request, { idempotencyKey: idempotencyKey.current, parentTaskId, sourceMeta }),
    onSuccess: (task) => {
      queryClient.setQueryData(taskKeys.detail(task.id), task);
      // Show it at the top of the unfiltered list at once; filtered lists refetch.
      queryClient.setQueryData<InfiniteData<TaskPage>>(taskKeys.list(), (old) => {
        if (!old) return old;
        const [first, ...rest] = old.pages;
        const page: TaskPage = first ?? { tasks: [], nextCursor: null };
        return {
          ...old,
          pages: [{ ...page, tasks: [task, ...page.tasks.filter((t) => t.id !== task.id)] }, ...rest],
        };
      });
      void queryClient.invalidateQueries({ queryKey: taskKeys.lists() });
      idempotencyKey.current = newKey();
      const warnings = Object.values(task.warnings ?? {});
      setNotice({
        kind: "ok",
        text: `Started: ${modelInfo(task.model).label}. Follow it in Tasks.${warnings.length > 0 ? ` Note: ${warnings.join(" ")}` : ""}`,
      });
    },
    onError: (err) => {
      if (err instanceof ApiRequestError && err.fields) {
        for (const [path, message] of Object.entries(err.fields)) {
          if (path === "_form") continue;
          form.setError(path, { type: "server", message });
        }
      }
      const unknown = err instanceof ApiRequestError && err.code === "submit_outcome_unknown";
      setNotice({
        kind: "error",
        text:
          err instanceof ApiRequestError
            ? unknown
              ? `${err.message} Check the task list in a minute: if it isn't there, you can send it again. Pressing Generate with the same settings won't send it twice.`
              : err.message
            : "Something went wrong. Try again.",
        resend: unknown,
      });
    },
  });

  /** Sends the request; the outcome is shown through the notice. */
  const submit = async (request: GenerationRequest) => {
    try {
      await mutation.mutateAsync(request);
    } catch {
      // Shown by onError.
    }
  };

  return {
    submit,
    busy: mutation.isPending,
    notice,
    setNotice,
    /** Deliberately a new request (after an outcome-unknown answer): a fresh key. */
    renewKey: () => {
      idempotencyKey.current = newKey();
    },
  };
}
