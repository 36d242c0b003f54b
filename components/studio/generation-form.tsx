"use client";

import { useTranslations } from "next-intl";
import { Suspense, lazy, useCallback, useEffect, useRef, useState } from "react";
import { Controller, useForm, useWatch, type Resolver } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, FieldError, describedBy, inputClass } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import { type Translate, say } from "@/lib/i18n/message";
import { Segmented } from "@/components/ui/segmented";
import { type GenerationRequest, modelInfo } from "@/lib/models/catalog";
import type { Pricing } from "@/lib/pricing/price";
import { useShortcut } from "@/lib/client/shortcuts";
import { useUsage } from "@/lib/client/usage";
import { TAKE_CHOICES } from "@/lib/tasks/takes";
import { FileDrop } from "./file-drop";
import { ModelPicker } from "./model-picker";
import { ModelSettings } from "./model-settings";
import { PromptField } from "./prompt-field";
import { ReferenceMedia, type ElementValue } from "./reference-media";
import { UrlThumb } from "./url-thumb";
import { useSubmitGeneration } from "./use-submit-generation";
import { VideoPreview, type ProbeState } from "./video-preview";
import { type FormValues, emptyForm, list, sampleValues, text } from "./form-values";

// The estimate (and the price logic) arrives after the first load: it only shows once usage or prices are read.
const CostEstimate = lazy(() => import("./cost-estimate"));

export interface Draft {
  values: FormValues;
  parentTaskId: string | null;
  /** Changes every time a draft is applied, so applying the same one twice still resets the form. */
  nonce: number;
  /** Where the values came from, shown above the form. */
  note?: string;
}

type FormResolver = Resolver<FormValues, unknown, GenerationRequest>;
const loadSchemaModules = () => Promise.all([import("@hookform/resolvers/zod"), import("@/lib/models")]);
let loadedModules: ReturnType<typeof loadSchemaModules> | undefined;

/**
 * The registry's schema through zodResolver, the same one the route handler uses. Loaded on first validation
 * (the first Generate), so zod and the resolver stay out of the studio's first load: everything the form shows
 * before then (limits, counts, clip checks) comes from the zod-free definitions.
 */
const resolver: FormResolver = async (values, context, options) => {
  loadedModules ??= loadSchemaModules();
  const [{ zodResolver }, { requestSchema }] = await loadedModules;
  return zodResolver(requestSchema())(values, context, options);
};

/**
 * Field errors keyed by dotted path (`elements.0.frontal_image_url`), from react-hook-form's nested errors, in
 * the page's language (the schema's messages are catalog keys; the server's are already translated).
 */
function flattenErrors(errors: unknown, t: Translate): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const collect = (obj: unknown, prefix: string) => {
    if (!obj || typeof obj !== "object") return;
    const rec = obj as Record<string, unknown>;
    if (typeof rec.message === "string" && prefix) out[prefix] ??= say(t, rec.message);
    for (const [k, v] of Object.entries(rec)) {
      if (k === "message" || k === "type" || k === "ref" || k === "types") continue;
      collect(v, prefix ? (k === "root" ? prefix : `${prefix}.${k}`) : k);
    }
  };
  collect(errors, "");
  return out;
}

/** The studio form: the model picker, then the chosen model's fields, all drawn from its definition. */
const TAKE_OPTIONS = TAKE_CHOICES.map((n) => ({ value: String(n), label: String(n) }));

