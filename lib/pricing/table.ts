import type { PriceRate, PriceTable } from "./price";

/** Reading PRICE_TABLE (lib/env.ts, at start): kept apart from the estimate, which the browser loads. */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads PRICE_TABLE. Returns the table, or every problem in words that name the model and the field. Unknown model
 * ids are refused when `knownModels` is given (a typo would otherwise silently price nothing).
 */
export function parsePriceTable(
  text: string,
  knownModels?: readonly string[],
): { ok: true; table: PriceTable } | { ok: false; errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      errors: [`PRICE_TABLE is not valid JSON (${err instanceof Error ? err.message : "parse error"}).`],
    };
  }
  if (!isObject(raw))
    return { ok: false, errors: ['PRICE_TABLE must be a JSON object of models: { "<model id>": { … } }.'] };
  const errors: string[] = [];
  const table: PriceTable = {};
  for (const [model, entry] of Object.entries(raw)) {
    const at = `PRICE_TABLE["${model}"]`;
    if (knownModels && !knownModels.includes(model)) {
      errors.push(`${at}: unknown model (known: ${knownModels.join(", ")}).`);
      continue;
    }
    if (!isObject(entry)) {
      errors.push(`${at} must be an object such as { "per": "task", "price": 8 }.`);
      continue;
    }
    const per = entry.per;
    if (per !== "second" && per !== "task") errors.push(`${at}.per must be "second" or "task".`);
    const rawRates: unknown =
      entry.rates !== undefined
        ? entry.rates
        : entry.price !== undefined
          ? [{ price: entry.price }]
          : undefined;
    if (!Array.isArray(rawRates) || rawRates.length === 0) {
      errors.push(`${at} needs "price" (a number) or "rates" (a non-empty list).`);
      continue;
    }
    for (const key of Object.keys(entry))
      if (!["per", "rates", "price"].includes(key)) errors.push(`${at}: unknown field "${key}".`);
    const rates: PriceRate[] = [];
    rawRates.forEach((r: unknown, i) => {
      const where = entry.rates !== undefined ? `${at}.rates[${String(i)}]` : `${at}.price`;
      if (!isObject(r)) {
        errors.push(`${where} must be an object with a "price".`);
        return;
      }
      const price = r.price;
      if (typeof price !== "number" || !Number.isFinite(price) || price < 0) {
        errors.push(`${where}.price must be a number of 0 or more.`);
        return;
      }
      const rate: PriceRate = { price };
      if (r.resolution !== undefined) {
        if (typeof r.resolution !== "string" || !/^\d{3,4}p$/.test(r.resolution))
          errors.push(`${where}.resolution must be a resolution such as "720p" or "1080p".`);
        else rate.resolution = r.resolution;
      }
      if (r.audio !== undefined) {
        if (typeof r.audio !== "boolean") errors.push(`${where}.audio must be true or false.`);
        else rate.audio = r.audio;
      }
      for (const key of Object.keys(r))
        if (!["price", "resolution", "audio"].includes(key)) errors.push(`${where}: unknown field "${key}".`);
      rates.push(rate);
    });
    if (per === "second" || per === "task") table[model] = { per, rates };
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, table };
}
