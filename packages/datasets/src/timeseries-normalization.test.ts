import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import {
  DEFAULT_FIT_NORMALIZATION_OPTIONS,
  DEFAULT_NORMALIZATION_STATS_OPTIONS,
  DEFAULT_NORMALIZE_OPTIONS,
  denormalize,
  type FitNormalizationOptions,
  fitNormalization,
  type NormalizationStats,
  normalizationStats,
  normalize,
  resolveFitNormalizationOptions,
  resolveNormalizationStatsOptions,
  resolveNormalizeOptions,
} from './timeseries-normalization.js';
import { timeseriesWindows } from './timeseries-windows.js';

/** Ten rows of the Jena climate data's first columns (p mbar, T degC, rh %); see the numpy script below. */
const jena = [
  [996.52, -8.02, 93.3],
  [996.57, -8.41, 93.4],
  [996.53, -8.51, 93.9],
  [996.51, -8.31, 94.2],
  [996.51, -8.27, 94.1],
  [996.5, -8.05, 94.4],
  [996.5, -7.62, 94.8],
  [996.5, -7.62, 94.4],
  [996.5, -7.91, 94.8],
  [996.53, -8.43, 94.1],
];
/*
 * numpy 2.4.6 (pandas' .std() is ddof=1):
 *   train = data[0:int(n*0.7)]; train.mean(axis=0); train.std(axis=0, ddof=1); train.std(axis=0, ddof=0)
 *   (data[-1] - mean) / std_ddof1
 */
const NUMPY = {
  mean: [996.5200000000001, -8.169999999999998, 94.0142857142857],
  stdDdof1: [0.024494897427848182, 0.3006104899478171, 0.5336308693862304],
  stdDdof0: [0.022677868380568816, 0.27831123379616357, 0.49404618473687323],
  normalizedLastRow: [0.40824829045857713, -0.8649066106945733, 0.16062467640388853],
};

const expectClose = (actual: ArrayLike<number>, expected: readonly number[], digits: number) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, k) => {
    expect(actual[k]).toBeCloseTo(value, digits);
  });
};

