import type { GenerationRequest, ModelInfo } from "../models/definition";

/*
 * Prices (issue 14). Retake ships none: FoxAPI publishes no prices on the pages we use, so the operator may set
 * PRICE_TABLE, and this pure module reads it and estimates a click. What a price depends on (a model's output
 * resolution, its audio switch, how many seconds it makes) comes from the model's definition (`pricing`), never
 * from its name here.
 *
 * PRICE_TABLE is JSON, one entry per model id:
 *   { "<model id>": { "per": "second" | "task", "rates": [ { "resolution"?: "1080p", "audio"?: true, "price": 0.5 } ] } }
 * The first rate whose conditions all hold applies (a rate without conditions matches anything, so put it last);
 * `"price": 8` alone is short for one such rate. Prices are in PRICE_UNIT (default "credits").
 */

export type PricePer = "second" | "task";

export interface PriceRate {
  resolution?: string;
  audio?: boolean;
  price: number;
}

export interface ModelPrice {
  per: PricePer;
  rates: PriceRate[];
}

export type PriceTable = Record<string, ModelPrice>;

/** The operator's prices and their unit, as the studio receives them. */
export interface Pricing {
  table: PriceTable;
  unit: string;
}

/** What the estimate needs of the source clip: its length (for per-second prices) and size (for resolution). */
export interface SourceFacts {
  durationSeconds: number;
  width: number;
  height: number;
}

/** One click's estimate: the price of one take, how many, and the total, with what it was based on. */
export interface Estimate {
  perTake: number;
  takes: number;
  total: number;
  per: PricePer;
  /** The seconds a per-second price was multiplied by. */
  seconds: number | null;
  resolution: string | null;
  audio: boolean | null;
}

export type EstimateResult =
  | { kind: "estimate"; estimate: Estimate }
  /** A per-second price, and the clip's length isn't known yet. */
  | { kind: "needs_duration" }
  /** No price applies to this model and these settings. */
  | { kind: "none" };

/**
 * Estimates `takes` runs of `request` under the operator's table. The model's definition says its output's
 * resolution, whether audio is on, and how many seconds it makes; the first matching rate prices one take.
 */
export function estimateCost(
  table: PriceTable | null | undefined,
  info: Pick<ModelInfo, "id" | "pricing">,
  request: Partial<GenerationRequest> & Record<string, unknown>,
  source: SourceFacts | null | undefined,
  takes = 1,
): EstimateResult {
  const entry = table?.[info.id];
  if (!entry) return { kind: "none" };
  const resolution = info.pricing?.resolution?.(request, source ?? null) ?? null;
  const audio = info.pricing?.audio?.(request) ?? null;
  const rate = entry.rates.find(
    (r) =>
      (r.resolution === undefined || r.resolution === resolution) &&
      (r.audio === undefined || r.audio === audio),
  );
  if (!rate) return { kind: "none" };
  let seconds: number | null = null;
  if (entry.per === "second") {
    seconds = info.pricing?.seconds?.(request, source ?? null) ?? null;
    if (seconds === null) return { kind: "needs_duration" };
  }
  const perTake = round(entry.per === "second" ? rate.price * seconds! : rate.price);
  const n = Math.max(1, Math.floor(takes));
  return {
    kind: "estimate",
    estimate: { perTake, takes: n, total: round(perTake * n), per: entry.per, seconds, resolution, audio },
  };
}

/** Money-like rounding that keeps a few decimals without float noise (0.1 × 3 = 0.3). */
export function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

export { formatAmount } from "./format";

/**
 * The settings that make two runs comparable (resolution, audio, aspect…): the request's short scalar fields,
 * without the prompt, links and seeds. Shared by the duration history and "recent runs reserved".
 */
export function settingsOf(
  request: Record<string, unknown>,
): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(request)) {
    if (key === "model" || /prompt|url|image|video|seed/i.test(key)) continue;
    if (typeof value === "number" || typeof value === "boolean") out[key] = value;
    else if (typeof value === "string" && value.length <= 40 && !value.includes("://")) out[key] = value;
  }
  return out;
}

/**
 * One string for a model and the settings that shape a run (its main, non-advanced settings, with the model's
 * defaults for those left unset): the key of "recent runs reserved", the same from the form's values as from a
 * stored request.
 */
export function settingsKey(
  info: Pick<ModelInfo, "id" | "settings" | "defaults">,
  request: Record<string, unknown>,
): string {
  return [
    info.id,
    ...info.settings
      .filter((s) => !s.advanced)
      .map((s) => `${s.name}=${String(request[s.name] ?? info.defaults[s.name] ?? "")}`),
  ].join(";");
}
