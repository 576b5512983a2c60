import {
  checkLabelsOption,
  checkNotEmpty,
  countPairs,
  type Label,
  type LabelArray,
  type PairCounts,
} from './classification-counts.js';
import { check, fail } from './validate.js';

/** How {@link confusionMatrix} normalizes counts (scikit-learn's `normalize`). */
export type ConfusionMatrixNormalize = 'true' | 'pred' | 'all' | 'none';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /**
   * Classes, in the order of the rows and columns. Samples whose true or predicted label is not
   * listed are left out; at least one listed label must occur in `yTrue`.
   * @default every label in yTrue or yPred, sorted (numbers ascending, strings by code point)
   */
  readonly labels?: readonly Label[];
  /**
   * `'true'`: each row sums to 1 (recall on the diagonal); `'pred'`: each column sums to 1
   * (precision on the diagonal); `'all'`: the whole matrix sums to 1; `'none'`: counts. An empty
   * row or column stays 0 (sklearn's `nan_to_num`).
   * @default 'none'
   */
  readonly normalize?: ConfusionMatrixNormalize;
  /**
   * One non-negative weight per sample; cells then hold summed weights.
   * @default undefined (every sample counts 1)
   */
  readonly sampleWeight?: ArrayLike<number>;
}

/** The documented defaults of {@link ConfusionMatrixOptions}. */
export const DEFAULT_CONFUSION_MATRIX_OPTIONS: Readonly<
  Required<Pick<ConfusionMatrixOptions, 'normalize'>> &
    Pick<ConfusionMatrixOptions, 'labels' | 'sampleWeight'>
> = Object.freeze({ labels: undefined, normalize: 'none', sampleWeight: undefined });

/** A confusion matrix with its class labels: `matrix[i][j]` counts true `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrix {
  readonly labels: Label[];
  /** Rows are true classes, columns predicted classes (scikit-learn's layout). */
  readonly matrix: number[][];
}

/**
 * The most cells (classes²) {@link confusionMatrix} builds: 2.5·10⁷, a 5000-class matrix of about
 * 200 MB of numbers. Beyond it, it fails up front with `METRICS_INVALID_INPUT` instead of running
 * out of memory (a million distinct labels would ask for 10¹² cells).
 */
export const MAX_CONFUSION_MATRIX_CELLS = 25_000_000;

const NORMALIZE_MODES: readonly ConfusionMatrixNormalize[] = ['true', 'pred', 'all', 'none'];

/** Validates options and fills in the defaults (internal). */
export function resolveConfusionMatrixOptions(
  options: ConfusionMatrixOptions = {},
  fn = 'confusionMatrix',
  known: readonly string[] = Object.keys(DEFAULT_CONFUSION_MATRIX_OPTIONS),
): typeof DEFAULT_CONFUSION_MATRIX_OPTIONS {
  const given = check.options(fn, options, known);
  const normalize = check.oneOf(
    fn,
    'normalize',
    given.normalize ?? DEFAULT_CONFUSION_MATRIX_OPTIONS.normalize,
    NORMALIZE_MODES,
  );
  if (given.labels !== undefined) checkLabelsOption(given.labels, fn);
  return { labels: given.labels, normalize, sampleWeight: given.sampleWeight };
}

/**
 * The confusion matrix, equal to scikit-learn 1.2's `confusion_matrix(y_true, y_pred, labels=…,
 * sample_weight=…, normalize=…)`, returned with its labels.
 *
 * @param yTrue true class labels (integers or strings).
 * @param yPred predicted class labels, one per sample.
 * @throws MetricsError `METRICS_LENGTH_MISMATCH` (yTrue/yPred/sampleWeight lengths differ),
 *   `METRICS_EMPTY_INPUT` (no samples), `METRICS_NON_FINITE` (a NaN label or weight),
 *   `METRICS_INVALID_LABEL` (a fractional label, numbers mixed with strings),
 *   `METRICS_INVALID_OPTION` (unknown `normalize`, empty or duplicate `labels`, no listed label in yTrue),
 *   `METRICS_INVALID_INPUT` (more than {@link MAX_CONFUSION_MATRIX_CELLS} cells, classes²).
 * @example
 * confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
 * // { labels: [0, 1, 2], matrix: [[2, 0, 0], [0, 0, 1], [1, 0, 2]] }
 */
export function confusionMatrix(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ConfusionMatrixOptions = {},
): ConfusionMatrix {
  const resolved = resolveConfusionMatrixOptions(options);
  return confusionMatrixFromCounts(
    countPairs(yTrue, yPred, resolved.sampleWeight, 'confusionMatrix'),
    resolved,
  );
}

