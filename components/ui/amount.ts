import { formatAmount } from "@/lib/pricing/format";
import type { Translate } from "@/lib/i18n/message";

/**
 * An amount in the page's language: FoxAPI's "credits" are a word to translate (12 credits, 12 点); an
 * operator's own unit (USD, ¥…) is shown as they wrote it.
 */
export function amountWords(t: Translate, n: number, unit: string): string {
  if (unit !== "credits") return formatAmount(n, unit);
  return t("common.credits", { amount: formatAmount(n, "").trim() });
}
