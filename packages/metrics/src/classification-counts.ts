import { MetricsError } from './errors.js';

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
 * @throws MetricsError `METRICS_INVALID_LABEL` when numbers and strings are mixed.
 * @example
 * sortLabels([10, 2, -1]); // [-1, 2, 10]
 * sortLabels(['b', 'B', 'é', 'a']); // ['B', 'a', 'b', 'é']
 */
export function sortLabels(labels: Iterable<Label>): Label[] {
  const sorted = [...labels];
  checkLabelKinds(sorted, 'labels');
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
  let kind: string | undefined;
  for (const label of labels) {
    const k = typeof label;
    if (kind === undefined) kind = k;
    else if (k !== kind) {
      throw new MetricsError(
        'METRICS_INVALID_LABEL',
        `${what} mix numbers and strings (${JSON.stringify(labels.find((l) => typeof l === 'number'))} and ` +
          `${JSON.stringify(labels.find((l) => typeof l === 'string'))}); use one kind of label for all classes.`,
      );
    }
  }
}

/**
 * Throws unless `label` is an integer or a string.
 * @throws MetricsError `METRICS_NON_FINITE` for NaN/±Infinity; `METRICS_INVALID_LABEL` for other values.
 */
export function checkLabel(label: unknown, where: string): asserts label is Label {
  if (typeof label === 'string') return;
  if (typeof label === 'number') {
    if (!Number.isFinite(label)) {
      throw new MetricsError(
        'METRICS_NON_FINITE',
        `${where} is ${label}; class labels must be finite integers or strings (check the predictions for NaN).`,
      );
    }
    if (Number.isInteger(label)) return;
  }
  throw new MetricsError(
    'METRICS_INVALID_LABEL',
    `${where} is ${typeof label === 'number' ? label : (JSON.stringify(label) ?? String(label))}; class labels must be ` +
      'integers or strings (a fractional number looks like a probability or a regression value: ' +
      'take the argmax or threshold it first).',
  );
}

/** Throws `METRICS_NON_FINITE` / `METRICS_INVALID_OPTION` unless every weight is finite and ≥ 0. */
export function checkSampleWeight(weights: ArrayLike<number>, length: number, fn: string): void {
  if (weights.length !== length) {
    throw new MetricsError(
      'METRICS_LENGTH_MISMATCH',
      `${fn}: sampleWeight has ${weights.length} values but there are ${length} samples; pass one weight per sample.`,
    );
  }
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new MetricsError(
        'METRICS_NON_FINITE',
        `${fn}: sampleWeight[${i}] is ${String(w)}; weights must be finite numbers.`,
      );
    }
    if (w < 0) {
      throw new MetricsError(
        'METRICS_INVALID_OPTION',
        `${fn}: sampleWeight[${i}] is ${w}; weights must be ≥ 0.`,
      );
    }
  }
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
    if (yTrue === null || yTrue === undefined || yPred === null || yPred === undefined) {
      throw new MetricsError(
        'METRICS_INVALID_OPTION',
        `${fn}: yTrue and yPred must be arrays of labels, received ${String(yTrue)} and ${String(yPred)}.`,
      );
    }
    if (yTrue.length !== yPred.length) {
      throw new MetricsError(
        'METRICS_LENGTH_MISMATCH',
        `${fn}: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; pass one prediction per sample.`,
      );
    }
    for (let i = 0; i < yTrue.length; i++) {
      checkLabel(yTrue[i], `${fn}: yTrue[${i}]`);
      checkLabel(yPred[i], `${fn}: yPred[${i}]`);
    }
    if (sampleWeight !== undefined) checkSampleWeight(sampleWeight, yTrue.length, fn);
    const kinds = new Set<string>(this.seen.length > 0 ? [typeof this.seen[0]] : []);
    for (let i = 0; i < yTrue.length; i++) kinds.add(typeof yTrue[i]).add(typeof yPred[i]);
    if (kinds.size > 1) {
      throw new MetricsError(
        'METRICS_INVALID_LABEL',
        `${fn}: labels mix numbers and strings${this.seen.length > 0 ? ' (counting earlier batches)' : ''}; ` +
          'use one kind of label for all classes.',
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
        throw new MetricsError('METRICS_INVALID_LABEL', `More than ${INDEX_LIMIT} distinct labels.`);
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
    if (which === 'any') return sortLabels(this.seen);
    const found = new Set<number>();
    for (const key of this.cells.keys()) {
      found.add(which === 'true' ? Math.floor(key / INDEX_LIMIT) : key % INDEX_LIMIT);
    }
    return sortLabels([...found].map((i) => this.seen[i]!));
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
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `${fn}: labels must be a non-empty array of class labels, received ${JSON.stringify(labels)}; ` +
        'leave it out to use every label found in yTrue and yPred.',
    );
  }
  for (const [i, label] of labels.entries()) checkLabel(label, `${fn}: labels[${i}]`);
  checkLabelKinds(labels, `${fn}: labels`);
  if (new Set(labels).size !== labels.length) {
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `${fn}: labels ${JSON.stringify(labels)} lists a label twice; list each class once.`,
    );
  }
}

/** Throws `METRICS_EMPTY_INPUT` when no sample was added. */
export function checkNotEmpty(counts: PairCounts, fn: string): void {
  if (counts.samples === 0) {
    throw new MetricsError(
      'METRICS_EMPTY_INPUT',
      `${fn}: there are no samples (yTrue and yPred are empty); pass at least one label pair.`,
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
