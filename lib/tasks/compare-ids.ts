import { msg } from "../i18n/message";
/** How many results one comparison shows at most (and at least). */
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 4;

/**
 * The task ids of a `/compare?ids=a,b,c` address, or why they can't be compared: each id once, in the order given.
 * Shared by the page (which answers the reason) and the Tasks list (which builds the address).
 */
export function parseCompareIds(raw: string | string[] | undefined): { ids: string[] } | { problem: string } {
  const text = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  const ids = [
    ...new Set(
      text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (ids.length === 0)
    return {
      problem: msg("compare.noneChosen", { min: COMPARE_MIN, max: COMPARE_MAX }),
    };
  if (ids.length < COMPARE_MIN)
    return {
      problem: msg("compare.tooFew", { min: COMPARE_MIN }),
    };
  if (ids.length > COMPARE_MAX)
    return {
      problem: msg("compare.tooMany", { max: COMPARE_MAX, n: ids.length }),
    };
  return { ids };
}

export function compareHref(ids: readonly string[]): string {
  return `/compare?ids=${ids.map(encodeURIComponent).join(",")}`;
}
