import { check, fail, finiteValues, sameLength, sampleWeights } from './validate.js';

/**
 * Smallest denominator of the relative errors: float64 machine epsilon (2⁻⁵²), as in
 * scikit-learn's `mean_absolute_percentage_error` and sktime's sMAPE and MASE.
 */
export const FORECAST_EPSILON = 2 ** -52;

/** Options of the forecast error functions. */
export interface ForecastErrorOptions {
  /**
   * One non-negative weight per point; every error becomes a weighted mean (sklearn's `sample_weight`).
   * @default undefined (every point counts 1)
   */
  readonly sampleWeight?: ArrayLike<number>;
}

/** Options of {@link meanAbsoluteScaledError} and {@link forecastErrors}. */
export interface MaseOptions extends ForecastErrorOptions {
  /**
   * The in-sample (training) series the model was fitted on, in time order; MASE divides by the
   * mean absolute error of its seasonal naive forecast `y[t] ≈ y[t − seasonalPeriod]`.
   * Required by meanAbsoluteScaledError; forecastErrors omits MASE without it.
   * @default undefined
   */
  readonly training?: ArrayLike<number>;
  /**
   * Season length m of the naive forecast (1: the previous value; 12: the same month last year
   * for monthly data; 7: the same weekday for daily data).
   * @default 1
   */
  readonly seasonalPeriod?: number;
}

/** The documented defaults of {@link MaseOptions}. */
export const DEFAULT_MASE_OPTIONS = Object.freeze({
  sampleWeight: undefined,
  training: undefined,
  seasonalPeriod: 1,
} as const satisfies MaseOptions);

/** {@link MaseOptions} validated, with the naive forecast's scale computed. */
export interface ResolvedMaseOptions {
  readonly sampleWeight: ArrayLike<number> | undefined;
  readonly training: ArrayLike<number> | undefined;
  readonly seasonalPeriod: number;
  /** MAE of the seasonal naive forecast on `training` (before the ε floor); undefined without training. */
  readonly naiveScale: number | undefined;
}

/**
 * Validates options and computes MASE's scale: `(1 / (n − m)) · Σ_{t=m}^{n−1} |y[t] − y[t−m]|`
 * over the training series (internal).
 * @param known the option names `fn` takes (the accumulator takes no `sampleWeight`).
 * @throws MetricsError `METRICS_INVALID_OPTION` for an unknown option, a seasonalPeriod that is not a
 *   positive integer or a training series of at most `seasonalPeriod` values; `METRICS_NON_FINITE`
 *   for NaN/Infinity in it.
 */
export function resolveMaseOptions(
  options: MaseOptions = {},
  fn = 'meanAbsoluteScaledError',
  known: readonly string[] = Object.keys(DEFAULT_MASE_OPTIONS),
): ResolvedMaseOptions {
  const given = check.options(fn, options, known);
  const seasonalPeriod = check.integer(
    fn,
    'seasonalPeriod',
    given.seasonalPeriod ?? DEFAULT_MASE_OPTIONS.seasonalPeriod,
    { min: 1 },
  );
  const training = given.training;
  let naiveScale: number | undefined;
  if (training !== undefined) {
    finiteValues(fn, 'training', training);
    if (training.length <= seasonalPeriod) {
      check.invalid(
        fn,
        'training.length',
        training.length,
        `must be > seasonalPeriod (${seasonalPeriod}) for the seasonal naive forecast`,
        'Pass the whole in-sample series.',
      );
    }
    let sum = 0;
    for (let t = seasonalPeriod; t < training.length; t++)
      sum += Math.abs(training[t]! - training[t - seasonalPeriod]!);
    naiveScale = sum / (training.length - seasonalPeriod);
    if (!Number.isFinite(naiveScale)) {
      fail(
        'METRICS_NON_FINITE',
        fn,
        "the training series' naive-forecast error",
        naiveScale,
        'must stay finite, but overflows float64 for these values',
        'Rescale the series before computing MASE.',
      );
    }
  }
  return { sampleWeight: given.sampleWeight, training, seasonalPeriod, naiveScale };
}

/** Every error {@link forecastErrors} reports (relative errors as fractions, not percent). */
export interface ForecastErrors {
  /** Mean absolute error. */
  readonly mae: number;
  /** Mean squared error. */
  readonly mse: number;
  /** Root mean squared error, √mse. */
  readonly rmse: number;
  /** Mean of |y − ŷ| / max(|y|, ε) (sklearn's MAPE; ×100 for percent). */
  readonly mape: number;
  /** Mean of 2|y − ŷ| / max(|y| + |ŷ|, ε), in [0, 2] (×100 for percent). */
  readonly smape: number;
  /** mae / max(naive scale, ε); `undefined` without `training`. */
  readonly mase: number | undefined;
  /** Points (summed weight with sampleWeight). */
  readonly count: number;
}

