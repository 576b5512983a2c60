import { describeValue, SeededRandom } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import { check } from './validate.js';

/** A part's size: a fraction of all items in (0, 1), or a count of items (an integer ≥ 1). */
export type SplitSize = number;

/** Options of {@link splitDataset} and {@link trainValTestSplit}. */
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

/** The documented defaults of the optional {@link SplitOptions} fields. */
export const DEFAULT_SPLIT_OPTIONS: Readonly<{ shuffle: boolean; stratify: undefined }> = Object.freeze({
  shuffle: true,
  stratify: undefined,
});

/**
 * Splits `items` into parts of the given sizes plus a remainder (the last part), after a
 * seeded shuffle. Each size is a fraction in (0, 1) of all `n` items, taking `ceil(f · n)` of
 * them (scikit-learn's `train_test_split` rounding for the test part), or a count (an
 * integer ≥ 1); fractions and counts may be mixed. The parts must leave at least one item for
 * the remainder.
 *
 * @returns `sizes.length + 1` new arrays; `items` is not modified.
 * @throws DatasetsError `DATASETS_EMPTY_INPUT` for no items, `DATASETS_INVALID_OPTION` for
 *   sizes that are neither fractions in (0, 1) nor positive integers, or that leave the
 *   remainder empty.
 * @example
 * const [test, rest] = splitDataset(sentences, [1 / 3], { seed: 42 });
 */
export function splitDataset<T>(
  items: readonly T[],
  sizes: readonly SplitSize[],
  options: SplitOptions<T>,
): T[][] {
  return split('splitDataset', items, sizes, options, ['seed']);
}

function split<T>(
  where: string,
  items: readonly T[],
  sizes: readonly SplitSize[],
  options: SplitOptions<T>,
  required: readonly string[],
  names: readonly string[] = [],
): T[][] {
  const merged = check.withDefaults(where, options, DEFAULT_SPLIT_OPTIONS, required);
  if (!Array.isArray(items) || items.length === 0) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      `${where}: nothing to split, got ${describeValue(items)}.`,
    );
  }
  const seed = check.integer(where, 'seed', merged.seed);
  const shuffle = check.boolean(where, 'shuffle', merged.shuffle);
  const stratify = merged.stratify as SplitOptions<T>['stratify'] | undefined;
  if (stratify !== undefined && typeof stratify !== 'function') {
    check.invalid(where, 'stratify', stratify, 'must be a function from an item to its label');
  }
  if (!Array.isArray(sizes)) check.invalid(where, 'sizes', sizes, 'must be an array of fractions or counts');
  const counts = sizes.map((size, k) => partCount(where, names[k] ?? `sizes[${k}]`, size, items.length));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total >= items.length) {
    check.invalid(
      where,
      'sizes',
      sizes,
      `must leave at least one of the ${items.length} items for the remainder (the parts take ${total})`,
      'Use smaller sizes.',
    );
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
 * The tutorials' three-way split: `validation` and `test` are fractions (or counts) of all
 * items, training gets the rest. `{ validation: 0.1, test: 1 / 3, seed: 42 }` is the
 * sentiment notebook's split.
 * @throws DatasetsError as {@link splitDataset}.
 */
export function trainValTestSplit<T>(
  items: readonly T[],
  options: SplitOptions<T> & { readonly validation: SplitSize; readonly test: SplitSize },
): { train: T[]; validation: T[]; test: T[] } {
  const { validation, test, ...rest } = options ?? ({} as typeof options);
  if (options === null || typeof options !== 'object') {
    check.invalid(
      'trainValTestSplit',
      'options',
      options,
      'must be an options object',
      'Pass e.g. { validation: 0.1, test: 0.2, seed: 42 }.',
    );
  }
  for (const [name, size] of [
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (size === undefined) {
      check.invalid(
        'trainValTestSplit',
        name,
        size,
        'is required: a fraction in (0, 1) or a count (an integer ≥ 1)',
        'Pass e.g. { validation: 0.1, test: 0.2, seed: 42 }.',
      );
    }
  }
  const [validationPart, testPart, train] = split(
    'trainValTestSplit',
    items,
    [validation, test],
    rest,
    ['seed', 'validation', 'test'],
    ['validation', 'test'],
  );
  return { train: train!, validation: validationPart!, test: testPart! };
}

function partCount(where: string, name: string, size: unknown, total: number): number {
  if (typeof size === 'number' && size > 0 && size < 1) return Math.ceil(size * total);
  if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 1) return size;
  return check.invalid(where, name, size, 'must be a fraction in (0, 1) or a count (an integer ≥ 1)');
}

function cut<T>(ordered: readonly T[], counts: readonly number[]): T[][] {
  const parts: T[][] = [];
  let start = 0;
  for (const count of counts) {
    parts.push(ordered.slice(start, start + count));
    start += count;
  }
  parts.push(ordered.slice(start));
  return parts;
}

/**
 * Allocates each part's count across labels by largest remainder, so every label is split
 * in the whole's proportions and the part sizes are exact.
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
  for (const label of labels) if (random) random.shuffleInPlace(groups.get(label)!);
  const parts: T[][] = counts.map(() => []);
  const taken = new Map(labels.map((label) => [label, 0]));
  counts.forEach((count, part) => {
    // Largest-remainder apportionment of `count` over labels by group size.
    const quotas = labels.map((label) => ({
      label,
      exact: (count * groups.get(label)!.length) / items.length,
    }));
    const allotted = new Map(quotas.map(({ label, exact }) => [label, Math.floor(exact)]));
    let missing = count - [...allotted.values()].reduce((a, b) => a + b, 0);
    const byRemainder = [...quotas].sort(
      (a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)),
    );
    for (const { label } of byRemainder) {
      if (missing === 0) break;
      const available = groups.get(label)!.length - taken.get(label)! - allotted.get(label)!;
      if (available > 0) {
        allotted.set(label, allotted.get(label)! + 1);
        missing--;
      }
    }
    for (const label of labels) {
      const group = groups.get(label)!;
      const from = taken.get(label)!;
      const amount = Math.min(allotted.get(label)!, group.length - from);
      parts[part]!.push(...group.slice(from, from + amount));
      taken.set(label, from + amount);
    }
  });
  const remainder = labels.flatMap((label) => groups.get(label)!.slice(taken.get(label)!));
  const all = [...parts, remainder];
  if (random) for (const part of all) random.shuffleInPlace(part);
  return all;
}