describe('normalization options', () => {
  it('pins the documented defaults (the tutorial: 70 % train split, pandas ddof 1)', () => {
    expect(DEFAULT_FIT_NORMALIZATION_OPTIONS).toEqual({ trainFraction: 0.7, ddof: 1, columns: null });
    expect(DEFAULT_NORMALIZATION_STATS_OPTIONS).toEqual({ ddof: 1, columns: null });
    expect(DEFAULT_NORMALIZE_OPTIONS).toEqual({ columns: null });
    expect(resolveFitNormalizationOptions()).toEqual({ trainFraction: 0.7, ddof: 1, columns: null });
    expect(resolveNormalizationStatsOptions({ ddof: 0 })).toEqual({ ddof: 0, columns: null });
    expect(resolveNormalizeOptions({ columns: ['T'] })).toEqual({ columns: ['T'] });
  });

  it('rejects bad options', () => {
    const bad: unknown[] = [
      { trainFraction: 0 },
      { trainFraction: -0.5 },
      { trainFraction: 1.2 },
      { trainFraction: Number.NaN },
      { ddof: -1 },
      { ddof: 0.5 },
      { columns: 'T' },
      { train_fraction: 0.8 },
    ];
    for (const options of bad) {
      expectErrorCode(
        () => resolveFitNormalizationOptions(options as FitNormalizationOptions),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
    expectErrorCode(() => resolveNormalizeOptions({ columns: [] }), DatasetsError, 'DATASETS_INVALID_OPTION');
  });
});

describe('normalizationStats / fitNormalization', () => {
  it('hand-computed: [1, 2, 3, 4] has mean 2.5, std √(5/3) (ddof 1) and √1.25 (ddof 0)', () => {
    const stats = normalizationStats([1, 2, 3, 4]);
    expect(stats.mean).toEqual([2.5]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(stats).toMatchObject({ ddof: 1, rows: 4, columns: null });
    expect(normalizationStats([1, 2, 3, 4], { ddof: 0 }).std[0]).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(
      normalizationStats(
        [
          [1, 10],
          [3, 30],
        ],
        { ddof: 0 },
      ),
    ).toMatchObject({ mean: [2, 20], std: [1, 10] });
  });

  it('fits on the first int(n · trainFraction) rows only and matches numpy', () => {
    const stats = fitNormalization(jena);
    expect(stats.rows).toBe(7);
    expectClose(stats.mean, NUMPY.mean, 12);
    expectClose(stats.std, NUMPY.stdDdof1, 12);
    expectClose(fitNormalization(jena, { ddof: 0 }).std, NUMPY.stdDdof0, 12);
    // Rows 7…9 (validation, test) do not change the statistics.
    const changedTail = jena.map((row, r) => (r >= 7 ? row.map((v) => v * 100) : row));
    expect(fitNormalization(changedTail)).toEqual(stats);
    expect(fitNormalization(jena, { trainFraction: 1 })).toEqual(normalizationStats(jena));
  });

  it('keeps column names and returns plain, frozen numbers', () => {
    const stats = fitNormalization(jena, { columns: ['p', 'T', 'rh'] });
    expect(stats.columns).toEqual(['p', 'T', 'rh']);
    expect(Array.isArray(stats.mean)).toBe(true);
    expect(Object.isFrozen(stats.mean)).toBe(true);
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
  });

  it('rejects bad series with typed codes', () => {
    expectErrorCode(() => normalizationStats([]), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => normalizationStats([[1, 2], [3]]), DatasetsError, 'DATASETS_SHAPE_MISMATCH');
    expectErrorCode(
      () => normalizationStats([1, '2'] as unknown as number[]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(() => normalizationStats([1]), DatasetsError, 'DATASETS_TOO_SHORT'); // ddof 1 needs ≥ 2 rows
    expect(normalizationStats([1], { ddof: 0 }).std).toEqual([0]);
    expectErrorCode(
      () => fitNormalization([1, 2], { trainFraction: 0.5 }),
      DatasetsError,
      'DATASETS_TOO_SHORT',
    );
    expectErrorCode(
      () => fitNormalization(jena, { columns: ['p', 'T'] }),
      DatasetsError,
      'DATASETS_SHAPE_MISMATCH',
    );
  });
});

describe('normalize / denormalize', () => {
  const stats = fitNormalization(jena, { columns: ['p', 'T', 'rh'] });

  it('matches numpy on rows and returns new float32 rows', () => {
    const normalized = normalize(jena, stats);
    expect(normalized.length).toBe(10);
    expect(normalized[9]).toBeInstanceOf(Float32Array);
    expectClose(normalized[9]!, NUMPY.normalizedLastRow, 4);
    expect(jena[9]).toEqual([996.53, -8.43, 94.1]);
  });

  it('hand-computed univariate example', () => {
    const scaled = normalize([1, 2, 3, 4], normalizationStats([1, 2, 3, 4]));
    expect(scaled).toBeInstanceOf(Float32Array);
    const s = Math.sqrt(5 / 3);
    expectClose(scaled, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], 6);
  });

  it('treats flat values as row-major rows of the selected columns (window ys)', () => {
    const normalized = normalize(jena, stats);
    const [window] = [
      ...timeseriesWindows(normalized, { inputSteps: 3, outputSteps: 2, shift: 2, targetColumns: [1] }),
    ];
    const labelsInDegrees = denormalize(window!.ys, stats, { columns: ['T'] });
    expectClose(labelsInDegrees, [jena[3]![1]!, jena[4]![1]!], 4);
    const inputs = denormalize(window!.xs, stats);
    expectClose(inputs, jena.slice(0, 3).flat(), 2);
    expectErrorCode(() => normalize([1, 2, 3, 4], stats), DatasetsError, 'DATASETS_SHAPE_MISMATCH'); // 4 is not a multiple of 3
    expectErrorCode(() => normalize([[1, 2]], stats), DatasetsError, 'DATASETS_SHAPE_MISMATCH');
  });

  it('centres a constant column instead of dividing by zero', () => {
    const constant = normalizationStats([
      [5, 1],
      [5, 2],
      [5, 3],
    ]);
    expect(constant.std[0]).toBe(0);
    const normalized = normalize(
      [
        [5, 2],
        [7, 3],
      ],
      constant,
    );
    expect([...normalized[1]!]).toEqual([2, 1]);
    expect([...denormalize(normalized, constant)[1]!]).toEqual([7, 3]);
  });

  it('rejects bad stats and column selections', () => {
    const bad: unknown[] = [
      null,
      {},
      { mean: [1], std: [] },
      { mean: [1], std: [-1] },
      { mean: ['a'], std: [1] },
    ];
    for (const candidate of bad) {
      expectErrorCode(
        () => normalize([1, 2], candidate as NormalizationStats),
        DatasetsError,
        'DATASETS_INVALID_INPUT',
      );
    }
    expectErrorCode(
      () => normalize([1, 2], stats, { columns: ['x'] }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => normalize([1, 2], stats, { columns: [3] }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(() => normalize([], stats), DatasetsError, 'DATASETS_EMPTY_INPUT');
  });

  it('property: denormalize(normalize(x)) ≈ x and training columns get mean 0, std 1', () => {
    const rowsArb = fc.integer({ min: 1, max: 4 }).chain((features) =>
      fc.array(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: features, maxLength: features }),
        {
          minLength: 3,
          maxLength: 30,
        },
      ),
    );
    fc.assert(
      fc.property(rowsArb, fc.double({ min: 0.5, max: 1, noNaN: true }), (rows, trainFraction) => {
        fc.pre(Math.floor(rows.length * trainFraction) >= 2);
        const fitted = fitNormalization(rows, { trainFraction });
        const normalized = normalize(rows, fitted);
        const restored = denormalize(normalized, fitted);
        for (const [r, row] of restored.entries()) expectClose(row, rows[r]!, 1);
        const train = normalized.slice(0, fitted.rows).map((row) => [...row]);
        const again = normalizationStats(train);
        again.mean.forEach((m) => {
          expect(Math.abs(m)).toBeLessThan(1e-4);
        });
        again.std.forEach((s, c) => {
          expect(s).toBeCloseTo(fitted.std[c] === 0 ? 0 : 1, 4);
        });
      }),
    );
  });
});
