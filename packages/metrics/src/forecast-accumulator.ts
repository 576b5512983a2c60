import {
  type ForecastErrors,
  ForecastSums,
  type MaseOptions,
  type ResolvedMaseOptions,
  resolveMaseOptions,
} from './forecast.js';

/**
 * Streaming forecast errors: `update(yTrue, yPred)` batch by batch (e.g. over a windowed
 * `Dataset`), then `result()` — the same numbers {@link forecastErrors} gives on the concatenated
 * batches, to the last bit (both add point by point in order). Memory is constant.
 *
 * @example
 * const errors = new ForecastAccumulator({ training: trainSeries, seasonalPeriod: 12 });
 * for await (const { yTrue, yPred } of batches) errors.update(yTrue, yPred);
 * errors.result(); // { mae, mse, rmse, mape, smape, mase, count }
 */
export class ForecastAccumulator {
  private readonly options: ResolvedMaseOptions;
  private sums = new ForecastSums();

  /**
   * @param options `training` and `seasonalPeriod` for MASE (validated now); `sampleWeight` is
   *   not taken here — pass weights per batch to {@link ForecastAccumulator.update}.
   * @throws MetricsError `METRICS_INVALID_OPTION` / `METRICS_NON_FINITE` as {@link resolveMaseOptions}.
   */
  constructor(options: Omit<MaseOptions, 'sampleWeight'> = {}) {
    this.options = resolveMaseOptions(options, 'ForecastAccumulator', ['training', 'seasonalPeriod']);
  }

  /**
   * Adds a batch of observations and forecasts (and optional per-point weights). A batch that
   * throws adds nothing.
   * @throws MetricsError `METRICS_LENGTH_MISMATCH`, `METRICS_NON_FINITE`, `METRICS_INVALID_OPTION`.
   */
  update(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeight?: ArrayLike<number>): this {
    // Validates the whole batch before adding anything; adds point by point, as one pass would.
    this.sums.add(yTrue, yPred, sampleWeight, 'ForecastAccumulator.update');
    return this;
  }

  /** Points added so far (not weighted). */
  get count(): number {
    return this.sums.points;
  }

  /**
   * The errors over everything added (MASE only with `training`).
   * @throws MetricsError `METRICS_EMPTY_INPUT` before any point; `METRICS_INVALID_OPTION` when all weights are 0.
   */
  result(): ForecastErrors {
    return this.sums.result(this.options.naiveScale, 'ForecastAccumulator.result');
  }

  /** Forgets every batch (keeps the options). */
  reset(): void {
    this.sums = new ForecastSums();
  }
}
