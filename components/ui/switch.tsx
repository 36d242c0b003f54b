"use client";

import { forwardRef, type InputHTMLAttributes } from "react";

/** A checkbox styled as a switch: `role="switch"` so it is announced as on/off. */
export const Switch = forwardRef<
  HTMLInputElement,
  Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { label: string; help?: string }
>(function Switch({ label, help, id, ...props }, ref) {
  return (
    <div className="flex items-start gap-3">
      <span className="relative mt-0.5 inline-flex h-5 w-9 shrink-0">
        <input
          ref={ref}
          id={id}
          type="checkbox"
          role="switch"
          className="peer absolute inset-0 z-10 h-full w-full cursor-pointer opacity-0"
          {...props}
        />
        <span className="pointer-events-none h-5 w-9 rounded-full bg-ink-600 transition-colors peer-checked:bg-accent-500 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent-400" />
        <span className="pointer-events-none absolute left-0.5 top-0.5 h-4 w-4 rounded-full bg-white transition-transform peer-checked:translate-x-4" />
      </span>
      <span className="space-y-0.5">
        <label htmlFor={id} className="block cursor-pointer text-sm font-medium text-slate-200">
          {label}
        </label>
        {help ? <span className="block text-xs text-slate-400">{help}</span> : null}
      </span>
    </div>
  );
});
