import { check, fail, sameLength, sampleWeights } from './validate.js';

/**
 * A class label: an integer (`0`, `1`, `-1`, …) or a string (`'NOUN'`). Labels of one problem are
 * all numbers or all strings, as in scikit-learn (which rejects a mix).
 */
export type Label = number | string;

/** Plain sequences the classification functions read: arrays or typed arrays. */
export type LabelArray = ArrayLike<Label>;

/**
 * Sorts labels as scikit-learn's `unique_labels` does: numbers ascending, strings by Unicode
 * code point (Python's `str` order).
 * @throws MetricsError `METRICS_INVALID_LABEL` when numbers and strings are mixed or a label is
 *   fractional, `METRICS_NON_FINITE` for NaN/Infinity, `METRICS_INVALID_INPUT` for a non-iterable.
 * @example
 * sortLabels([10, 2, -1]); // [-1, 2, 10]
 * sortLabels(['b', 'B', 'é', 'a']); // ['B', 'a', 'b', 'é']
 */
export function sortLabels(labels: Iterable<Label>): Label[] {
  if (labels === null || typeof labels !== 'object' || !(Symbol.iterator in labels)) {
    fail(
      'METRICS_INVALID_INPUT',
      'sortLabels',
      'labels',
      labels,
      'must be an array (or other iterable) of class labels',
    );
  }
  const sorted = [...labels];
  for (const [i, label] of sorted.entries()) checkLabel(label, 'sortLabels', `labels[${i}]`);
  checkLabelKinds(sorted, 'sortLabels');
  return sorted.sort(compareLabels);
}

/** Numbers ascending, strings by code point (not UTF-16 unit, so astral characters sort as in Python). */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  let i = 0;
  let j = 0;
  while (i < sa.length && j < sb.length) {
    const ca = sa.codePointAt(i)!;
    const cb = sb.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return sa.length - i - (sb.length - j);
}

function checkLabelKinds(labels: readonly Label[], what: string): void {
  const kinds = new Set(labels.map((label) => typeof label));
  if (kinds.size > 1) {
    const examples = [labels.find((l) => typeof l === 'number'), labels.find((l) => typeof l === 'string')];
    fail(
      'METRICS_INVALID_LABEL',
      what,
      'labels',
      examples,
      'must not mix numbers and strings',
      'Use one kind of label for all classes.',
    );
  }
}

/**
 * Throws unless `label` is an integer or a string.
 * @throws MetricsError `METRICS_NON_FINITE` for NaN/±Infinity; `METRICS_INVALID_LABEL` for other values.
 */
export function checkLabel(label: unknown, where: string, name: string): asserts label is Label {
  if (typeof label === 'string') return;
  if (typeof label === 'number') {
    if (!Number.isFinite(label)) {
      fail(
        'METRICS_NON_FINITE',
        where,
        name,
        label,
        'must be a finite integer or a string',
        'Check the predictions for NaN.',
      );
    }
    if (Number.isInteger(label)) return;
  }
  fail(
    'METRICS_INVALID_LABEL',
    where,
    name,
    label,
    'must be an integer or a string class label',
    'A fractional number looks like a probability or a regression value: take the argmax or threshold it first.',
  );
}

/** Cell keys pack (true index, predicted index) into one safe integer. */
const INDEX_LIMIT = 2 ** 26;

/**
 * The (weighted) contingency table of (true label, predicted label) pairs: every classification
 * metric here is a function of it. Built incrementally by {@link PairCounts.add}, so one-shot
 * functions and streaming accumulators share one code path.
 */
export class PairCounts {
  /** Labels in first-seen order (interned). */
  readonly seen: Label[] = [];
  private readonly index = new Map<Label, number>();
  /** key = trueIndex · 2^26 + predIndex → summed weight. */
  private readonly cells = new Map<number, number>();
  /** Number of samples added. */
  samples = 0;
  /** Summed weight (equals `samples` without weights). */
  totalWeight = 0;
  /** Whether any batch carried sample weights (supports then print as floats, like sklearn). */
  weighted = false;
  /**
   * Per interned label: summed weight as true label, as prediction, and of correct predictions,
   * added sample by sample like numpy's `bincount` (so weighted supports equal sklearn's bit for bit).
   */
  private readonly trueWeight: number[] = [];
  private readonly predWeight: number[] = [];
  private readonly tpWeight: number[] = [];

  /**
   * Adds one batch.
   * @throws MetricsError `METRICS_LENGTH_MISMATCH`, `METRICS_NON_FINITE`, `METRICS_INVALID_LABEL`,
   *   `METRICS_INVALID_OPTION` (negative weight). Nothing is added when it throws.
   */
  add(yTrue: LabelArray, yPred: LabelArray, sampleWeight: ArrayLike<number> | undefined, fn: string): void {
    for (const [name, labels] of [
      ['yTrue', yTrue],
      ['yPred', yPred],
    ] as const) {
      if (labels === null || labels === undefined || typeof labels.length !== 'number') {
        check.invalid(fn, name, labels, 'must be an array of labels');
      }
    }
    sameLength(fn, yTrue, yPred);
    for (let i = 0; i < yTrue.length; i++) {
      checkLabel(yTrue[i], fn, `yTrue[${i}]`);
      checkLabel(yPred[i], fn, `yPred[${i}]`);
    }
    if (sampleWeight !== undefined) sampleWeights(fn, sampleWeight, yTrue.length);
    const kinds = new Set<string>(this.seen.length > 0 ? [typeof this.seen[0]] : []);
    for (let i = 0; i < yTrue.length; i++) kinds.add(typeof yTrue[i]).add(typeof yPred[i]);
    if (kinds.size > 1) {
      fail(
        'METRICS_INVALID_LABEL',
        fn,
        'labels',
        [...kinds],
        `must not mix numbers and strings${this.seen.length > 0 ? ' (counting earlier batches)' : ''}`,
        'Use one kind of label for all classes.',
      );
    }
    for (let i = 0; i < yTrue.length; i++) {
      const ti = this.intern(yTrue[i]!);
      const pi = this.intern(yPred[i]!);
      const key = ti * INDEX_LIMIT + pi;
      const w = sampleWeight === undefined ? 1 : sampleWeight[i]!;
      this.cells.set(key, (this.cells.get(key) ?? 0) + w);
      this.trueWeight[ti]! += w;
      this.predWeight[pi]! += w;
      if (ti === pi) this.tpWeight[ti]! += w;
      this.totalWeight += w;
    }
    this.samples += yTrue.length;
    if (sampleWeight !== undefined) this.weighted = true;
  }

