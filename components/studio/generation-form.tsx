"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Controller, useForm, useWatch, type Resolver } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, FieldError, describedBy, inputClass } from "@/components/ui/field";
import { Segmented } from "@/components/ui/segmented";
import { Switch } from "@/components/ui/switch";
import { cn } from "@/components/ui/cn";
import { ApiRequestError, submitGeneration, taskKeys } from "@/lib/client/api";
import type { GenerationRequest } from "@/lib/models";
import { KLING_O3_EDIT, MODELS, MODEL_IDS } from "@/lib/models/catalog";
import { klingFields } from "@/lib/models/kling-o3.rules";
import { veoAspectFor, veoFields } from "@/lib/models/veo-extend.rules";
import type { TaskPage } from "@/lib/tasks/types";
import type { InfiniteData } from "@tanstack/react-query";
import { FileDrop } from "./file-drop";
import { KlingMedia } from "./kling-media";
import { PromptField } from "./prompt-field";
import { VideoPreview, type ProbeState } from "./video-preview";
import { EMPTY_FORM, sampleValues, type FormValues } from "./form-values";

export interface Draft {
  values: FormValues;
  parentTaskId: string | null;
  /** Changes every time a draft is applied, so applying the same one twice still resets the form. */
  nonce: number;
  /** Where the values came from, shown above the form. */
  note?: string;
}

type FormResolver = Resolver<FormValues, unknown, GenerationRequest>;
let loadedResolver: Promise<FormResolver> | undefined;

/**
 * The registry's schema through zodResolver, the same one the route handler uses. Loaded on first validation
 * (the first Generate), so zod and the resolver stay out of the studio's first load: everything the form shows
 * before then (limits, counts, clip checks) comes from the zod-free catalog.
 */
const resolver: FormResolver = async (values, context, options) => {
  loadedResolver ??= Promise.all([import("@hookform/resolvers/zod"), import("@/lib/models")]).then(
    ([{ zodResolver }, { generationRequestSchema }]) =>
      zodResolver(generationRequestSchema) as unknown as FormResolver,
  );
  return (await loadedResolver)(values, context, options);
};

