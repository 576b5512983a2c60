// Seasonal naive forecasts, the yardsticks of the MAPE and MASE figures.

/**
 * Seasonal naive forecast of `values[origin + h]` (h = 0 … horizon − 1) made at `origin` (the first
 * unknown day): the last observed value one season earlier, `values[origin + h − lag · ⌈(h + 1) / lag⌉]`
 * — for lag 7 the same weekday last week (two weeks back for days 8–14 ahead), for lag 364 the
 * same weekday 52 weeks earlier.
 */
export function seasonalNaive(
  values: readonly number[],
  origin: number,
  lag: number,
  horizon: number,
): number[] {
  return Array.from({ length: horizon }, (_, h) => {
    const source = origin + h - lag * Math.ceil((h + 1) / lag);
    if (source < 0)
      throw new RangeError(`seasonalNaive: day ${origin + h} has no value ${lag} days earlier.`);
    return values[source]!;
  });
}
