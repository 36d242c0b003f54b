import type { GenerationRequest, ModelInfo } from "../models/definition";

/**
 * Takes (issue 14): one click of Generate may start several tasks from the same form. Pure, so the form (which
 * offers the choices), the server (which builds the requests) and the tests share it.
 */
export const TAKE_CHOICES = [1, 2, 3, 4] as const;
export const MAX_TAKES = 4;

export function isTakeCount(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_TAKES;
}

/**
 * The seeds of `n` takes of a model with a seed field: the form's seed and the next ones (wrapping past the
 * model's maximum) when one is set, otherwise distinct random ones.
 */
export function takeSeeds(
  base: number | undefined,
  n: number,
  max: number,
  random: () => number = Math.random,
): number[] {
  if (base !== undefined) return Array.from({ length: n }, (_, i) => (base + i) % (max + 1));
  const seeds = new Set<number>();
  while (seeds.size < n) seeds.add(Math.floor(random() * (max + 1)));
  return [...seeds];
}

/**
 * The request of each take. One take is the request as it is (no seed added: "don't send unless needed"). For
 * several, a model with a seed field gets one per take; a model without one runs the same body each time.
 */
export function takeRequests(
  request: GenerationRequest,
  info: Pick<ModelInfo, "seed">,
  n: number,
  random?: () => number,
): GenerationRequest[] {
  if (n <= 1) return [request];
  const seed = info.seed;
  if (!seed) return Array.from({ length: n }, () => ({ ...request }));
  const base = request[seed.field];
  const seeds = takeSeeds(typeof base === "number" ? base : undefined, n, seed.max, random);
  return seeds.map((s) => ({ ...request, [seed.field]: s }));
}

/** Each take's own idempotency key, derived from the click's: a repeat of the click repeats every take's key. */
export function takeKey(key: string | null, take: number, n: number): string | null {
  if (key === null || n <= 1) return key;
  return `${key}.take-${String(take)}`;
}