/** {@link confusionMatrix} of a contingency table (shared with the accumulator), for resolved options. */
export function confusionMatrixFromCounts(
  counts: PairCounts,
  resolved: typeof DEFAULT_CONFUSION_MATRIX_OPTIONS,
  fn = 'confusionMatrix',
): ConfusionMatrix {
  const { labels: given, normalize } = resolved;
  checkNotEmpty(counts, fn);
  const labels = given === undefined ? counts.present() : [...given];
  if (given !== undefined) {
    const inTrue = new Set(counts.present('true'));
    if (!labels.some((label) => inTrue.has(label))) {
      check.invalid(
        fn,
        'labels',
        labels,
        'must include at least one class that occurs in yTrue',
        'List at least one true class (scikit-learn raises the same error).',
      );
    }
  }
  if (labels.length * labels.length > MAX_CONFUSION_MATRIX_CELLS) {
    fail(
      'METRICS_INVALID_INPUT',
      fn,
      'the number of classes',
      labels.length,
      `gives ${labels.length}² = ${labels.length * labels.length} cells, more than the limit of ${MAX_CONFUSION_MATRIX_CELLS} (MAX_CONFUSION_MATRIX_CELLS)`,
      'Pass labels: [...] with the classes you want to see, or use classificationReport, whose size grows with the classes, not their square.',
    );
  }
  const position = new Map<Label, number>(labels.map((label, i) => [label, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  counts.forEach((t, p, w) => {
    const i = position.get(t);
    const j = position.get(p);
    if (i !== undefined && j !== undefined) matrix[i]![j]! += w;
  });
  return { labels, matrix: normalizeMatrix(matrix, normalize) };
}

/**
 * Throws unless `matrix` is a non-empty square array of finite counts ≥ 0.
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` (not square, empty, not arrays), `METRICS_NON_FINITE`
 *   (NaN or infinite cell), `METRICS_INVALID_INPUT` (negative cell).
 */
export function checkCountMatrix(
  fn: string,
  matrix: unknown,
): asserts matrix is readonly (readonly number[])[] {
  const n = Array.isArray(matrix) ? matrix.length : 0;
  if (n === 0 || (matrix as unknown[]).some((row) => !Array.isArray(row) || row.length !== n)) {
    fail(
      'METRICS_SHAPE_MISMATCH',
      fn,
      'matrix',
      matrix,
      'must be square and non-empty (n rows of n counts)',
      'Pass confusionMatrix(yTrue, yPred) or its .matrix.',
    );
  }
  for (const [i, row] of (matrix as number[][]).entries()) {
    for (let j = 0; j < n; j++) {
      const value = row[j];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail('METRICS_NON_FINITE', fn, `matrix[${i}][${j}]`, value, 'must be a finite count ≥ 0');
      }
      if (value < 0) fail('METRICS_INVALID_INPUT', fn, `matrix[${i}][${j}]`, value, 'must be a count ≥ 0');
    }
  }
}

/**
 * Normalizes a square count matrix like sklearn (`0/0` → 0).
 * @throws MetricsError `METRICS_INVALID_OPTION` for an unknown `normalize`; as {@link checkCountMatrix}
 *   for a matrix that is not square, empty, or holds NaN, infinite or negative cells.
 * @example normalizeMatrix([[1, 1], [0, 0]], 'true'); // [[0.5, 0.5], [0, 0]]
 */
export function normalizeMatrix(
  matrix: readonly (readonly number[])[],
  normalize: ConfusionMatrixNormalize,
): number[][] {
  check.oneOf('normalizeMatrix', 'normalize', normalize, NORMALIZE_MODES);
  checkCountMatrix('normalizeMatrix', matrix);
  const safe = (x: number, d: number) => (d === 0 ? 0 : x / d);
  if (normalize === 'true') {
    return matrix.map((row) => {
      const total = row.reduce((a, b) => a + b, 0);
      return row.map((x) => safe(x, total));
    });
  }
  if (normalize === 'pred') {
    const totals = matrix[0]!.map((_, j) => matrix.reduce((a, row) => a + row[j]!, 0));
    return matrix.map((row) => row.map((x, j) => safe(x, totals[j]!)));
  }
  if (normalize === 'all') {
    const total = matrix.reduce((a, row) => a + row.reduce((b, x) => b + x, 0), 0);
    return matrix.map((row) => row.map((x) => safe(x, total)));
  }
  return matrix.map((row) => [...row]);
}
