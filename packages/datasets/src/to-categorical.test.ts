import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import { toCategorical } from './to-categorical.js';

describe('toCategorical', () => {
  it('one-hot encodes with numClasses = max + 1 by default (hand-computed)', () => {
    const result = toCategorical([0, 2, 1, 2]);
    expect(result.shape).toEqual([4, 3]);
    expect(result.dtype).toBe('float32');
    expect(result.data).toBeInstanceOf(Float32Array);
    expect(result.rows()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('pads columns up to numClasses and accepts typed arrays', () => {
    expect(toCategorical(new Int32Array([1, 0]), 4).rows()).toEqual([
      [0, 1, 0, 0],
      [1, 0, 0, 0],
    ]);
    expect(toCategorical([3]).rows()).toEqual([[0, 0, 0, 1]]);
    expect(toCategorical([0, 0], null).shape).toEqual([2, 1]);
  });

  it('gives [0, numClasses] for no labels when numClasses is given, as Keras does', () => {
    const result = toCategorical([], 5);
    expect(result.shape).toEqual([0, 5]);
    expect(result.data.length).toBe(0);
  });

  it('reports bad labels and numClasses with typed errors', () => {
    expectErrorCode(() => toCategorical([]), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => toCategorical([0, 3], 3), DatasetsError, 'DATASETS_INVALID_INPUT');
    expectErrorCode(() => toCategorical([-1, 0]), DatasetsError, 'DATASETS_INVALID_INPUT');
    expectErrorCode(() => toCategorical([0.5]), DatasetsError, 'DATASETS_INVALID_INPUT');
    expectErrorCode(() => toCategorical([Number.NaN]), DatasetsError, 'DATASETS_INVALID_INPUT');
    expectErrorCode(
      () => toCategorical('012' as unknown as number[]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => toCategorical([[0]] as unknown as number[]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    for (const numClasses of [0, -2, 2.5, '3', Number.POSITIVE_INFINITY]) {
      expectErrorCode(
        () => toCategorical([0], numClasses as number),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
  });

  it('has rows that sum to 1 with the 1 at the label (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 30 }),
        fc.nat({ max: 5 }),
        (labels, extra) => {
          const numClasses = Math.max(...labels) + 1 + extra;
          const result = toCategorical(labels, numClasses);
          expect(result.shape).toEqual([labels.length, numClasses]);
          result.rows().forEach((row, i) => {
            expect(row.reduce((sum, v) => sum + v, 0)).toBe(1);
            expect(row.indexOf(Math.max(...row))).toBe(labels[i]);
            expect(row.every((v) => v === 0 || v === 1)).toBe(true);
          });
        },
      ),
    );
  });
});

describe('toCategorical size limit', () => {
  it('issue 13 #13: labels × numClasses beyond MAX_CELLS is DATASETS_TOO_LARGE, not a RangeError', () => {
    expectErrorCode(() => toCategorical([0, 1], 1e10), DatasetsError, 'DATASETS_TOO_LARGE');
    expectErrorCode(() => toCategorical([0, 1e10]), DatasetsError, 'DATASETS_TOO_LARGE');
    expect(toCategorical([], 1e9).shape).toEqual([0, 1e9]);
  });
});
