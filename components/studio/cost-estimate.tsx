"use client";

import { useTranslations } from "next-intl";
import { amountWords } from "@/components/ui/amount";
import type { ModelInfo } from "@/lib/models/catalog";
import { type Pricing, estimateCost, formatAmount, settingsKey } from "@/lib/pricing/price";
import type { UsageView } from "@/lib/tasks/types";

/**
 * **Estimated cost** of the whole click (takes included) at the operator's prices, when one applies. Without
 * one, what FoxAPI reserved on recent runs of the same model and settings, said to be exactly that: never
 * presented as FoxAPI's price.
 */
export default function CostEstimate({
  info,
  values,
  source,
  takes,
  pricing,
  usage,
}: {
  info: ModelInfo;
  values: Record<string, unknown>;
  source: { durationSeconds: number; width: number; height: number } | undefined;
  takes: number;
  pricing: Pricing | null;
  usage: UsageView | undefined;
}) {
  const t = useTranslations();
  const result = estimateCost(pricing?.table, info, values, source, takes);
  const strong = (chunks: React.ReactNode) => (
    <strong className="font-semibold text-slate-100">{chunks}</strong>
  );
  const muted = (chunks: React.ReactNode) => <span className="text-slate-400">{chunks}</span>;
  let content: React.ReactNode = null;
  if (result.kind === "estimate" && pricing) {
    const e = result.estimate;
    const perTake = formatAmount(e.perTake, pricing.unit);
    const basis =
      e.per === "second"
        ? t("cost.basisPerSecond", { perTake, secs: e.seconds ?? 0 })
        : t("cost.basisPerTake", { perTake });
    content = t.rich("cost.estimate", {
      takes,
      total: formatAmount(e.total, pricing.unit),
      basis,
      strong,
      muted,
    });
  } else if (result.kind === "needs_duration") {
    content = t("cost.needsDuration");
  } else {
    const recent = usage?.recent?.find((r) => r.key === settingsKey(info, values));
    if (recent) {
      content = t.rich("cost.recent", {
        amount: amountWords(t, recent.creditsReserved, "credits"),
        takes,
        runs: recent.runs,
        strong,
        muted,
      });
    }
  }
  if (!content) return null;
  return (
    <p className="text-xs text-slate-300" data-testid="cost-estimate">
      {content}
    </p>
  );
}
