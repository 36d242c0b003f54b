"use client";

import { useTranslations } from "next-intl";
import { Controller, type UseFormReturn } from "react-hook-form";
import { Field, describedBy, inputClass } from "@/components/ui/field";
import { Segmented } from "@/components/ui/segmented";
import { Switch } from "@/components/ui/switch";
import { say } from "@/lib/i18n/message";
import type { GenerationRequest, ModelInfo, SettingField } from "@/lib/models/catalog";
import type { FormValues } from "./form-values";

type Form = UseFormReturn<FormValues, unknown, GenerationRequest>;
type Errors = Record<string, string | undefined>;

/** An empty number field is "not set" (the schema then leaves the option out of the upstream body). */
const toNumber = (v: string | number | undefined) => (v === "" || v === undefined ? undefined : Number(v));

function Setting({
  field: f,
  form,
  errors,
  onChoose,
}: {
  field: SettingField;
  form: Form;
  errors: Errors;
  onChoose: (name: string) => void;
}) {
  const t = useTranslations();
  const { control, register } = form;
  const error = errors[f.name];
  const label = say(t, f.label);
  const help = f.help ? say(t, f.help) : undefined;
  switch (f.control.kind) {
    case "choice": {
      const options = f.control.options.map((o) => ({ value: o, label: o }));
      return (
        <Controller
          control={control}
          name={f.name}
          render={({ field }) => (
            <Segmented
              name={f.name}
              label={label}
              value={typeof field.value === "string" ? field.value : ""}
              onChange={(v) => {
                onChoose(f.name);
                field.onChange(v);
              }}
              options={options}
              help={help}
            />
          )}
        />
      );
    }
    case "switch":
      return <Switch id={f.name} label={label} help={help} {...register(f.name)} />;
    case "text":
      return (
        <Field id={f.name} label={label} help={help} error={error}>
          <input
            id={f.name}
            type="text"
            placeholder={f.control.placeholder ? say(t, f.control.placeholder) : undefined}
            className={inputClass}
            {...describedBy(f.name, error)}
            {...register(f.name)}
          />
        </Field>
      );
    case "integer":
      return (
        <Field id={f.name} label={label} help={help} error={error}>
          <input
            id={f.name}
            type="number"
            inputMode="numeric"
            min={f.control.min}
            step={1}
            placeholder={f.control.placeholder ? say(t, f.control.placeholder) : undefined}
            className={inputClass}
            {...describedBy(f.name, error)}
            {...register(f.name, { setValueAs: toNumber })}
          />
        </Field>
      );
    case "select":
      return (
        <Field id={f.name} label={label} help={help} error={error}>
          <select
            id={f.name}
            className={inputClass}
            {...describedBy(f.name, error)}
            {...register(f.name, { setValueAs: toNumber })}
          >
            <option value="">{say(t, f.control.emptyLabel)}</option>
            {f.control.options.map((o) => (
              <option key={o.value} value={o.value}>
                {say(t, o.label)}
              </option>
            ))}
          </select>
        </Field>
      );
  }
}

/**
 * A model's own settings, rendered from its definition: the main ones in a row, the rest in a collapsed
 * Advanced section that opens by itself when one of them has an error.
 */
export function ModelSettings({
  info,
  form,
  errors,
  onChoose,
}: {
  info: ModelInfo;
  form: Form;
  errors: Errors;
  /** Told when the user picks a choice themselves (a setting that follows the clip stops following it). */
  onChoose: (name: string) => void;
}) {
  const t = useTranslations();
  const main = info.settings.filter((f) => !f.advanced);
  const advanced = info.settings.filter((f) => f.advanced);
  return (
    <>
      {main.length > 0 ? (
        <div className="flex flex-wrap items-end gap-x-8 gap-y-4">
          {main.map((f) => (
            <Setting key={f.name} field={f} form={form} errors={errors} onChoose={onChoose} />
          ))}
        </div>
      ) : null}
      {advanced.length > 0 ? (
        <details
          className="group rounded-md border border-ink-700 bg-ink-900/60"
          open={advanced.some((f) => errors[f.name]) || undefined}
        >
          <summary className="cursor-pointer select-none px-3 py-2 text-sm font-medium text-slate-200">
            {t("studio.advanced")}
            {info.advancedSummary ? (
              <span className="ml-2 text-xs font-normal text-slate-400">{say(t, info.advancedSummary)}</span>
            ) : null}
          </summary>
          <div className="grid gap-4 border-t border-ink-700 p-3 sm:grid-cols-2">
            {advanced.map((f) => (
              <div key={f.name} className={f.wide ? "sm:col-span-2" : undefined}>
                <Setting field={f} form={form} errors={errors} onChoose={onChoose} />
              </div>
            ))}
          </div>
        </details>
      ) : null}
    </>
  );
}
