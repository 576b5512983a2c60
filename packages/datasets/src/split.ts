import { describeValue, SeededRandom } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import { check } from './validate.js';

/**
 * A part's size: a fraction of all items in (0, 1), or a count of items (an integer ≥ 1).
 * `1` is one item, not all of them.
 */
export type SplitSize = number;

/** Options of {@link splitDataset}. */
export interface SplitOptions<T> {
  /** Seed of the shuffle before splitting; required, so that a split is reproducible. */
  readonly seed: number;
  /**
   * Shuffle before splitting. Turn off for time series, where the parts must stay in order.
   * @default true
   */
  readonly shuffle?: boolean;
  /**
   * Label of an item: each part then has (as nearly as rounding allows) the label
   * proportions of the whole, as scikit-learn's `stratify=` does.
   * @default undefined (no stratification)
   */
  readonly stratify?: (item: T) => string | number;
}

/** Options of {@link trainValTestSplit}: {@link SplitOptions} plus the held-out sizes. */
export interface TrainValTestSplitOptions<T> extends SplitOptions<T> {
  /**
   * Size of the test part: a fraction of all items in (0, 1), a count (an integer ≥ 1), or `0`
   * for none. Required: there is no silent default (scikit-learn's `test_size` defaults to 0.25).
   */
  readonly test: SplitSize;
  /**
   * Size of the validation part, as `test`; `0` gives `validation: []`, so
   * `{ test: 0.2, seed }` is scikit-learn's `train_test_split(test_size=0.2)`.
   * @default 0
   */
  readonly validation?: SplitSize;
}

/** The documented defaults of the optional {@link SplitOptions} fields. */
export const DEFAULT_SPLIT_OPTIONS: Readonly<{ shuffle: boolean; stratify: undefined }> = Object.freeze({
  shuffle: true,
  stratify: undefined,
});

/** The documented defaults of the optional {@link TrainValTestSplitOptions} fields. */
export const DEFAULT_TRAIN_VAL_TEST_SPLIT_OPTIONS: Readonly<{
  shuffle: boolean;
  stratify: undefined;
  validation: number;
}> = Object.freeze({ ...DEFAULT_SPLIT_OPTIONS, validation: 0 });

/**
 * How far fractions may be off 1 (or `f · n` off an integer) and still count as exact:
 * `[0.7, 0.2, 0.1]` adds up to 0.9999999999999999, and `0.07 · 100` is 7.000000000000001.
 */
const TOLERANCE = 1e-9;

/**
 * Splits `items` into parts after a seeded shuffle, in the order of `sizes`. Each size is a
 * fraction in (0, 1) of all `n` items or a count (an integer ≥ 1); the two may be mixed.
 *
 * - Sizes that account for every item (fractions adding up to 1, counts to `n`, or a mix
 *   adding up to `n` items) give exactly `sizes.length` parts: `[0.8, 0.2]` → `[train, test]`.
 * - Sizes that leave a remainder give `sizes.length + 1` parts, the last one the rest:
 *   `[0.2]` → `[test, rest]`.
 *
 * Rounding (so every item lands in exactly one part): a count is exact; a fraction takes
 * `ceil(f · n)` items (scikit-learn's rounding of `test_size`; a product within 1e-9 of an
 * integer counts as that integer); the part that takes the rest is the extra last part or,
 * when the sizes account for every item, the largest fraction (the last of equal ones). So
 * `[0.8, 0.2]` of 11 items gives 8 and 3, as `train_test_split(train_size=0.8, test_size=0.2)`
 * and Keras' `validation_split=0.2` do: the same sizes as `[0.2]`'s `[test, rest]`.
 * Every part has at least one item. With `shuffle: false` the parts are consecutive runs of
 * `items` in order (time series). With `stratify`, each part has the sizes above and, per
 * label, as nearly the whole's proportions as integers allow.
 *
 * @returns new arrays, one per size (plus the rest when the sizes leave one); `items` is not
 *   modified.
 * @throws DatasetsError `DATASETS_EMPTY_INPUT` for no items; `DATASETS_INVALID_OPTION` for
 *   sizes that are neither fractions in (0, 1) nor integers ≥ 1, that add up to more than all
 *   items (fractions beyond 1, counts beyond `n`), or that round to an empty part.
 * @example
 * const [train, test] = splitDataset(items, [0.8, 0.2], { seed: 42 });            // everything, two parts
 * const [train, validation, test] = splitDataset(items, [0.8, 0.1, 0.1], { seed: 42 });
 * const [test, rest] = splitDataset(items, [0.2], { seed: 42 });                  // a part and the rest
 * const [first, second, rest] = splitDataset(items, [100, 0.25], { seed: 42 });  // counts and fractions
 * const [past, future] = splitDataset(series, [0.9, 0.1], { seed: 0, shuffle: false });
 */