function newKey() {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function GenerationForm({
  simulator,
  draft,
  draftProblem,
}: {
  simulator: boolean;
  draft: Draft | null;
  draftProblem?: string | null;
}) {
  const queryClient = useQueryClient();
  const form = useForm<FormValues, unknown, GenerationRequest>({
    defaultValues: draft?.values ?? EMPTY_FORM,
    resolver,
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  const { control, register, handleSubmit, setValue, setError, clearErrors, formState, reset } = form;
  const values = useWatch({ control }) as FormValues;
  const model = values.model;
  const info = MODELS[model];
  const isKling = model === KLING_O3_EDIT;

  const [parentTaskId, setParentTaskId] = useState<string | null>(draft?.parentTaskId ?? null);
  const [probe, setProbe] = useState<ProbeState>({ state: "idle" });
  const [notice, setNotice] = useState<{
    kind: "ok" | "error";
    text: string;
    /** An outcome-unknown submit: offer to send again deliberately, with a new key. */
    resend?: boolean;
  } | null>(null);
  const aspectTouched = useRef(false);
  // One idempotency key per attempt: a retry of the same values reuses it, any edit starts a new one.
  const idempotencyKey = useRef(newKey());
  const lastDraftNonce = useRef(draft?.nonce);

  useEffect(() => {
    if (!draft || draft.nonce === lastDraftNonce.current) return;
    lastDraftNonce.current = draft.nonce;
    reset(draft.values);
    setParentTaskId(draft.parentTaskId);
    aspectTouched.current = false;
    setNotice(null);
  }, [draft, reset]);

  useEffect(() => {
    return form.subscribe({
      formState: { values: true },
      callback: () => {
        idempotencyKey.current = newKey();
      },
    });
  }, [form]);

  const onProbe = useCallback((p: ProbeState) => setProbe(p), []);

  // Fields with an upload in flight: Generate waits for them rather than sending an empty or stale URL.
  const [uploading, setUploading] = useState<string[]>([]);
  const onUploadBusy = useCallback(
    (id: string, isBusy: boolean) =>
      setUploading((ids) => {
        if (ids.includes(id) === isBusy) return ids;
        return isBusy ? [...ids, id] : ids.filter((x) => x !== id);
      }),
    [],
  );
  // A file dropped beside a drop zone would make the browser open it and leave the page, losing the form.
  useEffect(() => {
    const guard = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    window.addEventListener("dragover", guard);
    window.addEventListener("drop", guard);
    return () => {
      window.removeEventListener("dragover", guard);
      window.removeEventListener("drop", guard);
    };
  }, []);
  const measured = probe.state === "ready" && probe.url === values.video_url.trim() ? probe.video : undefined;
  const videoProblems = useMemo(() => (measured ? info.videoProblems(measured) : []), [measured, info]);

  // Veo's aspect ratio follows the clip's shape unless the user has chosen one.
  useEffect(() => {
    if (!measured || info.family !== "veo" || aspectTouched.current) return;
    const aspect = veoAspectFor(measured);
    if (aspect) setValue("aspect_ratio", aspect);
  }, [measured, info.family, setValue]);

  const mutation = useMutation({
    mutationFn: (request: GenerationRequest) =>
      submitGeneration(request, {
        idempotencyKey: idempotencyKey.current,
        parentTaskId,
        sourceMeta: measured,
      }),
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
        text: `Started: ${MODELS[task.model].label}. Follow it in Tasks.${warnings.length > 0 ? ` Note: ${warnings.join(" ")}` : ""}`,
      });
    },
    onError: (err) => {
      if (err instanceof ApiRequestError && err.fields) {
        for (const [path, message] of Object.entries(err.fields)) {
          if (path === "_form") continue;
          setError(path as keyof FormValues, { type: "server", message });
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

  const videoBlocked =
    values.video_url.trim() !== "" &&
    ((probe.state === "loading" && probe.url === values.video_url.trim()) || videoProblems.length > 0);

  const onValid = async (request: GenerationRequest) => {
    setNotice(null);
    if (videoProblems.length > 0) {
      setError("video_url", { type: "media", message: videoProblems.join(" ") });
      return;
    }
    if (probe.state === "loading") {
      setNotice({
        kind: "error",
        text: "Wait a moment: the clip is still loading, so it hasn't been checked yet.",
      });
      return;
    }
    try {
      await mutation.mutateAsync(request);
    } catch {
      // Shown by onError.
    }
  };
  // A double click must not submit twice: this flag is set before React can re-render the disabled button.
  const submitting = useRef(false);

  const errorMap: Record<string, string | undefined> = {};
  const collect = (obj: unknown, prefix: string) => {
    if (!obj || typeof obj !== "object") return;
    const rec = obj as Record<string, unknown>;
    if (typeof rec.message === "string" && prefix) errorMap[prefix] ??= rec.message;
    for (const [k, v] of Object.entries(rec)) {
      if (k === "message" || k === "type" || k === "ref" || k === "types") continue;
      collect(v, prefix ? (k === "root" ? prefix : `${prefix}.${k}`) : k);
    }
  };
  collect(formState.errors, "");

  const busy = mutation.isPending;

  return (
    <form
      aria-label="New generation"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (submitting.current) return;
        if (uploading.length > 0) {
          setNotice({
            kind: "error",
            text: "Wait for the upload to finish (or cancel it), then generate.",
          });
          return;
        }
        submitting.current = true;
        void handleSubmit(onValid)(e).finally(() => {
          submitting.current = false;
        });
      }}
      className="space-y-5"
    >
      {simulator ? (
        <div className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-400/30 bg-amber-400/10 px-3 py-2 text-sm">
          <p className="text-amber-200">
            <strong className="font-semibold">Simulator mode.</strong> Results are simulated and nothing is
            charged.
          </p>
          <Button
            size="sm"
            onClick={() => {
              const next = sampleValues(model, window.location.origin, form.getValues());
              reset(next, { keepDefaultValues: true });
              aspectTouched.current = false;
              setNotice(null);
            }}
          >
            Fill with sample media
          </Button>
        </div>
      ) : null}

      {draft?.note || draftProblem ? (
        <p
          role="status"
          className="rounded-md border border-accent-500/30 bg-accent-500/10 px-3 py-2 text-sm text-accent-400"
        >
          {draftProblem ?? draft?.note}
        </p>
      ) : null}

      <Controller
        control={control}
        name="model"
        render={({ field }) => (
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-200">Model</legend>
            <div role="radiogroup" aria-label="Model" className="grid gap-2 sm:grid-cols-3">
              {MODEL_IDS.map((id) => (
                <label
                  key={id}
                  className={cn(
                    "cursor-pointer rounded-md border px-3 py-2 transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-400",
                    field.value === id
                      ? "border-accent-500 bg-accent-500/10"
                      : "border-ink-600 bg-ink-900 hover:border-ink-600 hover:bg-ink-850",
                  )}
                >
                  <input
                    type="radio"
                    name="model"
                    value={id}
                    checked={field.value === id}
                    onChange={() => {
                      field.onChange(id);
                      clearErrors();
                      setNotice(null);
                    }}
                    aria-labelledby={`model-${id}-name`}
                    aria-describedby={`model-${id}-desc`}
                    className="sr-only"
                  />
                  <span id={`model-${id}-name`} className="block text-sm font-medium text-slate-100">
                    {MODELS[id].label}
                  </span>
                  <span id={`model-${id}-desc`} className="mt-0.5 block text-xs leading-snug text-slate-400">
                    {MODELS[id].description}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        )}
      />

      <FileDrop
        kind="video"
        fieldName="video"
        value={values.video_url}
        onUrl={(url) => {
          setValue("video_url", url, { shouldDirty: true });
          clearErrors("video_url");
        }}
        onBusy={onUploadBusy}
        videoProblems={info.videoProblems}
        modelLabel={info.label}
      >
        <Field
          id="video_url"
          label="Video URL"
          help={isKling ? klingFields.video_url.help : veoFields.video_url.help}
          error={errorMap.video_url}
        >
          <input
            id="video_url"
            type="url"
            inputMode="url"
            autoComplete="off"
            placeholder="https://…/clip.mp4"
            className={inputClass}
            {...describedBy("video_url", errorMap.video_url)}
            {...register("video_url", { onChange: () => clearErrors("video_url") })}
          />
        </Field>
      </FileDrop>
      <VideoPreview url={values.video_url.trim()} probe={probe} onProbe={onProbe} problems={videoProblems} />

      <Controller
        control={control}
        name="prompt"
        render={({ field }) => (
          <PromptField
            value={field.value}
            onChange={field.onChange}
            maxLength={info.promptMaxLength}
            references={
              isKling ? { images: values.image_urls.length, elements: values.elements.length } : undefined
            }
            error={errorMap.prompt}
            help={isKling ? klingFields.prompt.help : veoFields.prompt.help}
          />
        )}
      />

      {isKling ? (
        <div className="space-y-5">
          <div className="flex flex-wrap items-end gap-x-8 gap-y-4">
            <Controller
              control={control}
              name="resolution"
              render={({ field }) => (
                <Segmented
                  name="resolution"
                  label="Resolution"
                  value={field.value}
                  onChange={field.onChange}
                  options={[
                    { value: "720p", label: "720p" },
                    { value: "1080p", label: "1080p" },
                  ]}
                />
              )}
            />
            <Switch
              id="keep_audio"
              label="Keep original audio"
              help={klingFields.keep_audio.help}
              {...register("keep_audio")}
            />
          </div>
          <KlingMedia
            images={values.image_urls}
            elements={values.elements}
            onImages={(v) => setValue("image_urls", v, { shouldValidate: formState.isSubmitted })}
            onElements={(v) => setValue("elements", v, { shouldValidate: formState.isSubmitted })}
            errors={errorMap}
            onBusy={onUploadBusy}
          />
        </div>
      ) : (
        <div className="space-y-5">
          <div className="flex flex-wrap items-end gap-x-8 gap-y-4">
            <Controller
              control={control}
              name="aspect_ratio"
              render={({ field }) => (
                <Segmented
                  name="aspect_ratio"
                  label="Aspect ratio"
                  value={field.value}
                  onChange={(v) => {
                    aspectTouched.current = true;
                    field.onChange(v);
                  }}
                  options={[
                    { value: "16:9", label: "16:9" },
                    { value: "9:16", label: "9:16" },
                  ]}
                  help={veoFields.aspect_ratio.help}
                />
              )}
            />
            <Switch
              id="generate_audio"
              label="Generate audio"
              help={veoFields.generate_audio.help}
              {...register("generate_audio")}
            />
          </div>
          <details
            className="group rounded-md border border-ink-700 bg-ink-900/60"
            open={
              Boolean(errorMap.seed || errorMap.negative_prompt || errorMap.safety_tolerance) || undefined
            }
          >
            <summary className="cursor-pointer select-none px-3 py-2 text-sm font-medium text-slate-200">
              Advanced
              <span className="ml-2 text-xs font-normal text-slate-400">
                negative prompt, seed, safety, auto-fix
              </span>
            </summary>
            <div className="grid gap-4 border-t border-ink-700 p-3 sm:grid-cols-2">
              <Field
                id="negative_prompt"
                label="Negative prompt"
                help={veoFields.negative_prompt.help}
                error={errorMap.negative_prompt}
                className="sm:col-span-2"
              >
                <input
                  id="negative_prompt"
                  type="text"
                  placeholder="blurry, low quality, watermark"
                  className={inputClass}
                  {...describedBy("negative_prompt", errorMap.negative_prompt)}
                  {...register("negative_prompt")}
                />
              </Field>
              <Field id="seed" label="Seed" help={veoFields.seed.help} error={errorMap.seed}>
                <input
                  id="seed"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  step={1}
                  placeholder="Random"
                  className={inputClass}
                  {...describedBy("seed", errorMap.seed)}
                  {...register("seed", {
                    setValueAs: (v: string) => (v === "" || v === undefined ? undefined : Number(v)),
                  })}
                />
              </Field>
              <Field
                id="safety_tolerance"
                label="Safety tolerance"
                help={veoFields.safety_tolerance.help}
                error={errorMap.safety_tolerance}
              >
                <select
                  id="safety_tolerance"
                  className={inputClass}
                  {...describedBy("safety_tolerance", errorMap.safety_tolerance)}
                  {...register("safety_tolerance", {
                    setValueAs: (v: string | number | undefined) =>
                      v === "" || v === undefined ? undefined : Number(v),
                  })}
                >
                  <option value="">Provider default</option>
                  {[1, 2, 3, 4, 5, 6].map((n) => (
                    <option key={n} value={n}>
                      {n}
                      {n === 1 ? " (strictest)" : n === 6 ? " (most permissive)" : ""}
                    </option>
                  ))}
                </select>
              </Field>
              <div className="sm:col-span-2">
                <Switch
                  id="auto_fix"
                  label="Auto-fix prompt"
                  help={veoFields.auto_fix.help}
                  {...register("auto_fix")}
                />
              </div>
            </div>
          </details>
        </div>
      )}

      <div className="space-y-2 border-t border-ink-700 pt-4">
        {errorMap._form ? <FieldError>{errorMap._form}</FieldError> : null}
        <div className="flex flex-wrap items-center gap-3">
          <Button
            type="submit"
            variant="primary"
            size="lg"
            disabled={busy}
            aria-busy={busy}
            className="min-w-36"
          >
            {busy ? (
              <>
                <span
                  aria-hidden="true"
                  className="h-4 w-4 animate-spin rounded-full border-2 border-ink-950 border-t-transparent"
                />
                Generating…
              </>
            ) : (
              "Generate"
            )}
          </Button>
          {parentTaskId ? (
            <span className="text-xs text-slate-400">
              Continues task <code className="text-slate-300">{parentTaskId.slice(0, 18)}</code>{" "}
              <button type="button" className="underline" onClick={() => setParentTaskId(null)}>
                unlink
              </button>
            </span>
          ) : null}
          {uploading.length > 0 ? (
            <p className="text-xs text-slate-400">Generate is ready when the upload finishes.</p>
          ) : null}
          {videoBlocked && videoProblems.length > 0 ? (
            <p className="text-xs text-rose-300">Fix the clip first: it breaks {info.label}&apos;s limits.</p>
          ) : null}
        </div>
        <div aria-live="polite">
          {notice ? (
            <p
              role={notice.kind === "error" ? "alert" : "status"}
              className={cn("text-sm", notice.kind === "error" ? "text-rose-300" : "text-emerald-300")}
            >
              {notice.text}
              {notice.resend ? (
                <>
                  {" "}
                  <button
                    type="button"
                    className="underline"
                    onClick={() => {
                      idempotencyKey.current = newKey();
                      const form = document.querySelector<HTMLFormElement>(
                        'form[aria-label="New generation"]',
                      );
                      form?.requestSubmit();
                    }}
                  >
                    Send it again anyway
                  </button>
                </>
              ) : null}
            </p>
          ) : null}
        </div>
      </div>
    </form>
  );
}
