"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { say } from "@/lib/i18n/message";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import type { ReferenceMedia as ReferenceSpec } from "@/lib/models/definition";
import { FileDrop } from "./file-drop";
import { UrlThumb } from "./url-thumb";

export interface ElementValue {
  frontal_image_url: string;
  reference_image_urls: string[];
}

type Errors = Record<string, string | undefined>;
type OnBusy = (id: string, busy: boolean) => void;

/**
 * Stable React keys for a list edited by index, so a row's own state (an upload in flight) stays with the row
 * when one above it is removed. `remove(j)` must accompany the removal of item j.
 */
function useListKeys(length: number) {
  const [state, setState] = useState(() => ({ keys: Array.from({ length }, (_, i) => i), next: length }));
  let keys = state.keys;
  if (keys.length !== length) {
    // The list changed from outside (a draft applied): keep what matches, number the rest afresh.
    const added = Math.max(0, length - keys.length);
    keys = [...keys.slice(0, length), ...Array.from({ length: added }, (_, i) => state.next + i)];
    setState({ keys, next: state.next + added });
  }
  const remove = (j: number) => setState((s) => ({ ...s, keys: s.keys.filter((_, k) => k !== j) }));
  return { keys, remove };
}

function UrlRow({
  id,
  name,
  label,
  value,
  onChange,
  onRemove,
  removeLabel,
  error,
  onBusy,
}: {
  id: string;
  /** The row's short name for its upload controls ("Image 1"); `label` names its URL field. */
  name: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  onRemove: () => void;
  removeLabel: string;
  error?: string;
  onBusy?: OnBusy;
}) {
  const t = useTranslations();
  return (
    <div className="flex items-start gap-2">
      <UrlThumb url={value} />
      <div className="min-w-0 flex-1">
        <FileDrop kind="image" fieldName={name} value={value} onUrl={onChange} onBusy={onBusy} compact>
          <div className="space-y-1">
            <label htmlFor={id} className="text-xs font-medium text-slate-300">
              {label}
            </label>
            <input
              id={id}
              type="url"
              inputMode="url"
              value={value}
              onChange={(e) => onChange(e.target.value)}
              placeholder={t("studio.refs.urlPlaceholder")}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              className={inputClass}
            />
            {error ? <FieldError id={`${id}-error`}>{error}</FieldError> : null}
          </div>
        </FileDrop>
      </div>
      <Button
        variant="ghost"
        size="sm"
        className="mt-5"
        onClick={onRemove}
        aria-label={removeLabel}
        title={removeLabel}
      >
        ✕
      </Button>
    </div>
  );
}

/**
 * Reference images (`@Image1…`) and subject elements (`@Element1…`), as many as the model's definition allows
 * (Kling: four of the two together); the add buttons stop there and say why.
 */
export function ReferenceMedia({
  spec,
  images,
  elements,
  onImages,
  onElements,
  errors,
  onBusy,
}: {
  spec: ReferenceSpec;
  images: string[];
  elements: ElementValue[];
  onImages: (v: string[]) => void;
  onElements: (v: ElementValue[]) => void;
  errors: Errors;
  onBusy?: OnBusy;
}) {
  const t = useTranslations();
  const imageKeys = useListKeys(images.length);
  const elementKeys = useListKeys(elements.length);
  const total = images.length + elements.length;
  const full = total >= spec.maxTogether;
  const capReason = say(t, spec.capReason);

  return (
    <div className="space-y-4">
      <section aria-labelledby="images-heading" className="space-y-2">
        <div className="flex items-center justify-between">
          <h2 id="images-heading" className="text-sm font-medium text-slate-200">
            {t("models.kling.referenceImages")}{" "}
            <span className="font-normal text-slate-400">{"· @Image1…"}</span>
          </h2>
          <span className={cn("text-xs tabular-nums", full ? "text-amber-300" : "text-slate-400")}>
            {t("studio.refs.used", { total, max: spec.maxTogether })}
          </span>
        </div>
        {images.map((url, i) => (
          <UrlRow
            key={imageKeys.keys[i]}
            id={`image-${String(i + 1)}`}
            name={t("studio.refs.image", { n: i + 1 })}
            label={t("studio.refs.imageUrl", { n: i + 1 })}
            value={url}
            onChange={(v) => onImages(images.map((u, j) => (j === i ? v : u)))}
            onRemove={() => {
              imageKeys.remove(i);
              onImages(images.filter((_, j) => j !== i));
            }}
            removeLabel={t("studio.refs.removeImage", { n: i + 1 })}
            error={errors[`${spec.imagesField}.${String(i)}`]}
            onBusy={onBusy}
          />
        ))}
        {errors[spec.imagesField] ? <FieldError>{errors[spec.imagesField]}</FieldError> : null}
      </section>

      <section aria-labelledby="elements-heading" className="space-y-2">
        <h2 id="elements-heading" className="text-sm font-medium text-slate-200">
          {t("models.kling.elements")}{" "}
          <span className="font-normal text-slate-400">{t("studio.refs.elementsNote")}</span>
        </h2>
        {elements.map((el, i) => (
          <ElementCard
            key={elementKeys.keys[i]}
            index={i}
            element={el}
            onChange={(next) => onElements(elements.map((e, j) => (j === i ? next : e)))}
            onRemove={() => {
              elementKeys.remove(i);
              onElements(elements.filter((_, j) => j !== i));
            }}
            errors={errors}
            onBusy={onBusy}
            maxImages={spec.maxImagesPerElement}
            errorPrefix={`${spec.elementsField}.${String(i)}`}
          />
        ))}
        {errors[spec.elementsField] ? <FieldError>{errors[spec.elementsField]}</FieldError> : null}
      </section>

      <div className="flex flex-wrap items-center gap-2">
        <Button
          disabled={full}
          aria-describedby={full ? "media-cap" : undefined}
          onClick={() => onImages([...images, ""])}
        >
          <span aria-hidden="true">+</span> {t("studio.refs.addImage")}
        </Button>
        <Button
          disabled={full}
          aria-describedby={full ? "media-cap" : undefined}
          onClick={() => onElements([...elements, { frontal_image_url: "", reference_image_urls: [] }])}
        >
          <span aria-hidden="true">+</span> {t("studio.refs.addElement")}
        </Button>
        {full ? (
          <p id="media-cap" className="text-xs text-amber-300">
            {capReason}
          </p>
        ) : null}
      </div>
    </div>
  );
}

