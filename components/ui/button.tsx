import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

type Variant = "primary" | "secondary" | "ghost" | "danger";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-accent-500 text-ink-950 hover:bg-accent-400 disabled:bg-ink-700 disabled:text-slate-500",
  secondary: "border border-ink-600 bg-ink-800 text-slate-100 hover:bg-ink-700 disabled:text-slate-500",
  ghost: "text-slate-300 hover:bg-ink-800 hover:text-slate-100 disabled:text-slate-600",
  danger: "text-rose-300 hover:bg-rose-500/10 disabled:text-slate-600",
};

export function Button({
  variant = "secondary",
  size = "md",
  className,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: "sm" | "md" | "lg" }) {
  return (
    <button
      type={type}
      className={cn(
        "inline-flex items-center justify-center gap-2 rounded-md font-medium transition-colors disabled:cursor-not-allowed",
        size === "sm" && "h-8 px-2.5 text-xs",
        size === "md" && "h-9 px-3 text-sm",
        size === "lg" && "h-11 px-5 text-base",
        VARIANTS[variant],
        className,
      )}
      {...props}
    />
  );
}
