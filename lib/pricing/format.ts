/** A figure with its unit, as the studio shows it: "12.5 credits". */
export function formatAmount(n: number, unit: string): string {
  const text = Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) < 1 ? 3 : 2).replace(/\.?0+$/, "");
  return `${text} ${unit}`;
}
