import { expectErrorCode, readJsonFixture } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors.js';
import {
  DEFAULT_MASE_OPTIONS,
  FORECAST_EPSILON,
  forecastErrors,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanAbsoluteScaledError,
  meanSquaredError,
  resolveMaseOptions,
  rootMeanSquaredError,
  symmetricMeanAbsolutePercentageError,
} from './forecast.js';
import { ForecastAccumulator } from './forecast-accumulator.js';

interface ForecastCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  sampleWeight: number[] | null;
  mae: number;
  mse: number;
  rmse: number;
  mape: number;
}

const { sklearn, cases } = readJsonFixture<{ sklearn: string; cases: ForecastCase[] }>(
  new URL('../test/fixtures/sklearn/forecast.json', import.meta.url),
);

describe(`MAE, MSE, RMSE, MAPE equal scikit-learn ${sklearn}`, () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const options = c.sampleWeight === null ? {} : { sampleWeight: c.sampleWeight };
    // Sums are taken left to right here, pairwise in numpy: equal up to rounding.
    const close = (actual: number, expected: number) =>
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
    close(meanAbsoluteError(c.yTrue, c.yPred, options), c.mae);
    close(meanSquaredError(c.yTrue, c.yPred, options), c.mse);
    close(rootMeanSquaredError(c.yTrue, c.yPred, options), c.rmse);
    close(meanAbsolutePercentageError(c.yTrue, c.yPred, options), c.mape);
    expect(cases.length).toBeGreaterThanOrEqual(13);
  });
});

describe('hand-computed values', () => {
  const yTrue = [3, -0.5, 2, 7];
  const yPred = [2.5, 0, 2, 8];

  it('sklearn docstring example and sMAPE', () => {
    expect(meanAbsoluteError(yTrue, yPred)).toBe(0.5);
    expect(meanSquaredError(yTrue, yPred)).toBe(0.375);
    expect(rootMeanSquaredError(yTrue, yPred)).toBe(Math.sqrt(0.375));
    // |e|/|y|: 0.5/3, 0.5/0.5, 0, 1/7
    expect(meanAbsolutePercentageError(yTrue, yPred)).toBeCloseTo((0.5 / 3 + 1 + 0 + 1 / 7) / 4, 15);
    // 2|e|/(|y|+|ŷ|): 1/5.5, 1/0.5, 0, 2/15
    expect(symmetricMeanAbsolutePercentageError(yTrue, yPred)).toBeCloseTo(
      (1 / 5.5 + 2 + 0 + 2 / 15) / 4,
      15,
    );
    expect(symmetricMeanAbsolutePercentageError([0, 0], [0, 0])).toBe(0);
    expect(symmetricMeanAbsolutePercentageError([1], [-1])).toBe(2);
  });

  it('MASE: scaled by the in-sample seasonal naive MAE', () => {
    // m = 1: |3−1| + |2−3| + |4−2| = 5 over 3 steps
    expect(meanAbsoluteScaledError(yTrue, yPred, { training: [1, 3, 2, 4] })).toBeCloseTo(0.5 / (5 / 3), 15);
    // m = 2 on [1, 3, 2, 4, 6]: |2−1| + |4−3| + |6−2| = 6 over 3 steps → scale 2
    expect(meanAbsoluteScaledError(yTrue, yPred, { training: [1, 3, 2, 4, 6], seasonalPeriod: 2 })).toBe(
      0.25,
    );
    // A perfectly seasonal training series: the scale is floored at ε (sktime), not a division by 0.
    expect(meanAbsoluteScaledError([1], [1.5], { training: [1, 2, 1, 2], seasonalPeriod: 2 })).toBe(
      0.5 / FORECAST_EPSILON,
    );
    // The naive forecast itself scores 1 on its own training data.
    const series = [5, 7, 6, 9, 8, 12];
    expect(meanAbsoluteScaledError(series.slice(1), series.slice(0, -1), { training: series })).toBeCloseTo(
      1,
      15,
    );
  });

  it('MAPE uses sklearn ε for zero observations; weights give weighted means', () => {
    expect(meanAbsolutePercentageError([0], [1])).toBe(1 / FORECAST_EPSILON);
    expect(meanAbsoluteError([1, 2], [2, 4], { sampleWeight: [3, 1] })).toBe((3 * 1 + 1 * 2) / 4);
    const all = forecastErrors(yTrue, yPred, { training: [1, 3, 2, 4] });
    expect(all).toEqual({
      mae: 0.5,
      mse: 0.375,
      rmse: Math.sqrt(0.375),
      mape: meanAbsolutePercentageError(yTrue, yPred),
      smape: symmetricMeanAbsolutePercentageError(yTrue, yPred),
      mase: meanAbsoluteScaledError(yTrue, yPred, { training: [1, 3, 2, 4] }),
      count: 4,
    });
    expect(forecastErrors(yTrue, yPred).mase).toBeUndefined();
  });

  it('pins the documented defaults', () => {
    expect(DEFAULT_MASE_OPTIONS).toEqual({ sampleWeight: undefined, training: undefined, seasonalPeriod: 1 });
    expect(resolveMaseOptions()).toEqual({
      sampleWeight: undefined,
      training: undefined,
      seasonalPeriod: 1,
      naiveScale: undefined,
    });
    expect(FORECAST_EPSILON).toBe(Number.EPSILON);
  });
});

