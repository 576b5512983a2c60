import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import { lengthPercentiles } from './length-percentiles.js';

/** Sequences of the given lengths (contents do not matter). */
const ofLengths = (lengths: readonly number[]) => lengths.map((length) => Array.from({ length }, () => 1));

const PERCENTILES = [0, 1, 10, 25, 33.3, 50, 66.6, 75, 90, 95, 99, 99.9, 100];

// Expected values printed by numpy 1.24.2:
//   /usr/bin/python3 -c 'import numpy as np; print([float(x) for x in np.percentile(LENGTHS, PERCENTILES)])'
const NUMPY_CASES: readonly (readonly [string, number[], number[]])[] = [
  [
    'four',
    [1, 2, 3, 4],
    [
      1.0, 1.03, 1.3, 1.75, 1.9989999999999999, 2.5, 2.9979999999999998, 3.25, 3.7, 3.8499999999999996,
      3.9699999999999998, 3.9970000000000003, 4.0,
    ],
  ],
  ['single', [7], Array(13).fill(7)],
  [
    'skewed',
    [3, 15, 8, 8, 42, 1, 0, 23, 5, 9, 11],
    [
      0.0, 0.1, 1.0, 4.0, 5.989999999999998, 8.0, 10.319999999999999, 13.0, 23.0, 32.5, 40.10000000000001,
      41.81000000000004, 42.0,
    ],
  ],
  [
    'tutorial',
    [12, 7, 31, 18, 25, 9, 40, 14, 22, 5, 17, 60, 11, 8, 19, 27, 33, 13, 10, 21],
    [
      5.0, 5.38, 7.9, 10.75, 12.326999999999998, 17.5, 21.653999999999996, 25.5, 33.70000000000001,
      41.000000000000014, 56.199999999999974, 59.62000000000003, 60.0,
    ],
  ],
];

describe('lengthPercentiles', () => {
  it.each(NUMPY_CASES)('matches np.percentile bit for bit (%s)', (_name, lengths, expected) => {
    expect(lengthPercentiles(ofLengths(lengths), PERCENTILES)).toEqual(expected);
    PERCENTILES.forEach((p, k) => {
      expect(lengthPercentiles(ofLengths(lengths), p)).toBe(expected[k]);
    });
  });

  it('reads only lengths: typed arrays and token strings work too', () => {
    const sequences = [new Int32Array(2), ['a', 'b', 'c', 'd'], [], new Float32Array(6)];
    expect(lengthPercentiles(sequences, [0, 50, 100])).toEqual([0, 3, 6]);
  });

  it('returns an empty array for no percentiles and does not modify its input', () => {
    const sequences = ofLengths([3, 1, 2]);
    expect(lengthPercentiles(sequences, [])).toEqual([]);
    expect(sequences.map((s) => s.length)).toEqual([3, 1, 2]);
  });

  it('rejects bad input and percentiles with typed errors', () => {
    expectErrorCode(() => lengthPercentiles([], 50), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(
      () => lengthPercentiles('abc' as unknown as number[][], 50),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => lengthPercentiles([[1], 'ab' as unknown as number[]], 50),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => lengthPercentiles([[1], null as unknown as number[]], 50),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    for (const p of [-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY, '50']) {
      expectErrorCode(() => lengthPercentiles([[1]], p as number), DatasetsError, 'DATASETS_INVALID_OPTION');
      expectErrorCode(
        () => lengthPercentiles([[1]], [50, p as number]),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
    expectErrorCode(
      () => lengthPercentiles([[1]], { 0: 50 } as unknown as number[]),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('is monotone in p, bounded by min and max, with p=0 → min and p=100 → max (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 200 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 10 }),
        (lengths, ps) => {
          const sequences = ofLengths(lengths);
          const min = Math.min(...lengths);
          const max = Math.max(...lengths);
          expect(lengthPercentiles(sequences, 0)).toBe(min);
          expect(lengthPercentiles(sequences, 100)).toBe(max);
          const sorted = [...ps].sort((a, b) => a - b);
          const values = lengthPercentiles(sequences, sorted);
          values.forEach((value, k) => {
            expect(value).toBeGreaterThanOrEqual(min);
            expect(value).toBeLessThanOrEqual(max);
            if (k > 0) expect(value).toBeGreaterThanOrEqual(values[k - 1]!);
          });
        },
      ),
    );
  });

  it('agrees with the order statistic at whole indexes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { minLength: 2, maxLength: 30 }), (lengths) => {
        const sorted = [...lengths].sort((a, b) => a - b);
        const last = lengths.length - 1;
        for (let k = 0; k <= last; k++) {
          // p = 100·k/last lands (up to rounding) on index k.
          expect(lengthPercentiles(ofLengths(lengths), (100 * k) / last)).toBeCloseTo(sorted[k]!, 9);
        }
      }),
    );
  });
});
