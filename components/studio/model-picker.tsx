"use client";

import { useTranslations } from "next-intl";
import { cn } from "@/components/ui/cn";
import { say } from "@/lib/i18n/message";
import { MODEL_IDS, modelInfo, type ModelId } from "@/lib/models/catalog";

/** The Model radio group: one card per registered model, with its name and description from its definition. */
export function ModelPicker({ value, onChange }: { value: ModelId; onChange: (id: ModelId) => void }) {
  const t = useTranslations();
  return (
    <fieldset>
      <legend className="mb-2 text-sm font-medium text-slate-200">{t("studio.model")}</legend>
      <div role="radiogroup" aria-label={t("studio.model")} className="grid gap-2 sm:grid-cols-3">
        {MODEL_IDS.map((id) => {
          const info = modelInfo(id);
          return (
            <label
              key={id}
              className={cn(
                "cursor-pointer rounded-md border px-3 py-2 transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-400",
                value === id
                  ? "border-accent-500 bg-accent-500/10"
                  : "border-ink-600 bg-ink-900 hover:border-ink-600 hover:bg-ink-850",
              )}
            >
              <input
                type="radio"
                name="model"
                value={id}
                checked={value === id}
                onChange={() => onChange(id)}
                aria-labelledby={`model-${id}-name`}
                aria-describedby={`model-${id}-desc`}
                className="sr-only"
              />
              <span id={`model-${id}-name`} className="block text-sm font-medium text-slate-100">
                {info.label}
              </span>
              <span id={`model-${id}-desc`} className="mt-0.5 block text-xs leading-snug text-slate-400">
                {say(t, info.description)}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
