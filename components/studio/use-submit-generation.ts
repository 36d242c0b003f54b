"use client";

import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import type { UseFormReturn } from "react-hook-form";
import {
  ApiRequestError,
  type BatchAnswer,
  submitGeneration,
  submitTakes,
  taskKeys,
  usageKey,
} from "@/lib/client/api";
import { say } from "@/lib/i18n/message";
import { type GenerationRequest, modelInfo } from "@/lib/models/catalog";
import type { MeasuredVideo } from "@/lib/models/media";
import type { TaskPage } from "@/lib/tasks/types";
import { rememberTask } from "@/lib/client/live";
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
  takes = 1,
}: {
  form: UseFormReturn<FormValues, unknown, GenerationRequest>;
  parentTaskId: string | null;
  sourceMeta: MeasuredVideo | undefined;
  /** How many takes one click starts (issue 14): several go in one request, all or none against the cap. */
  takes?: number;
}) {
  const t = useTranslations();
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

  // Changing the number of takes is a new request: a new key, like any edit.
  useEffect(() => {
    idempotencyKey.current = newKey();
  }, [takes]);

  const mutation = useMutation({
    mutationFn: async (request: GenerationRequest): Promise<BatchAnswer> => {
      const options = { idempotencyKey: idempotencyKey.current, parentTaskId, sourceMeta };
      if (takes > 1) return submitTakes(request, { ...options, takes });
      const task = await submitGeneration(request, options);
      return { groupId: task.id, tasks: [task], failures: [], warnings: task.warnings };
    },
    onSuccess: ({ tasks, failures, warnings: warned }) => {
      // The stream may already have brought a later state of these tasks: the newest wins.
      const latest = tasks.map((task) => rememberTask(queryClient, task));
      // Show them at the top of the unfiltered list at once (take 1 first); filtered lists refetch.
      const started = [...latest].reverse();
      queryClient.setQueryData<InfiniteData<TaskPage>>(taskKeys.list(), (old) => {
        if (!old) return old;
        const [first, ...rest] = old.pages;
        const page: TaskPage = first ?? { tasks: [], nextCursor: null };
        const ids = new Set(started.map((t) => t.id));
        return {
          ...old,
          pages: [{ ...page, tasks: [...started, ...page.tasks.filter((t) => !ids.has(t.id))] }, ...rest],
        };
      });
      void queryClient.invalidateQueries({ queryKey: taskKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: usageKey });
      idempotencyKey.current = newKey();
      const warnings = Object.values(warned ?? {}).map((w) => say(t, w));
      const label = modelInfo(tasks[0]!.model).label;
      const startedWords =
        tasks.length > 1
          ? t("studio.form.startedTakes", { n: tasks.length, model: label })
          : t("studio.form.started", { model: label });
      const failed = failures
        .map((f) => t("studio.form.takeFailed", { take: f.take, message: say(t, f.message) }))
        .join(" ");
      const note = warnings.length > 0 ? ` ${t("studio.form.note", { warnings: warnings.join(" ") })}` : "";
      setNotice({
        kind: failures.length > 0 ? "error" : "ok",
        text: `${startedWords}${failed ? ` ${failed}` : ""}${note}`,
      });
    },
    onError: (err) => {
      // A refusal may be the daily cap: what's left of it is read again.
      void queryClient.invalidateQueries({ queryKey: usageKey });
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
              ? `${say(t, err.message)} ${t("studio.form.outcomeUnknown")}`
              : say(t, err.message)
            : t("errors.generic"),
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
