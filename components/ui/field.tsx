import type { ReactNode } from "react";
import { cn } from "./cn";

/** A label, the control, then help or the error. The error is tied to the control with aria-describedby. */
export function Field({
  id,
  label,
  help,
  error,
  aside,
  children,
  className,
}: {
  id: string;
  label: ReactNode;
  help?: ReactNode;
  error?: string;
  aside?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("space-y-1.5", className)}>
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-200">
          {label}
        </label>
        {aside}
      </div>
      {children}
      {error ? (
        <FieldError id={`${id}-error`}>{error}</FieldError>
      ) : help ? (
        <Help id={`${id}-help`}>{help}</Help>
      ) : null}
    </div>
  );
}

export function Help({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} className="text-xs leading-relaxed text-slate-400">
      {children}
    </p>
  );
}

export function FieldError({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} role="alert" className="text-xs leading-relaxed text-rose-300">
      {children}
    </p>
  );
}

export const inputClass =
  "block w-full rounded-md border border-ink-600 bg-ink-900 px-3 py-2 text-sm text-slate-100 placeholder:text-slate-500 focus:border-accent-500 aria-[invalid=true]:border-rose-400";

/** aria props for a control with an optional error. */
export function describedBy(id: string, error: string | undefined, hasHelp = true) {
  return {
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : hasHelp ? `${id}-help` : undefined,
  } as const;
}
