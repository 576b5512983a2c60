import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import { DEFAULT_TRAIN_VAL_TEST_SPLIT_OPTIONS, splitDataset, trainValTestSplit } from './split.js';

const range = (n: number) => Array.from({ length: n }, (_, k) => k);
const lengths = (parts: readonly unknown[][]) => parts.map((part) => part.length);
const sorted = (parts: readonly number[][]) => parts.flat().sort((a, b) => a - b);
const invalid = (fn: () => unknown) => expectErrorCode(fn, DatasetsError, 'DATASETS_INVALID_OPTION');

/** Positive weights normalised to fractions that add up to 1 (up to float error), each ≥ 0.05. */
const fractionsOfOne = fc
  .array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 5 })
  .map((weights) => {
    const total = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => (w + total / 19) / (total + (weights.length * total) / 19));
  });

/** The documented rounding, written out independently: what each part should hold. */
function expectedSizes(n: number, sizes: readonly number[]): number[] {
  const isFraction = sizes.map((s) => s < 1);
  const share = sizes.map((s, k) => (isFraction[k] ? s * n : s));
  const up = share.map((s, k) =>
    isFraction[k] ? (Math.abs(s - Math.round(s)) < 1e-9 ? Math.round(s) : Math.ceil(s)) : s,
  );
  const claimed = share.reduce((a, b) => a + b, 0);
  if (claimed < n - 1e-6) return [...up, n - up.reduce((a, b) => a + b, 0)];
  let taker = -1;
  for (let k = 0; k < sizes.length; k++)
    if (isFraction[k] && (taker < 0 || share[k]! >= share[taker]!)) taker = k;
  if (taker >= 0) up[taker] = n - up.reduce((a, b, k) => (k === taker ? a : a + b), 0);
  return up;
}

describe('splitDataset: sizes that leave a remainder (a last part with the rest)', () => {
  it('takes ceil(fraction · n) per part, like scikit-learn, and the rest last', () => {
    expect(lengths(splitDataset(range(10), [1 / 3], { seed: 1 }))).toEqual([4, 6]);
    expect(lengths(splitDataset(range(10), [2, 0.25], { seed: 1 }))).toEqual([2, 3, 5]);
    expect(lengths(splitDataset(range(11), [0.2], { seed: 1 }))).toEqual([3, 8]);
  });

  it('counts a float error away from an integer as that integer (0.07 · 100 is 7.000000000000001)', () => {
    expect(lengths(splitDataset(range(100), [0.07], { seed: 1 }))).toEqual([7, 93]);
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
          expect(sorted(parts)).toEqual(range(n));
          expect(lengths(parts)).toEqual(expectedSizes(n, [f, f]));
          expect(parts[0]).toHaveLength(Math.ceil(f * n - 1e-9));
          expect(splitDataset(range(n), [f, f], { seed })).toEqual(parts);
        },
      ),
    );
  });
});

