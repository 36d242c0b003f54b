"use client";

import { cn } from "./cn";

/** A radio group drawn as a segmented control; real radios, so arrows and screen readers work. */
export function Segmented<T extends string>({
  name,
  label,
  value,
  options,
  onChange,
  help,
  wrap = false,
}: {
  name: string;
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  help?: string;
  /** Options may wrap onto several lines on a narrow screen (many options). */
  wrap?: boolean;
}) {
  return (
    <fieldset className="space-y-1.5">
      <legend className="mb-1.5 text-sm font-medium text-slate-200">{label}</legend>
      <div
        role="radiogroup"
        aria-label={label}
        className={cn(
          "rounded-md border border-ink-600 bg-ink-900 p-0.5",
          wrap ? "flex flex-wrap" : "inline-flex",
        )}
      >
        {options.map((o) => (
          <label
            key={o.value}
            className={cn(
              "cursor-pointer rounded px-3 py-1.5 text-sm transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-400",
              wrap && "whitespace-nowrap",
              value === o.value
                ? "bg-accent-500 font-medium text-ink-950"
                : "text-slate-300 hover:text-slate-100",
            )}
          >
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
              className="sr-only"
            />
            {o.label}
          </label>
        ))}
      </div>
      {help ? <p className="text-xs text-slate-400">{help}</p> : null}
    </fieldset>
  );
}