/**
 * Running weighted sums of the forecast errors, added point by point in order; one-shot functions
 * and {@link ForecastAccumulator} share it, so both give the same floats.
 */
export class ForecastSums {
  weight = 0;
  absolute = 0;
  squared = 0;
  percentage = 0;
  symmetric = 0;
  points = 0;

  /**
   * Adds one batch; nothing is added when it throws.
   * @throws MetricsError `METRICS_LENGTH_MISMATCH`, `METRICS_NON_FINITE` (NaN/Infinity, or sums that
   *   overflow float64), `METRICS_INVALID_OPTION` (negative weight).
   */
  add(
    yTrue: ArrayLike<number>,
    yPred: ArrayLike<number>,
    sampleWeight: ArrayLike<number> | undefined,
    fn: string,
  ): void {
    finiteValues(fn, 'yTrue', yTrue);
    finiteValues(fn, 'yPred', yPred);
    sameLength(fn, yTrue, yPred, undefined, 'Pass one forecast per observation.');
    if (sampleWeight !== undefined) sampleWeights(fn, sampleWeight, yTrue.length);
    // Summed in locals, in the same order as before, and committed only when every sum stayed
    // finite: finite inputs can still overflow (|1e308 − (−1e308)|, (1e200)²), and an Infinity
    // or NaN mean would be a silent wrong result.
    let { weight, absolute, squared, percentage, symmetric } = this;
    for (let i = 0; i < yTrue.length; i++) {
      const y = yTrue[i]!;
      const p = yPred[i]!;
      const w = sampleWeight === undefined ? 1 : sampleWeight[i]!;
      const error = Math.abs(p - y);
      weight += w;
      absolute += w * error;
      squared += w * (error * error);
      percentage += w * (error / Math.max(Math.abs(y), FORECAST_EPSILON));
      symmetric += w * ((2 * error) / Math.max(Math.abs(y) + Math.abs(p), FORECAST_EPSILON));
    }
    for (const [name, sum] of [
      ['weights', weight],
      ['absolute errors', absolute],
      ['squared errors', squared],
      ['percentage errors', percentage],
      ['symmetric percentage errors', symmetric],
    ] as const) {
      if (!Number.isFinite(sum)) {
        fail(
          'METRICS_NON_FINITE',
          fn,
          `the sum of ${name}`,
          sum,
          'must stay finite, but overflows float64 for these values',
          'Rescale the series (e.g. to thousands or millions) before computing the errors.',
        );
      }
    }
    Object.assign(this, { weight, absolute, squared, percentage, symmetric });
    this.points += yTrue.length;
  }

  /**
   * The errors so far.
   * @throws MetricsError `METRICS_EMPTY_INPUT` with no points; `METRICS_INVALID_OPTION` when the weights sum to 0.
   */
  result(naiveScale: number | undefined, fn: string): ForecastErrors {
    if (this.points === 0) {
      fail('METRICS_EMPTY_INPUT', fn, 'yTrue', [], 'must hold at least one point');
    }
    if (this.weight === 0) {
      check.invalid(
        fn,
        'sampleWeight',
        0,
        'must not sum to zero (the weighted mean is undefined)',
        'Give some point a positive weight.',
      );
    }
    const mae = this.absolute / this.weight;
    const mse = this.squared / this.weight;
    return {
      mae,
      mse,
      rmse: Math.sqrt(mse),
      mape: this.percentage / this.weight,
      smape: this.symmetric / this.weight,
      mase: naiveScale === undefined ? undefined : mae / Math.max(naiveScale, FORECAST_EPSILON),
      count: this.weight,
    };
  }
}

/**
 * MAE, MSE, RMSE, MAPE, sMAPE and (given the training series) MASE of a forecast in one pass.
 *
 * Conventions (documented in the package README):
 * - MAE, MSE, RMSE and MAPE equal scikit-learn's `mean_absolute_error`, `mean_squared_error`
 *   (`squared=False` for RMSE) and `mean_absolute_percentage_error` (a fraction; its denominator
 *   is floored at ε = 2⁻⁵² so a zero observation gives a huge, finite error).
 * - sMAPE = mean of 2|y − ŷ| / (|y| + |ŷ|), in [0, 2] (Hyndman & Koehler 2006, M4; sktime),
 *   0 where both are 0.
 * - MASE = MAE / MAE of the seasonal naive forecast on the training series (in-sample, lag
 *   `seasonalPeriod`), as Hyndman & Koehler 2006 and sktime; the scale is floored at ε.
 *
 * @param yTrue observed values.
 * @param yPred forecasts, one per observation.
 * @throws MetricsError `METRICS_LENGTH_MISMATCH`, `METRICS_EMPTY_INPUT`, `METRICS_NON_FINITE`
 *   (NaN/Infinity anywhere, or errors so large their sums overflow float64), `METRICS_INVALID_OPTION` (bad seasonalPeriod, too short training,
 *   negative or all-zero weights).
 * @example
 * forecastErrors([3, -0.5, 2, 7], [2.5, 0, 2, 8], { training: [1, 3, 2, 4] });
 * // { mae: 0.5, mse: 0.375, rmse: 0.612…, mape: 0.327…, smape: 0.578…, mase: 0.3, count: 4 }
 */
