import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import { splitDataset, trainValTestSplit } from './split.js';

const range = (n: number) => Array.from({ length: n }, (_, k) => k);

describe('splitDataset', () => {
  it('takes ceil(fraction · n) per part, like scikit-learn, and the rest last', () => {
    const [test, train] = splitDataset(range(10), [1 / 3], { seed: 1 });
    expect(test).toHaveLength(4);
    expect(train).toHaveLength(6);
    const [a, b, rest] = splitDataset(range(10), [2, 0.25], { seed: 1 });
    expect([a!.length, b!.length, rest!.length]).toEqual([2, 3, 5]);
  });

  it('keeps order without shuffling (time series)', () => {
    expect(splitDataset(range(6), [2], { seed: 0, shuffle: false })).toEqual([
      [0, 1],
      [2, 3, 4, 5],
    ]);
  });

  it('partitions the items, reproducibly per seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 200 }),
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        fc.integer(),
        (n, f, seed) => {
          const parts = splitDataset(range(n), [f, f], { seed });
          expect(parts.flat().sort((a, b) => a - b)).toEqual(range(n));
          expect(parts[0]).toHaveLength(Math.ceil(f * n));
          expect(splitDataset(range(n), [f, f], { seed })).toEqual(parts);
        },
      ),
    );
  });

  it('stratifies: each part keeps the label proportions', () => {
    const items = range(300).map((k) => ({ k, label: k < 200 ? 'neg' : 'pos' }));
    const { train, validation, test } = trainValTestSplit(items, {
      validation: 0.1,
      test: 1 / 3,
      seed: 42,
      stratify: (item) => item.label,
    });
    expect([train.length, validation.length, test.length]).toEqual([170, 30, 100]);
    const positives = (part: typeof items) => part.filter((item) => item.label === 'pos').length;
    expect(positives(test)).toBe(33);
    expect(positives(validation)).toBe(10);
    expect(positives(train)).toBe(57);
    expect([...train, ...validation, ...test].map((item) => item.k).sort((a, b) => a - b)).toEqual(
      range(300),
    );
  });

  it('rejects empty input, bad sizes, parts that take everything, and a missing seed', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(DatasetsError);
        return (error as DatasetsError).code;
      }
      return 'no error';
    };
    expect(code(() => splitDataset([], [0.5], { seed: 1 }))).toBe('DATASETS_EMPTY_INPUT');
    expect(code(() => splitDataset(range(4), [1.5], { seed: 1 }))).toBe('DATASETS_INVALID_OPTION');
    expect(code(() => splitDataset(range(4), [0], { seed: 1 }))).toBe('DATASETS_INVALID_OPTION');
    expect(code(() => splitDataset(range(4), [0.5, 0.5], { seed: 1 }))).toBe('DATASETS_INVALID_OPTION');
    expect(code(() => splitDataset(range(4), [1], {} as never))).toBe('DATASETS_INVALID_OPTION');
  });
});

describe('split messages', () => {
  it('issue 13 #14: trainValTestSplit names a missing validation or test size instead of printing undefined', () => {
    for (const options of [{ test: 0.2, seed: 1 }, { validation: 0.2, seed: 1 }, { test: 0.2 }]) {
      const error = expectErrorCode(
        () => trainValTestSplit(range(10), options as never),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
      expect(error.message).toMatch(/trainValTestSplit: (validation|test) is required/);
      expect(error.message).not.toMatch(/undefined undefined/);
    }
    expectErrorCode(
      () => trainValTestSplit(range(10), null as never),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('issue 13 #14: a NaN size prints as NaN, under the name the user gave it', () => {
    const error = expectErrorCode(
      () => trainValTestSplit(range(10), { validation: 0.1, test: Number.NaN, seed: 1 }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expect(error.message).toMatch(/test .*got NaN/);
    expect(error.message).not.toMatch(/null/);
  });
});