describe('splitDataset: sizes that account for every item (exactly that many parts)', () => {
  it('[0.8, 0.2] gives two parts; the largest takes the rest, as train_test_split and validation_split', () => {
    expect(lengths(splitDataset(range(10), [0.8, 0.2], { seed: 1 }))).toEqual([8, 2]);
    // scikit-learn: n_test = ceil(0.2 · 11) = 3, n_train = floor(0.8 · 11) = 8; Keras' validation_split too.
    expect(lengths(splitDataset(range(11), [0.8, 0.2], { seed: 1 }))).toEqual([8, 3]);
    expect(lengths(splitDataset(range(11), [0.2, 0.8], { seed: 1 }))).toEqual([3, 8]);
    expect(lengths(splitDataset(range(11), [0.8, 0.1, 0.1], { seed: 1 }))).toEqual([7, 2, 2]);
    expect(lengths(splitDataset(range(11), [0.5, 0.5], { seed: 1 }))).toEqual([6, 5]);
  });

  it('gives the same sizes as the remainder form without the largest size', () => {
    const [train, test] = splitDataset(range(37), [0.75, 0.25], { seed: 9, shuffle: false });
    const [test2, train2] = splitDataset(range(37), [0.25], { seed: 9, shuffle: false });
    expect(lengths([train!, test!])).toEqual([train2!.length, test2!.length]);
  });

  it('takes fractions that add up to 1 only up to float error ([0.7, 0.2, 0.1] is 0.9999999999999999)', () => {
    expect(0.7 + 0.2 + 0.1).not.toBe(1);
    expect(lengths(splitDataset(range(10), [0.7, 0.2, 0.1], { seed: 1 }))).toEqual([7, 2, 1]);
    expect(lengths(splitDataset(range(30), [1 / 3, 1 / 3, 1 / 3], { seed: 1 }))).toEqual([10, 10, 10]);
  });

  it('takes counts that add up to the length, and mixes of counts and fractions', () => {
    expect(lengths(splitDataset(range(10), [6, 4], { seed: 1 }))).toEqual([6, 4]);
    expect(lengths(splitDataset(range(10), [5, 0.25, 0.25], { seed: 1 }))).toEqual([5, 3, 2]);
    expect(splitDataset(range(1), [1], { seed: 1 })).toEqual([[0]]);
  });

  it('keeps order without shuffling: [0.9, 0.1] is the first 90 % and the last 10 %', () => {
    expect(splitDataset(range(10), [0.9, 0.1], { seed: 0, shuffle: false })).toEqual([range(9), [9]]);
  });

  it('partitions the items into exactly the documented sizes, reproducibly per seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 400 }), fractionsOfOne, fc.integer(), (n, fractions, seed) => {
        const parts = splitDataset(range(n), fractions, { seed });
        expect(parts).toHaveLength(fractions.length);
        expect(sorted(parts)).toEqual(range(n));
        expect(lengths(parts)).toEqual(expectedSizes(n, fractions));
        for (const [k, part] of parts.entries()) {
          expect(Math.abs(part.length - fractions[k]! * n)).toBeLessThan(fractions.length);
        }
        expect(splitDataset(range(n), fractions, { seed })).toEqual(parts);
      }),
    );
  });

  it('splits counts that add up to the length into exactly those counts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 6 }),
        fc.integer(),
        (counts, seed) => {
          const n = counts.reduce((a, b) => a + b, 0);
          const parts = splitDataset(range(n), counts, { seed });
          expect(lengths(parts)).toEqual(counts);
          expect(sorted(parts)).toEqual(range(n));
        },
      ),
    );
  });
});

describe('splitDataset: stratified', () => {
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

  it('gives the unstratified sizes, covers the items once, and keeps every label near its share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 100, maxLength: 300 }),
        fc.oneof(
          fractionsOfOne,
          fc.array(fc.double({ min: 0.01, max: 0.2, noNaN: true }), { minLength: 1, maxLength: 3 }),
        ),
        fc.integer(),
        fc.boolean(),
        (labels, sizes, seed, shuffle) => {
          const n = labels.length;
          const parts = splitDataset(range(n), sizes, { seed, shuffle, stratify: (k) => labels[k]! });
          expect(lengths(parts)).toEqual(expectedSizes(n, sizes));
          expect(sorted(parts)).toEqual(range(n));
          expect(splitDataset(range(n), sizes, { seed, shuffle, stratify: (k) => labels[k]! })).toEqual(
            parts,
          );
          for (const label of [0, 1, 2, 3]) {
            const share = labels.filter((l) => l === label).length / n;
            for (const part of parts) {
              const count = part.filter((k) => labels[k] === label).length;
              expect(Math.abs(count - share * part.length)).toBeLessThanOrEqual(parts.length);
            }
          }
        },
      ),
    );
  });
});