export function forecastErrors(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: MaseOptions = {},
): ForecastErrors {
  const resolved = resolveMaseOptions(options, 'forecastErrors');
  const sums = new ForecastSums();
  sums.add(yTrue, yPred, resolved.sampleWeight, 'forecastErrors');
  return sums.result(resolved.naiveScale, 'forecastErrors');
}

function one(
  key: 'mae' | 'mse' | 'rmse' | 'mape' | 'smape',
  fn: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ForecastErrorOptions,
): number {
  const { sampleWeight } = check.options(fn, options, ['sampleWeight']);
  const sums = new ForecastSums();
  sums.add(yTrue, yPred, sampleWeight, fn);
  return sums.result(undefined, fn)[key];
}

/**
 * Mean absolute error, equal to scikit-learn's `mean_absolute_error`.
 * @throws MetricsError as {@link forecastErrors}.
 * @example meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.5
 */
export function meanAbsoluteError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ForecastErrorOptions = {},
): number {
  return one('mae', 'meanAbsoluteError', yTrue, yPred, options);
}

/**
 * Mean squared error, equal to scikit-learn's `mean_squared_error`.
 * @throws MetricsError as {@link forecastErrors}.
 * @example meanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.375
 */
export function meanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ForecastErrorOptions = {},
): number {
  return one('mse', 'meanSquaredError', yTrue, yPred, options);
}

/**
 * Root mean squared error, equal to scikit-learn's `mean_squared_error(squared=False)`.
 * @throws MetricsError as {@link forecastErrors}.
 * @example rootMeanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.6123724356957945
 */
export function rootMeanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ForecastErrorOptions = {},
): number {
  return one('rmse', 'rootMeanSquaredError', yTrue, yPred, options);
}

/**
 * Mean absolute percentage error as a fraction (0.1 = 10 %), equal to scikit-learn's
 * `mean_absolute_percentage_error`: mean of |y − ŷ| / max(|y|, ε).
 * @throws MetricsError as {@link forecastErrors}.
 * @example meanAbsolutePercentageError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.3273809523809524
 */
export function meanAbsolutePercentageError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ForecastErrorOptions = {},
): number {
  return one('mape', 'meanAbsolutePercentageError', yTrue, yPred, options);
}

/**
 * Symmetric MAPE as a fraction in [0, 2]: mean of 2|y − ŷ| / max(|y| + |ŷ|, ε) (M4 competition,
 * sktime); a point where both are 0 contributes 0.
 * @throws MetricsError as {@link forecastErrors}.
 * @example symmetricMeanAbsolutePercentageError([100, 200], [110, 180]); // (20/210 + 40/380) / 2
 */
export function symmetricMeanAbsolutePercentageError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ForecastErrorOptions = {},
): number {
  return one('smape', 'symmetricMeanAbsolutePercentageError', yTrue, yPred, options);
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): the forecast's MAE divided by the in-sample
 * MAE of the seasonal naive forecast `y[t] ≈ y[t − m]` on the training series (scale floored at
 * ε, as sktime). Below 1: better than the naive forecast was in sample.
 * @throws MetricsError `METRICS_INVALID_OPTION` without `training`, or as {@link forecastErrors}.
 * @example
 * // naive scale of [1, 3, 2, 4] with m = 1: (2 + 1 + 2) / 3 = 5/3; MAE 0.5 → 0.3
 * meanAbsoluteScaledError([3, -0.5, 2, 7], [2.5, 0, 2, 8], { training: [1, 3, 2, 4] }); // 0.3
 */
export function meanAbsoluteScaledError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: MaseOptions,
): number {
  const fn = 'meanAbsoluteScaledError';
  const resolved = resolveMaseOptions(options, fn);
  if (resolved.naiveScale === undefined) {
    check.invalid(
      fn,
      'training',
      undefined,
      'is required',
      "MASE is scaled by the naive forecast's error on the training series.",
    );
  }
  const sums = new ForecastSums();
  sums.add(yTrue, yPred, resolved.sampleWeight, fn);
  return sums.result(resolved.naiveScale, fn).mase!;
}