describe('errors', () => {
  it('length mismatches, empty inputs, NaN predictions, bad options', () => {
    expectErrorCode(() => meanAbsoluteError([1, 2], [1]), MetricsError, 'METRICS_LENGTH_MISMATCH');
    expectErrorCode(
      () => meanAbsoluteError([1, 2], [1, 2], { sampleWeight: [1] }),
      MetricsError,
      'METRICS_LENGTH_MISMATCH',
    );
    expectErrorCode(() => meanAbsoluteError([], []), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => rootMeanSquaredError([1, 2], [1, Number.NaN]), MetricsError, 'METRICS_NON_FINITE');
    expectErrorCode(
      () => meanSquaredError([1, Number.POSITIVE_INFINITY], [1, 2]),
      MetricsError,
      'METRICS_NON_FINITE',
    );
    expectErrorCode(
      () => meanAbsoluteScaledError([1], [1], { training: [1, Number.NaN] }),
      MetricsError,
      'METRICS_NON_FINITE',
    );
    expectErrorCode(() => meanAbsoluteScaledError([1], [1], {}), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(
      () => meanAbsoluteScaledError([1], [1], { training: [1, 2], seasonalPeriod: 2 }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => meanAbsoluteScaledError([1], [1], { training: [1, 2, 3], seasonalPeriod: 0.5 }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => meanAbsoluteError([1], [1], { sampleWeight: [-1] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => meanAbsoluteError([1], [1], { sampleWeight: [0] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(() => new ForecastAccumulator().result(), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(
      () => new ForecastAccumulator({ seasonalPeriod: 0 }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });
});

describe('ForecastAccumulator', () => {
  const value = fc.double({ min: -1e3, max: 1e3, noNaN: true });

  it('equals the one-shot result over the concatenation, for random batch splits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value, fc.double({ min: 0, max: 5, noNaN: true })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 6 }),
        fc.boolean(),
        fc.array(value, { minLength: 4, maxLength: 20 }),
        (points, cuts, weighted, training) => {
          const yTrue = points.map((p) => p[0]);
          const yPred = points.map((p) => p[1]);
          const weights = weighted ? points.map((p) => p[2] + 0.01) : undefined;
          const options = { training, seasonalPeriod: 2 };
          const accumulator = new ForecastAccumulator(options);
          const bounds = [
            0,
            ...cuts.map((c) => Math.min(c, points.length)).sort((a, b) => a - b),
            points.length,
          ];
          for (let i = 0; i + 1 < bounds.length; i++) {
            const [a, b] = [bounds[i]!, bounds[i + 1]!];
            accumulator.update(yTrue.slice(a, b), yPred.slice(a, b), weights?.slice(a, b));
          }
          expect(accumulator.count).toBe(points.length);
          expect(accumulator.result()).toEqual(
            forecastErrors(yTrue, yPred, { ...options, ...(weights ? { sampleWeight: weights } : {}) }),
          );
        },
      ),
    );
  });

  it('a rejected batch adds nothing; reset forgets', () => {
    const accumulator = new ForecastAccumulator().update([1, 2], [2, 2]);
    expectErrorCode(() => accumulator.update([1, 2], [1, Number.NaN]), MetricsError, 'METRICS_NON_FINITE');
    expect(accumulator.result().mae).toBe(0.5);
    accumulator.reset();
    expect(accumulator.count).toBe(0);
  });
});

describe('issue 13: forecast errors that overflow', () => {
  it('issue 13 #13: errors whose sums overflow float64 are METRICS_NON_FINITE, not a silent Infinity', () => {
    expectErrorCode(
      () => forecastErrors([1e308, -1e308], [-1e308, 1e308]),
      MetricsError,
      'METRICS_NON_FINITE',
    );
    expectErrorCode(() => meanSquaredError([1e200], [-1e200]), MetricsError, 'METRICS_NON_FINITE');
    expectErrorCode(
      () => meanAbsoluteScaledError([1], [1], { training: [1e308, -1e308, 1e308] }),
      MetricsError,
      'METRICS_NON_FINITE',
    );
  });

  it('issue 13 #13: an overflowing batch adds nothing to a ForecastAccumulator', () => {
    const accumulator = new ForecastAccumulator().update([1, 2], [1.5, 2.5]);
    const before = accumulator.result();
    expectErrorCode(() => accumulator.update([1e200], [-1e200]), MetricsError, 'METRICS_NON_FINITE');
    expect(accumulator.result()).toEqual(before);
  });
});