describe('splitDataset: errors', () => {
  it('rejects empty input, bad sizes, sizes beyond all items, rounding to an empty part, and a missing seed', () => {
    expectErrorCode(() => splitDataset([], [0.5], { seed: 1 }), DatasetsError, 'DATASETS_EMPTY_INPUT');
    invalid(() => splitDataset(range(4), [1.5], { seed: 1 }));
    invalid(() => splitDataset(range(4), [0], { seed: 1 }));
    invalid(() => splitDataset(range(4), [-0.2], { seed: 1 }));
    invalid(() => splitDataset(range(4), [1], {} as never));
    invalid(() => splitDataset(range(4), 0.5 as never, { seed: 1 }));
    // remainder form: ceil(5.5) + ceil(4.4) = 11 > 10 — nothing left for the last part
    invalid(() => splitDataset(range(10), [0.55, 0.44], { seed: 1 }));
    // every part but the largest rounds up to 2 of 10, leaving none for it
    invalid(() => splitDataset(range(10), [...Array(19).fill(0.05), 0.05], { seed: 1 }));
  });

  it('fractions adding up to more than 1, or counts to more than the length, say what was given and how to fix it', () => {
    const over = invalid(() => splitDataset(range(10), [0.8, 0.3], { seed: 1 }));
    expect(over.message).toMatch(/^splitDataset: sizes .*got \[0\.8, ?0\.3\]/);
    expect(over.message).toMatch(/11 items/);
    expect(over.message).toMatch(/\[0\.8, 0\.2\]/);
    invalid(() => splitDataset(range(10), [8, 4], { seed: 1 }));
    invalid(() => splitDataset(range(10), [8, 0.3], { seed: 1 }));
    expect(lengths(splitDataset(range(10), [0.8, 0.2 + 1e-12], { seed: 1 }))).toEqual([8, 2]);
  });
});

describe('trainValTestSplit', () => {
  it('validation is optional: { test, seed } is train_test_split, with validation: []', () => {
    expect(DEFAULT_TRAIN_VAL_TEST_SPLIT_OPTIONS.validation).toBe(0);
    const { train, validation, test } = trainValTestSplit(range(11), { test: 0.2, seed: 3 });
    expect([train.length, validation.length, test.length]).toEqual([8, 0, 3]);
    expect(sorted([train, test])).toEqual(range(11));
    expect(trainValTestSplit(range(11), { test: 0.2, validation: 0, seed: 3 })).toEqual({
      train,
      validation,
      test,
    });
    expect(trainValTestSplit(range(11), { test: 0.2, validation: undefined, seed: 3 })).toEqual({
      train,
      validation,
      test,
    });
  });

  it('test 0 gives test: [] (a train/validation split)', () => {
    const { train, validation, test } = trainValTestSplit(range(10), { validation: 0.2, test: 0, seed: 3 });
    expect([train.length, validation.length, test.length]).toEqual([8, 2, 0]);
  });

  it('is splitDataset(items, [validation, test]) with train as the rest', () => {
    const { train, validation, test } = trainValTestSplit(range(50), { validation: 0.1, test: 0.2, seed: 5 });
    expect([validation, test, train]).toEqual(splitDataset(range(50), [0.1, 0.2], { seed: 5 }));
  });

  it('rejects validation + test that leave nothing for train, and unknown options naming the closest', () => {
    invalid(() => trainValTestSplit(range(10), { validation: 0.5, test: 0.5, seed: 1 }));
    invalid(() => trainValTestSplit(range(10), { validation: 0.5, test: 0.6, seed: 1 }));
    invalid(() => trainValTestSplit(range(10), { validation: 5, test: 5, seed: 1 }));
    invalid(() => trainValTestSplit(range(10), { validation: -1, test: 0.2, seed: 1 }));
    const typo = invalid(() => trainValTestSplit(range(10), { validaton: 0.1, test: 0.2, seed: 1 } as never));
    expect(typo.message).toMatch(/Did you mean 'validation'\?/);
    const typoTest = invalid(() => trainValTestSplit(range(10), { tset: 0.2, seed: 1 } as never));
    expect(typoTest.message).toMatch(/Did you mean 'test'\?/);
  });
});

describe('split messages', () => {
  it('issue 13 #14, issue 15: a missing test is named instead of printing undefined', () => {
    for (const options of [{ validation: 0.2, seed: 1 }, { seed: 1 }]) {
      const error = invalid(() => trainValTestSplit(range(10), options as never));
      expect(error.message).toMatch(/trainValTestSplit: test is required/);
      expect(error.message).not.toMatch(/undefined undefined/);
    }
    invalid(() => trainValTestSplit(range(10), { test: 0.2 } as never));
    invalid(() => trainValTestSplit(range(10), null as never));
  });

  it('issue 13 #14: a NaN size prints as NaN, under the name the user gave it', () => {
    const error = invalid(() => trainValTestSplit(range(10), { validation: 0.1, test: Number.NaN, seed: 1 }));
    expect(error.message).toMatch(/test .*got NaN/);
    expect(error.message).not.toMatch(/null/);
  });
});