export function splitDataset<T>(
  items: readonly T[],
  sizes: readonly SplitSize[],
  options: SplitOptions<T>,
): T[][] {
  const merged = check.withDefaults('splitDataset', options, DEFAULT_SPLIT_OPTIONS, ['seed']);
  const n = checkItems('splitDataset', items);
  if (!Array.isArray(sizes)) {
    check.invalid(
      'splitDataset',
      'sizes',
      sizes,
      'must be an array of fractions or counts',
      'Pass e.g. [0.8, 0.2].',
    );
  }
  const names = sizes.map((_, k) => `sizes[${k}]`);
  return split('splitDataset', items, partCounts('splitDataset', sizes, names, n, 'any'), merged);
}

/**
 * The tutorials' three-way split: `validation` and `test` are fractions (or counts) of all
 * items, training gets the rest. `{ validation: 0.1, test: 1 / 3, seed: 42 }` is the
 * sentiment notebook's split; `{ test: 0.2, seed: 42 }` is scikit-learn's
 * `train_test_split(test_size=0.2)` with `validation: []`. Rounding as {@link splitDataset}:
 * `validation` and `test` round up, `train` takes the rest and must get at least one item.
 * @throws DatasetsError as {@link splitDataset}; `DATASETS_INVALID_OPTION` also when `test` is
 *   missing or `validation + test` leave nothing for `train`.
 * @example
 * const { train, validation, test } = trainValTestSplit(items, { validation: 0.1, test: 0.2, seed: 42 });
 * const { train, test } = trainValTestSplit(items, { test: 0.25, seed: 42 }); // validation: []
 */
export function trainValTestSplit<T>(
  items: readonly T[],
  options: TrainValTestSplitOptions<T>,
): { train: T[]; validation: T[]; test: T[] } {
  const where = 'trainValTestSplit';
  const merged = check.withDefaults(where, options, DEFAULT_TRAIN_VAL_TEST_SPLIT_OPTIONS, ['seed', 'test']);
  if (merged.test === undefined) {
    check.invalid(
      where,
      'test',
      undefined,
      'is required: a fraction in (0, 1), a count (an integer ≥ 1) or 0 for none',
      'Pass e.g. { test: 0.2, seed: 42 }, or { validation: 0.1, test: 0.2, seed: 42 }.',
    );
  }
  // 0 means "no such part": it is left out of the split and comes back as [].
  const held = (['validation', 'test'] as const).filter((name) => merged[name] !== 0);
  const n = checkItems(where, items);
  const counts = partCounts(
    where,
    held.map((name) => merged[name]),
    held,
    n,
    'rest',
  );
  const parts = split(where, items, counts, merged);
  const part = (name: 'validation' | 'test') => (held.includes(name) ? parts[held.indexOf(name)]! : []);
  return { train: parts.at(-1)!, validation: part('validation'), test: part('test') };
}

function checkItems(where: string, items: unknown): number {
  if (!Array.isArray(items) || items.length === 0) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      `${where}: nothing to split, got ${describeValue(items)}.`,
    );
  }
  return items.length;
}

/** Shuffles (unless told not to) and cuts `items` into parts of `counts`, which add up to all items. */
function split<T>(
  where: string,
  items: readonly T[],
  counts: readonly number[],
  merged: { seed?: unknown; shuffle: unknown; stratify: unknown },
): T[][] {
  const seed = check.integer(where, 'seed', merged.seed);
  const shuffle = check.boolean(where, 'shuffle', merged.shuffle);
  const stratify = merged.stratify as SplitOptions<T>['stratify'] | undefined;
  if (stratify !== undefined && typeof stratify !== 'function') {
    check.invalid(where, 'stratify', stratify, 'must be a function from an item to its label');
  }
  const random = new SeededRandom(seed);
  if (!stratify) {
    const order = items.slice();
    if (shuffle) random.shuffleInPlace(order);
    return cut(order, counts);
  }
  return stratifiedSplit(items, counts, stratify, shuffle ? random : null);
}

/**
 * The number of items of every returned part, in order (they add up to `n`). `mode: 'rest'`
 * always adds a last part with the rest (trainValTestSplit's `train`); `'any'` adds it only
 * when the sizes do not account for every item.
 */