export function GenerationForm({
  simulator,
  draft,
  draftProblem,
  pricing = null,
}: {
  simulator: boolean;
  draft: Draft | null;
  draftProblem?: string | null;
  /** The operator's prices (PRICE_TABLE), when set. */
  pricing?: Pricing | null;
}) {
  const t = useTranslations();
  const form = useForm<FormValues, unknown, GenerationRequest>({
    defaultValues: draft?.values ?? emptyForm(),
    resolver,
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  const { control, register, handleSubmit, setValue, setError, clearErrors, formState, reset } = form;
  const values = useWatch({ control }) as FormValues;
  const info = modelInfo(values.model);
  const source = info.source;
  const sourceValue = text(values[source.field]).trim();

  const [parentTaskId, setParentTaskId] = useState<string | null>(draft?.parentTaskId ?? null);
  const [probe, setProbe] = useState<ProbeState>({ state: "idle" });
  // A setting that follows the clip (Veo's aspect ratio) stops following it once the user picks one.
  const followTouched = useRef(false);
  const lastDraftNonce = useRef(draft?.nonce);

  const onProbe = useCallback((p: ProbeState) => setProbe(p), []);
  const measured =
    source.kind === "video" && probe.state === "ready" && probe.url === sourceValue ? probe.video : undefined;
  const videoProblems = measured && info.videoProblems ? info.videoProblems(measured) : [];

  const [takes, setTakes] = useState(1);
  const usage = useUsage().data;
  // The daily cap, read before anything is sent: how many tasks it still allows.
  const capLeft = usage?.cap ? usage.cap.left : null;
  // Whose limit binds: the team's, or the person's own (accounts mode).
  const scope = usage?.cap?.scope ?? "team";
  const overCap = capLeft !== null && takes > capLeft;

  const { submit, busy, notice, setNotice, renewKey } = useSubmitGeneration({
    form,
    parentTaskId,
    sourceMeta: measured,
    takes,
  });

  // Ctrl+Enter (Cmd+Enter on a Mac) generates, from anywhere on the page; the submit guard keeps it to once.
  const formRef = useRef<HTMLFormElement>(null);
  useShortcut({
    id: "generate",
    keys: ["Ctrl+Enter", "⌘+Enter"],
    description: "studio.form.generate",
    scope: "shortcuts.studio",
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      e.preventDefault();
      if (e.repeat) return;
      formRef.current?.requestSubmit();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    if (!draft || draft.nonce === lastDraftNonce.current) return;
    lastDraftNonce.current = draft.nonce;
    reset(draft.values);
    setParentTaskId(draft.parentTaskId);
    followTouched.current = false;
    setNotice(null);
  }, [draft, reset, setNotice]);

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

  useEffect(() => {
    const follows = info.followsClip;
    if (!measured || !follows || followTouched.current) return;
    const value = follows.valueFor(measured);
    if (value) setValue(follows.field, value);
  }, [measured, info, setValue]);

  const videoBlocked =
    sourceValue !== "" &&
    ((probe.state === "loading" && probe.url === sourceValue) || videoProblems.length > 0);

  const onValid = async (request: GenerationRequest) => {
    setNotice(null);
    if (capLeft !== null && takes > capLeft) {
      setNotice({
        kind: "error",
        text:
          capLeft === 0
            ? t("studio.takes.capUsedUpSent", { scope })
            : t("studio.takes.capAllowsSent", { left: capLeft, takes, scope }),
      });
      return;
    }
    if (videoProblems.length > 0) {
      setError(source.field, { type: "media", message: videoProblems.map((p) => say(t, p)).join(" ") });
      return;
    }
    if (source.kind === "video" && probe.state === "loading") {
      setNotice({
        kind: "error",
        text: t("studio.form.clipStillLoading"),
      });
      return;
    }
    await submit(request);
  };
  // A double click must not submit twice: this flag is set before React can re-render the disabled button.
  const submitting = useRef(false);
  const errorMap = flattenErrors(formState.errors, t);
  const refs = info.references;

  return (
    <form
      ref={formRef}
      aria-label={t("studio.form.name")}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (submitting.current || busy) return;
        if (uploading.length > 0) {
          setNotice({
            kind: "error",
            text: t("studio.form.waitForUpload"),
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
            <strong className="font-semibold">{t("studio.form.simulatorTitle")}</strong>{" "}
            {t("studio.form.simulatorBody")}
          </p>
          <Button
            size="sm"
            onClick={() => {
              const next = sampleValues(values.model, window.location.origin, form.getValues());
              reset(next, { keepDefaultValues: true });
              followTouched.current = false;
              setNotice(null);
            }}
          >
            {t("studio.form.fillSample")}
          </Button>
        </div>
      ) : null}

      {draft?.note || draftProblem ? (
        <p
          role="status"
          className="rounded-md border border-accent-500/30 bg-accent-500/10 px-3 py-2 text-sm text-accent-400"
        >
          {say(t, draftProblem ?? draft?.note ?? "")}
        </p>
      ) : null}

      <Controller
        control={control}
        name="model"
        render={({ field }) => (
          <ModelPicker
            value={field.value}
            onChange={(id) => {
              field.onChange(id);
              clearErrors();
              setNotice(null);
            }}
          />
        )}
      />

      <FileDrop
        key={source.field}
        kind={source.kind}
        fieldName={t("uploads.kindField", { kind: source.kind })}
        value={text(values[source.field])}
        onUrl={(url) => {
          setValue(source.field, url, { shouldDirty: true });
          clearErrors(source.field);
        }}
        onBusy={onUploadBusy}
        videoProblems={info.videoProblems}
        modelLabel={info.label}
        clipFix={info.clipFix}
        modelName={info.probe?.name}
      >
        <Field
          id={source.field}
          label={say(t, source.label)}
          help={source.help ? say(t, source.help) : undefined}
          error={errorMap[source.field]}
        >
          <div className={source.kind === "image" ? "flex items-center gap-2" : undefined}>
            {source.kind === "image" ? <UrlThumb url={sourceValue} /> : null}
            <input
              id={source.field}
              type="url"
              inputMode="url"
              autoComplete="off"
              placeholder={source.placeholder}
              className={inputClass}
              {...describedBy(source.field, errorMap[source.field])}
              {...register(source.field, { onChange: () => clearErrors(source.field) })}
            />
          </div>
        </Field>
      </FileDrop>
      {source.kind === "video" ? (
        <VideoPreview url={sourceValue} probe={probe} onProbe={onProbe} problems={videoProblems} />
      ) : null}

      <Controller
        control={control}
        name="prompt"
        render={({ field }) => (
          <PromptField
            value={text(field.value)}
            onChange={field.onChange}
            maxLength={info.promptMaxLength}
            references={
              refs
                ? {
                    images: list(values[refs.imagesField]).length,
                    elements: list(values[refs.elementsField]).length,
                  }
                : undefined
            }
            placeholder={say(t, info.prompt.placeholder)}
            error={errorMap.prompt}
            help={say(t, info.prompt.help ?? "")}
          />
        )}
      />

      <div className="space-y-5">
        <ModelSettings
          info={info}
          form={form}
          errors={errorMap}
          onChoose={(name) => {
            if (name === info.followsClip?.field) followTouched.current = true;
          }}
        />
        {refs ? (
          <ReferenceMedia
            spec={refs}
            images={list<string>(values[refs.imagesField])}
            elements={list<ElementValue>(values[refs.elementsField])}
            onImages={(v) => setValue(refs.imagesField, v, { shouldValidate: formState.isSubmitted })}
            onElements={(v) => setValue(refs.elementsField, v, { shouldValidate: formState.isSubmitted })}
            errors={errorMap}
            onBusy={onUploadBusy}
          />
        ) : null}
      </div>

      <div className="space-y-2 border-t border-ink-700 pt-4">
        {errorMap._form ? <FieldError>{errorMap._form}</FieldError> : null}
        <Suspense fallback={null}>
          <CostEstimate
            info={info}
            values={values}
            source={measured}
            takes={takes}
            pricing={pricing}
            usage={usage}
          />
        </Suspense>
        <div className="flex flex-wrap items-end gap-3">
          <Segmented
            name="takes"
            label={t("studio.takes.label")}
            value={String(takes)}
            options={TAKE_OPTIONS}
            onChange={(v) => setTakes(Number(v))}
          />
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
                {t("studio.form.generating")}
              </>
            ) : (
              t("studio.form.generate")
            )}
          </Button>
          {parentTaskId ? (
            <span className="text-xs text-slate-400">
              {t.rich("studio.form.continues", {
                id: parentTaskId.slice(0, 18),
                code: (chunks) => <code className="text-slate-300">{chunks}</code>,
              })}{" "}
              <button type="button" className="underline" onClick={() => setParentTaskId(null)}>
                {t("studio.form.unlink")}
              </button>
            </span>
          ) : null}
          {uploading.length > 0 ? (
            <p className="text-xs text-slate-400">{t("studio.form.readyAfterUpload")}</p>
          ) : null}
          {overCap ? (
            <p className="text-xs text-amber-300" role="status">
              {capLeft === 0
                ? t("studio.takes.capUsedUp", { scope })
                : t("studio.takes.capAllows", { left: capLeft, scope })}
            </p>
          ) : null}
          {videoBlocked && videoProblems.length > 0 ? (
            <p className="text-xs text-rose-300">{t("studio.form.fixClipFirst", { model: info.label })}</p>
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
                    onClick={(e) => {
                      renewKey();
                      e.currentTarget.closest("form")?.requestSubmit();
                    }}
                  >
                    {t("studio.form.sendAgain")}
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