  private intern(label: Label): number {
    let i = this.index.get(label);
    if (i === undefined) {
      i = this.seen.length;
      if (i >= INDEX_LIMIT) {
        fail('METRICS_INVALID_LABEL', 'labels', 'count', i + 1, `must be at most ${INDEX_LIMIT}`);
      }
      this.seen.push(label);
      this.index.set(label, i);
      this.trueWeight.push(0);
      this.predWeight.push(0);
      this.tpWeight.push(0);
    }
    return i;
  }

  /** Labels present in yTrue (`'true'`), yPred (`'pred'`) or either, sorted like sklearn. */
  present(which: 'true' | 'pred' | 'any' = 'any'): Label[] {
    if (which === 'any') return [...this.seen].sort(compareLabels);
    const found = new Set<number>();
    for (const key of this.cells.keys()) {
      found.add(which === 'true' ? Math.floor(key / INDEX_LIMIT) : key % INDEX_LIMIT);
    }
    return [...found].map((i) => this.seen[i]!).sort(compareLabels);
  }

  /** Calls `fn(trueLabel, predLabel, weight)` for every non-empty cell. */
  forEach(fn: (trueLabel: Label, predLabel: Label, weight: number) => void): void {
    for (const [key, weight] of this.cells) {
      fn(this.seen[Math.floor(key / INDEX_LIMIT)]!, this.seen[key % INDEX_LIMIT]!, weight);
    }
  }

  /** Summed weight of correctly classified samples. */
  correct(): number {
    let sum = 0;
    for (const [key, weight] of this.cells) {
      if (Math.floor(key / INDEX_LIMIT) === key % INDEX_LIMIT) sum += weight;
    }
    return sum;
  }

  /**
   * Per-label true positives, predicted and true totals for `labels` (labels absent from the data
   * get zeros) — scikit-learn's `multilabel_confusion_matrix` sums.
   */
  perLabel(labels: readonly Label[]): { tp: number[]; predSum: number[]; trueSum: number[] } {
    const at = (sums: readonly number[]) =>
      labels.map((label) => {
        const i = this.index.get(label);
        return i === undefined ? 0 : sums[i]!;
      });
    return { tp: at(this.tpWeight), predSum: at(this.predWeight), trueSum: at(this.trueWeight) };
  }
}

/**
 * numpy's pairwise summation of float64 arrays (`np.sum`, `np.mean`, `np.average`): sequential
 * below 8 values, eight interleaved partial sums up to 128, halves beyond — so sums of weights
 * equal scikit-learn's to the last bit.
 */
export function pairwiseSum(values: readonly number[], start = 0, n = values.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = start; i < start + n; i++) res += values[i]!;
    return res;
  }
  if (n <= 128) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += values[start + i + j]!;
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += values[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(values, start, n2) + pairwiseSum(values, start + n2, n - n2);
}

/**
 * Validates a user `labels` option: non-empty, no duplicates, every entry an integer or string of
 * one kind.
 * @throws MetricsError `METRICS_INVALID_OPTION` or `METRICS_INVALID_LABEL`.
 */
export function checkLabelsOption(labels: readonly Label[], fn: string): void {
  if (!Array.isArray(labels) || labels.length === 0) {
    check.invalid(
      fn,
      'labels',
      labels,
      'must be a non-empty array of class labels',
      'Leave it out to use every label found in yTrue and yPred.',
    );
  }
  for (const [i, label] of labels.entries()) checkLabel(label, fn, `labels[${i}]`);
  checkLabelKinds(labels, fn);
  if (new Set(labels).size !== labels.length) {
    check.invalid(fn, 'labels', labels, 'must list each class once');
  }
}

/** Throws `METRICS_EMPTY_INPUT` when no sample was added. */
export function checkNotEmpty(counts: PairCounts, fn: string): void {
  if (counts.samples === 0) {
    fail(
      'METRICS_EMPTY_INPUT',
      fn,
      'yTrue',
      [],
      'must hold at least one sample',
      'Pass at least one label pair.',
    );
  }
}

/** Builds a table from one batch. */
export function countPairs(
  yTrue: LabelArray,
  yPred: LabelArray,
  sampleWeight: ArrayLike<number> | undefined,
  fn: string,
): PairCounts {
  const counts = new PairCounts();
  counts.add(yTrue, yPred, sampleWeight, fn);
  checkNotEmpty(counts, fn);
  return counts;
}