function ElementCard({
  index,
  element: el,
  onChange: setEl,
  onRemove,
  errors,
  onBusy,
  maxImages,
  errorPrefix,
}: {
  index: number;
  element: ElementValue;
  onChange: (next: ElementValue) => void;
  onRemove: () => void;
  errors: Errors;
  onBusy?: OnBusy;
  maxImages: number;
  /** Where this element's errors are keyed (`elements.0`). */
  errorPrefix: string;
}) {
  const t = useTranslations();
  const n = index + 1;
  const refKeys = useListKeys(el.reference_image_urls.length);
  const refsFull = el.reference_image_urls.length >= maxImages;
  return (
    <div
      role="group"
      aria-label={t("studio.refs.element", { n })}
      className="space-y-2 rounded-md border border-ink-700 bg-ink-900/60 p-3"
    >
      <UrlRow
        id={`element-${String(n)}-frontal`}
        name={t("studio.refs.elementFrontal", { n })}
        label={t("studio.refs.elementFrontalUrl", { n })}
        value={el.frontal_image_url}
        onChange={(v) => setEl({ ...el, frontal_image_url: v })}
        onRemove={onRemove}
        removeLabel={t("studio.refs.removeElement", { n })}
        error={errors[`${errorPrefix}.frontal_image_url`]}
        onBusy={onBusy}
      />
      <div className="space-y-2 pl-4">
        {el.reference_image_urls.map((url, k) => (
          <UrlRow
            key={refKeys.keys[k]}
            id={`element-${String(n)}-ref-${String(k + 1)}`}
            name={t("studio.refs.elementRef", { n, k: k + 1 })}
            label={t("studio.refs.elementRefUrl", { n, k: k + 1 })}
            value={url}
            onChange={(v) =>
              setEl({ ...el, reference_image_urls: el.reference_image_urls.map((u, j) => (j === k ? v : u)) })
            }
            onRemove={() => {
              refKeys.remove(k);
              setEl({ ...el, reference_image_urls: el.reference_image_urls.filter((_, j) => j !== k) });
            }}
            removeLabel={t("studio.refs.removeElementRef", { n, k: k + 1 })}
            error={errors[`${errorPrefix}.reference_image_urls.${String(k)}`]}
            onBusy={onBusy}
          />
        ))}
        <Button
          size="sm"
          variant="ghost"
          disabled={refsFull}
          title={refsFull ? t("validation.elementMaxRefs", { max: maxImages }) : undefined}
          onClick={() => setEl({ ...el, reference_image_urls: [...el.reference_image_urls, ""] })}
        >
          <span aria-hidden="true">+</span> {t("studio.refs.addReference")}
        </Button>
        {errors[`${errorPrefix}.reference_image_urls`] ? (
          <FieldError>{errors[`${errorPrefix}.reference_image_urls`]}</FieldError>
        ) : null}
      </div>
    </div>
  );
}