function partCounts(
  where: string,
  sizes: readonly unknown[],
  names: readonly string[],
  n: number,
  mode: 'any' | 'rest',
): number[] {
  const isFraction = sizes.map((size, k) => checkSize(where, names[k]!, size));
  const shares = sizes.map((size, k) => (isFraction[k] ? (size as number) * n : (size as number)));
  const claimed = shares.reduce((a, b) => a + b, 0) / n; // share of all items the sizes ask for
  const label = mode === 'rest' ? names.join(' + ') : 'sizes';
  const given =
    mode === 'rest' ? sizes.map((size, k) => `${names[k]} ${describeValue(size)}`).join(', ') : sizes;
  if (claimed > 1 + TOLERANCE || (mode === 'rest' && claimed >= 1 - TOLERANCE)) {
    const rule =
      mode === 'rest'
        ? `must leave at least one of the ${n} items for train`
        : `must not add up to more than all ${n} items (fractions to at most 1, counts to at most ${n})`;
    check.invalid(
      where,
      label,
      given,
      `${rule}; they ask for ${formatItems(claimed * n)}`,
      mode === 'rest'
        ? 'Use smaller sizes: train gets what validation and test leave.'
        : `Pass sizes that add up to 1 (or ${n} items) to split every item into those parts, e.g. [0.8, 0.2], ` +
            'or fewer to get the rest as a last part, e.g. [0.2].',
    );
  }
  const counts = shares.map((share, k) => (isFraction[k] ? roundUp(share) : share));
  if (mode === 'any' && claimed >= 1 - TOLERANCE) {
    // Every item is accounted for: the largest fraction takes what the others leave.
    let taker = -1;
    for (let k = 0; k < sizes.length; k++) {
      if (isFraction[k] && (taker < 0 || shares[k]! >= shares[taker]!)) taker = k;
    }
    if (taker < 0) return counts; // counts only: they add up to n exactly
    const others = counts.reduce((a, b, k) => (k === taker ? a : a + b), 0);
    if (others >= n) {
      check.invalid(
        where,
        names[taker]!,
        sizes[taker],
        `must get at least one item, but the other parts, rounded up (ceil(f · n)), take ${others} items and there are ${n}`,
        'Use fewer or larger parts, or give them as counts.',
      );
    }
    counts[taker] = n - others;
    return counts;
  }
  const taken = counts.reduce((a, b) => a + b, 0);
  if (taken >= n) {
    check.invalid(
      where,
      label,
      given,
      `must leave at least one of the ${n} items for ${mode === 'rest' ? 'train' : 'the last part'}: ` +
        `fractions round up (ceil(f · n)), so these take ${taken}`,
      'Use smaller sizes, or sizes that add up to exactly 1 to split every item into those parts.',
    );
  }
  return [...counts, n - taken];
}

/** Whether a valid size is a fraction (else a count); throws for anything else. */
function checkSize(where: string, name: string, size: unknown): boolean {
  if (typeof size === 'number' && size > 0 && size < 1) return true;
  if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 1) return false;
  return check.invalid(where, name, size, 'must be a fraction in (0, 1) or a count (an integer ≥ 1)');
}

/** `ceil`, except that a product a float error away from an integer is that integer. */
function roundUp(share: number): number {
  const nearest = Math.round(share);
  return Math.abs(share - nearest) <= TOLERANCE * Math.max(1, share) ? nearest : Math.ceil(share);
}

function formatItems(count: number): string {
  const rounded = Math.round(count * 1000) / 1000;
  return `${rounded} item${rounded === 1 ? '' : 's'}`;
}

function cut<T>(ordered: readonly T[], counts: readonly number[]): T[][] {
  const parts: T[][] = [];
  let start = 0;
  for (const count of counts) {
    parts.push(ordered.slice(start, start + count));
    start += count;
  }
  return parts;
}

/**
 * Allocates each part's count across labels by largest remainder of the label's share, capped
 * by what is left of each label, so the part sizes are exact and every label is split in the
 * whole's proportions as nearly as integers allow. The last part takes what is left.
 */
function stratifiedSplit<T>(
  items: readonly T[],
  counts: readonly number[],
  labelOf: (item: T) => string | number,
  random: SeededRandom | null,
): T[][] {
  const groups = new Map<string | number, T[]>();
  for (const item of items) {
    const label = labelOf(item);
    let group = groups.get(label);
    if (!group) {
      group = [];
      groups.set(label, group);
    }
    group.push(item);
  }
  const labels = [...groups.keys()];
  if (random) for (const label of labels) random.shuffleInPlace(groups.get(label)!);
  const taken = labels.map(() => 0);
  const parts: T[][] = counts.map(() => []);
  for (let part = 0; part < counts.length - 1; part++) {
    const count = counts[part]!;
    const left = labels.map((label, j) => groups.get(label)!.length - taken[j]!);
    const exact = labels.map((label) => (count * groups.get(label)!.length) / items.length);
    const allotted = exact.map((share, j) => Math.min(Math.floor(share), left[j]!));
    let missing = count - allotted.reduce((a, b) => a + b, 0);
    // Largest remainder first; repeat while capped labels leave items unallotted.
    const order = labels
      .map((_, j) => j)
      .sort((a, b) => exact[b]! - allotted[b]! - (exact[a]! - allotted[a]!));
    while (missing > 0) {
      for (const j of order) {
        if (missing === 0) break;
        if (allotted[j]! < left[j]!) {
          allotted[j]!++;
          missing--;
        }
      }
    }
    labels.forEach((label, j) => {
      parts[part]!.push(...groups.get(label)!.slice(taken[j], taken[j]! + allotted[j]!));
      taken[j]! += allotted[j]!;
    });
  }
  parts[counts.length - 1] = labels.flatMap((label, j) => groups.get(label)!.slice(taken[j]));
  if (random) for (const part of parts) random.shuffleInPlace(part);
  return parts;
}
