/**
 * Splits `items` into consecutive batches at `cuts` (taken modulo `items.length + 1`, sorted,
 * deduplicated; empty batches allowed) — the accumulator tests feed fast-check's cut points here.
 */
export function splitAt<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let start = 0;
  for (const point of [...points, items.length]) {
    out.push(items.slice(start, point));
    start = point;
  }
  return out;
}
