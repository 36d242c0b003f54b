"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useId, useRef, useState, type KeyboardEvent } from "react";
import { say } from "@/lib/i18n/message";
import { availableReferences, describeBrokenReference, findReferences } from "@/lib/models/references";
import { FieldError, Help, inputClass } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";

/**
 * The prompt, with a live count against the model's limit. For Kling it shows the references in use as chips,
 * flags those that point at nothing, and offers the ones that exist when you type `@` or click a chip.
 */
export function PromptField({
  value,
  onChange,
  maxLength,
  references,
  error,
  help,
  placeholder,
}: {
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
  /** Image and element counts, for Kling; undefined for models without references. */
  references?: { images: number; elements: number };
  error?: string;
  help: string;
  /** The model's example prompt. */
  placeholder: string;
}) {
  const t = useTranslations();
  const format = useFormatter();
  const n = (x: number) => format.number(x);
  const id = "prompt";
  const listId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<{ start: number; text: string } | null>(null);
  const [active, setActive] = useState(0);

  const used = references ? findReferences(value, references) : [];
  const available = references ? availableReferences(references) : [];
  const suggestions = query
    ? available.filter((r) => r.toLowerCase().startsWith(`@${query.text}`.toLowerCase()))
    : [];
  const over = value.length > maxLength;

  function updateQuery(el: HTMLTextAreaElement) {
    if (!references) return;
    const before = el.value.slice(0, el.selectionStart);
    const m = /@(\w*)$/.exec(before);
    setQuery(m ? { start: before.length - m[0].length, text: m[1] ?? "" } : null);
    setActive(0);
  }

  function insert(token: string, replaceFrom?: number) {
    const el = ref.current;
    const start = replaceFrom ?? el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const before = value.slice(0, start);
    const pad = before.length > 0 && !/\s$/.test(before) && replaceFrom === undefined ? " " : "";
    const next = `${before}${pad}${token} ${value.slice(end)}`;
    onChange(next);
    setQuery(null);
    const caret = before.length + pad.length + token.length + 1;
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(caret, caret);
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (!query || suggestions.length === 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (a + step + suggestions.length) % suggestions.length);
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      insert(suggestions[active] ?? suggestions[0]!, query.start);
    } else if (e.key === "Escape") {
      setQuery(null);
    }
  }

  const broken = references ? used.filter((r) => !r.valid) : [];
  const describedBy = [error ? `${id}-error` : `${id}-help`, `${id}-count`].join(" ");

  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-200">
          {t("models.common.prompt")}
        </label>
        <span
          id={`${id}-count`}
          className={cn("text-xs tabular-nums", over ? "text-rose-300" : "text-slate-400")}
        >
          {n(value.length)} / {n(maxLength)}
          <span className="sr-only">{t("studio.prompt.characters")}</span>
        </span>
      </div>
      <div className="relative">
        <textarea
          ref={ref}
          id={id}
          name="prompt"
          rows={4}
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
            updateQuery(e.target);
          }}
          onKeyDown={onKeyDown}
          onClick={(e) => updateQuery(e.currentTarget)}
          onBlur={() => setTimeout(() => setQuery(null), 150)}
          placeholder={placeholder}
          aria-invalid={error || over ? true : undefined}
          aria-describedby={describedBy}
          aria-autocomplete={references ? "list" : undefined}
          aria-controls={query && suggestions.length > 0 ? listId : undefined}
          aria-activedescendant={query && suggestions.length > 0 ? `${listId}-${String(active)}` : undefined}
          className={cn(inputClass, "min-h-24 resize-y leading-relaxed")}
        />
        {query && suggestions.length > 0 ? (
          <ul
            id={listId}
            role="listbox"
            aria-label={t("studio.prompt.references")}
            className="absolute left-2 top-full z-20 mt-1 w-48 overflow-hidden rounded-md border border-ink-600 bg-ink-850 py-1 shadow-lg"
          >
            {suggestions.map((s, i) => (
              <li
                key={s}
                id={`${listId}-${String(i)}`}
                role="option"
                aria-selected={i === active}
                onMouseDown={(e) => {
                  e.preventDefault();
                  insert(s, query.start);
                }}
                className={cn(
                  "cursor-pointer px-3 py-1 font-mono text-sm",
                  i === active ? "bg-accent-500/20 text-accent-400" : "text-slate-200",
                )}
              >
                {s}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {references ? (
        <div className="flex flex-wrap items-center gap-1.5" aria-label={t("studio.prompt.promptReferences")}>
          {available.map((token) => {
            const inUse = used.some((u) => u.token === token);
            return (
              <button
                key={token}
                type="button"
                onClick={() => insert(token)}
                title={inUse ? t("studio.prompt.inUse", { token }) : t("studio.prompt.insert", { token })}
                className={cn(
                  "rounded-full border px-2 py-0.5 font-mono text-xs",
                  inUse
                    ? "border-accent-500/60 bg-accent-500/15 text-accent-400"
                    : "border-ink-600 text-slate-400 hover:text-slate-200",
                )}
              >
                {inUse ? "" : "+ "}
                {token}
              </button>
            );
          })}
          {broken.map((r) => (
            <span
              key={r.token}
              className="rounded-full border border-rose-400/60 bg-rose-500/10 px-2 py-0.5 font-mono text-xs text-rose-300"
              title={say(t, describeBrokenReference(r, references))}
            >
              {r.token} ⚠
            </span>
          ))}
        </div>
      ) : null}
      {references && broken.length > 0 && !error ? (
        <FieldError>{broken.map((r) => say(t, describeBrokenReference(r, references))).join(" ")}</FieldError>
      ) : null}
      {over && !error ? (
        <FieldError>
          {t("studio.prompt.over", {
            length: n(value.length),
            max: n(maxLength),
            over: n(value.length - maxLength),
          })}
        </FieldError>
      ) : null}
      {error ? <FieldError id={`${id}-error`}>{error}</FieldError> : <Help id={`${id}-help`}>{help}</Help>}
    </div>
  );
}
