// Forecast errors of held-out forecasts with @rnnkit/metrics' ForecastAccumulator: MAPE (a
// fraction; ×100 for percent), and MASE scaled by the seasonal naive (lag 7) forecast's
// in-sample mean absolute error on the training series.
import { ForecastAccumulator, type ForecastErrors } from '@rnnkit/metrics';

export interface HorizonErrors {
  /** Errors of the forecasts h + 1 days ahead, h = 0 … horizon − 1. */
  readonly perHorizon: ForecastErrors[];
  /** Over every (origin, day ahead) pair: the mean of the per-horizon figures, as every horizon has the same origins. */
  readonly overall: ForecastErrors;
}

/** MASE's season: the weekly cycle of daily data. */
export const SEASONAL_PERIOD = 7;

/**
 * Scores `forecasts[k][h]`, the forecast made at `origins[k]` (the first day it predicts) of
 * day `origins[k] + h`, against `values`.
 * @param training the in-sample series MASE is scaled by (everything before the held-out part).
 */
export function scoreForecasts(
  values: readonly number[],
  origins: readonly number[],
  forecasts: readonly (readonly number[])[],
  training: readonly number[],
): HorizonErrors {
  const horizon = forecasts[0]?.length ?? 0;
  const options = { training, seasonalPeriod: SEASONAL_PERIOD };
  const overall = new ForecastAccumulator(options);
  const perHorizon = Array.from({ length: horizon }, (_, h) => {
    const truth = origins.map((origin) => values[origin + h]!);
    const predicted = forecasts.map((forecast) => forecast[h]!);
    overall.update(truth, predicted);
    return new ForecastAccumulator(options).update(truth, predicted).result();
  });
  return { perHorizon, overall: overall.result() };
}

/** `0.0309` → `'3.09%'`. */
export const percent = (fraction: number, digits = 2) => `${(100 * fraction).toFixed(digits)}%`;
