import { describeValue } from '@rnnkit/core';
import {
  checkLabelsOption,
  checkNotEmpty,
  countPairs,
  type Label,
  type LabelArray,
  type PairCounts,
  pairwiseSum,
} from './classification-counts.js';
import { check, optionalFunction } from './validate.js';

/** Options of {@link accuracyScore}. */
export interface AccuracyScoreOptions {
  /**
   * `true`: the fraction (weighted mean) of correct predictions; `false`: their count (summed weight).
   * @default true
   */
  readonly normalize?: boolean;
  /**
   * One non-negative weight per sample.
   * @default undefined (every sample counts 1)
   */
  readonly sampleWeight?: ArrayLike<number>;
}

/** The documented defaults of {@link AccuracyScoreOptions}. */
export const DEFAULT_ACCURACY_SCORE_OPTIONS = Object.freeze({
  normalize: true,
  sampleWeight: undefined,
} as const satisfies AccuracyScoreOptions);

/** Validates options and fills in the defaults (internal: not exported from the package). */
export function resolveAccuracyScoreOptions(
  options: AccuracyScoreOptions = {},
  fn = 'accuracyScore',
  known: readonly string[] = Object.keys(DEFAULT_ACCURACY_SCORE_OPTIONS),
): {
  normalize: boolean;
  sampleWeight: ArrayLike<number> | undefined;
} {
  const given = check.options(fn, options, known);
  const normalize = check.boolean(
    fn,
    'normalize',
    given.normalize ?? DEFAULT_ACCURACY_SCORE_OPTIONS.normalize,
  );
  return { normalize, sampleWeight: given.sampleWeight };
}

/**
 * Fraction of correct predictions, equal to scikit-learn 1.2's `accuracy_score` (or the count of
 * correct predictions with `normalize: false`).
 *
 * @throws MetricsError `METRICS_LENGTH_MISMATCH`, `METRICS_EMPTY_INPUT`, `METRICS_NON_FINITE`
 *   (NaN label or weight), `METRICS_INVALID_LABEL`, `METRICS_INVALID_OPTION`.
 * @example
 * accuracyScore([0, 1, 2, 3], [0, 2, 1, 3]); // 0.5
 * accuracyScore([0, 1, 2, 3], [0, 2, 1, 3], { normalize: false }); // 2
 */
export function accuracyScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: AccuracyScoreOptions = {},
): number {
  const { normalize, sampleWeight } = resolveAccuracyScoreOptions(options);
  return accuracyFromCounts(countPairs(yTrue, yPred, sampleWeight, 'accuracyScore'), normalize);
}

/** {@link accuracyScore} of a contingency table. */
export function accuracyFromCounts(counts: PairCounts, normalize = true): number {
  checkNotEmpty(counts, 'accuracyScore');
  const correct = counts.correct();
  if (!normalize) return correct;
  if (counts.totalWeight === 0) {
    check.invalid(
      'accuracyScore',
      'sampleWeight',
      0,
      'must not sum to zero (the weighted mean is undefined)',
      'Give some sample a positive weight.',
    );
  }
  return correct / counts.totalWeight;
}

/**
 * How per-class scores are combined (scikit-learn's `average`):
 * - `'binary'`: only the class `posLabel` (the data must have at most two classes);
 * - `'micro'`: from the summed true positives, predictions and supports of all classes;
 * - `'macro'`: unweighted mean over classes;
 * - `'weighted'`: mean over classes weighted by their support.
 */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/**
 * Value of a precision (no predictions of the class) or recall (no true samples of the class)
 * whose denominator is zero: `'warn'` gives 0 and reports through `onWarning` (scikit-learn's
 * `UndefinedMetricWarning`), `0` and `1` give that value silently.
 */
export type ZeroDivision = 'warn' | 0 | 1;

/** Options of {@link precisionRecallFscoreSupport}, {@link precisionScore}, {@link recallScore}, {@link f1Score}, {@link fbetaScore}. */
export interface PrecisionRecallOptions {
  /**
   * Classes to score, in this order. Listed classes absent from the data score with zero
   * denominators (see `zeroDivision`); with `'micro'`, only listed classes are summed. Ignored
   * with `average: 'binary'` (scikit-learn scores `[posLabel]` then).
   * @default every label in yTrue or yPred, sorted
   */
  readonly labels?: readonly Label[];
  /**
   * The positive class for `average: 'binary'`; must be one of the labels when the data has two.
   * @default 1
   */
  readonly posLabel?: Label;
  /**
   * How to combine per-class scores; `null` returns per-class arrays.
   * @default null for precisionRecallFscoreSupport, 'binary' for precisionScore/recallScore/f1Score/fbetaScore
   */
  readonly average?: Average | null;
  /**
   * Weight of recall in the F-score: F_β = (1 + β²)·P·R / (β²·P + R); `Infinity` gives recall.
   * @default 1 (fbetaScore requires it)
   */
  readonly beta?: number;
  /**
   * What an undefined precision or recall (0/0) becomes.
   * @default 'warn'
   */
  readonly zeroDivision?: ZeroDivision;
  /**
   * One non-negative weight per sample; counts and supports become summed weights.
   * @default undefined (every sample counts 1)
   */
  readonly sampleWeight?: ArrayLike<number>;
  /**
   * Receives scikit-learn's `UndefinedMetricWarning` text when `zeroDivision` is `'warn'` and a
   * score is ill-defined.
   * @default undefined (no report)
   */
  readonly onWarning?: (message: string) => void;
}

/** The documented defaults of {@link PrecisionRecallOptions} (`average`'s depends on the function). */
export const DEFAULT_PRECISION_RECALL_OPTIONS = Object.freeze({
  labels: undefined,
  posLabel: 1,
  beta: 1,
  zeroDivision: 'warn',
  sampleWeight: undefined,
  onWarning: undefined,
} as const satisfies PrecisionRecallOptions);

/** {@link PrecisionRecallOptions} with every default filled in. */
export interface ResolvedPrecisionRecallOptions {
  readonly labels: readonly Label[] | undefined;
  readonly posLabel: Label;
  readonly average: Average | null;
  readonly beta: number;
  readonly zeroDivision: ZeroDivision;
  readonly sampleWeight: ArrayLike<number> | undefined;
  readonly onWarning: ((message: string) => void) | undefined;
}

const AVERAGES: readonly (Average | null)[] = ['binary', 'micro', 'macro', 'weighted', null];
const ZERO_DIVISIONS: readonly ZeroDivision[] = ['warn', 0, 1];

/** Every option name of {@link PrecisionRecallOptions}. */
export const PRECISION_RECALL_OPTION_NAMES: readonly string[] = [
  ...Object.keys(DEFAULT_PRECISION_RECALL_OPTIONS),
  'average',
];

/** β ≥ 0; `Infinity` is allowed (the F-score becomes recall). */
function checkBeta(fn: string, beta: unknown): number {
  if (typeof beta !== 'number' || Number.isNaN(beta) || beta < 0) {
    check.invalid(fn, 'beta', beta, 'must be a number ≥ 0', 'Pass 1 for F1, 2 to weigh recall more.');
  }
  return beta as number;
}

/**
 * Validates options and fills in the defaults (internal).
 * @param defaultAverage `null` for precisionRecallFscoreSupport, `'binary'` for the single scores.
 * @param known the option names `fn` takes (f1Score takes no `beta`, the accumulator no `sampleWeight`).
 */
export function resolvePrecisionRecallOptions(
  options: PrecisionRecallOptions = {},
  defaultAverage: Average | null = null,
  fn = 'precisionRecallFscoreSupport',
  known: readonly string[] = PRECISION_RECALL_OPTION_NAMES,
): ResolvedPrecisionRecallOptions {
  const given = check.options(fn, options, known);
  if ((given.average as unknown) === 'samples') {
    check.invalid(
      fn,
      'average',
      given.average,
      "must be 'binary', 'micro', 'macro', 'weighted' or null",
      "'samples' needs multilabel data, which rnnkit does not take.",
    );
  }
  const resolved: ResolvedPrecisionRecallOptions = {
    labels: given.labels,
    posLabel: given.posLabel ?? DEFAULT_PRECISION_RECALL_OPTIONS.posLabel,
    average: check.oneOf(
      fn,
      'average',
      given.average === undefined ? defaultAverage : given.average,
      AVERAGES,
    ),
    beta: checkBeta(fn, given.beta ?? DEFAULT_PRECISION_RECALL_OPTIONS.beta),
    zeroDivision: check.oneOf(
      fn,
      'zeroDivision',
      given.zeroDivision ?? DEFAULT_PRECISION_RECALL_OPTIONS.zeroDivision,
      ZERO_DIVISIONS,
    ),
    sampleWeight: given.sampleWeight,
    onWarning: optionalFunction(fn, 'onWarning', given.onWarning),
  };
  if (resolved.labels !== undefined) checkLabelsOption(resolved.labels, fn);
  return resolved;
}

/** Per-class precision, recall, F-score and support (scikit-learn's `average=None`). */
export interface PerClassScores {
  /** The scored classes, in the order of the arrays. */
  readonly labels: Label[];
  readonly precision: number[];
  readonly recall: number[];
  readonly fScore: number[];
  /** True samples (summed weight) per class. */
  readonly support: number[];
}

/** Averaged precision, recall and F-score (scikit-learn returns no support then). */
export interface AveragedScores {
  readonly precision: number;
  readonly recall: number;
  readonly fScore: number;
}

/**
 * Precision, recall, F-beta score and support, equal to scikit-learn 1.2's
 * `precision_recall_fscore_support` for binary and multiclass labels — including
 * `zero_division` (`'warn'` → 0), `labels` absent from the data, `pos_label` with
 * `average='binary'`, and the weighted average of classes without support.
 *
 * @returns per-class arrays for `average: null` (the default), else the averaged scores.
 * @throws MetricsError `METRICS_INVALID_OPTION` for an unknown average (also `'samples'`), a
 *   negative beta, a bad zeroDivision, `'binary'` on data with more than two classes or a
 *   `posLabel` that is not one of its two classes; `METRICS_LENGTH_MISMATCH`, `METRICS_EMPTY_INPUT`,
 *   `METRICS_NON_FINITE`, `METRICS_INVALID_LABEL` for bad inputs.
 * @example
 * precisionRecallFscoreSupport(['cat', 'dog', 'pig', 'cat'], ['cat', 'pig', 'dog', 'cat']);
 * // { labels: ['cat', 'dog', 'pig'], precision: [1, 0, 0], recall: [1, 0, 0], fScore: [1, 0, 0], support: [2, 1, 1] }
 * precisionRecallFscoreSupport(['cat', 'dog', 'pig', 'cat'], ['cat', 'pig', 'dog', 'cat'], { average: 'macro' });
 * // { precision: 0.333…, recall: 0.333…, fScore: 0.333… }
 */
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { readonly average: Average },
): AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions & { readonly average?: null },
): PerClassScores;
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions = {},
): PerClassScores | AveragedScores {
  const resolved = resolvePrecisionRecallOptions(options, null);
  const counts = countPairs(yTrue, yPred, resolved.sampleWeight, 'precisionRecallFscoreSupport');
  return scoresFromCounts(counts, resolved);
}

/**
 * scikit-learn's precision/recall/F computation on a contingency table, for resolved options.
 * @param warnFor which ill-defined scores to report (sklearn's `warn_for`).
 */
export function scoresFromCounts(
  counts: PairCounts,
  options: ResolvedPrecisionRecallOptions,
  warnFor: readonly ('precision' | 'recall' | 'f-score')[] = ['precision', 'recall', 'f-score'],
  fn = 'precisionRecallFscoreSupport',
): PerClassScores | AveragedScores {
  checkNotEmpty(counts, fn);
  const { average, zeroDivision, beta } = options;
  const present = counts.present();
  let labels = options.labels === undefined ? present : [...options.labels];
  if (average === 'binary') {
    if (present.length > 2) {
      check.invalid(
        fn,
        'average',
        average,
        `needs at most two classes, but the data has ${present.length} (${describeValue(present)})`,
        "Choose 'micro', 'macro', 'weighted' or null.",
      );
    }
    if (!present.includes(options.posLabel) && present.length >= 2) {
      check.invalid(
        fn,
        'posLabel',
        options.posLabel,
        `must be one of the labels ${describeValue(present)}`,
        'Set posLabel to the positive class.',
      );
    }
    labels = [options.posLabel];
  }
  const sums = counts.perLabel(labels);
  let { tp, predSum, trueSum } = sums;
  if (average === 'micro') {
    tp = [sum(tp)];
    predSum = [sum(predSum)];
    trueSum = [sum(trueSum)];
  }
  const warn = (message: string) => options.onWarning?.(message);
  const precision = prfDivide(tp, predSum, 'precision', 'predicted', warnFor, zeroDivision, warn);
  const recall = prfDivide(tp, trueSum, 'recall', 'true', warnFor, zeroDivision, warn);
  if (zeroDivision === 'warn' && warnFor.length === 1 && warnFor[0] === 'f-score') {
    if (trueSum.some((t, i) => t === 0 && predSum[i] === 0)) {
      warn(warningText('true nor predicted', 'F-score is', trueSum.length));
    }
  }
  const beta2 = beta * beta;
  const fScore =
    beta === Number.POSITIVE_INFINITY
      ? [...recall]
      : precision.map((p, i) => {
          const r = recall[i]!;
          const denom = beta2 * p + r;
          return ((1 + beta2) * p * r) / (denom === 0 ? 1 : denom);
        });
  if (average === null) {
    return { labels, precision, recall, fScore, support: trueSum };
  }
  let weights: number[] | undefined;
  if (average === 'weighted') {
    weights = trueSum;
    if (sum(weights) === 0) {
      const z = zeroDivision === 1 ? 1 : 0;
      return sum(predSum) === 0
        ? { precision: z, recall: z, fScore: z }
        : { precision: 0, recall: z, fScore: 0 };
    }
  }
  return {
    precision: mean(precision, weights),
    recall: mean(recall, weights),
    fScore: mean(fScore, weights),
  };
}

const sum = (values: readonly number[]) => pairwiseSum(values);

/** numpy's `np.average(values, weights=weights)`. */
function mean(values: readonly number[], weights?: readonly number[]): number {
  if (weights === undefined) return sum(values) / values.length;
  return sum(values.map((v, i) => v * weights[i]!)) / sum(weights);
}

function prfDivide(
  numerator: readonly number[],
  denominator: readonly number[],
  metric: 'precision' | 'recall',
  modifier: string,
  warnFor: readonly string[],
  zeroDivision: ZeroDivision,
  warn: (message: string) => void,
): number[] {
  let undefinedCount = 0;
  const result = numerator.map((n, i) => {
    const d = denominator[i]!;
    if (d !== 0) return n / d;
    undefinedCount++;
    return zeroDivision === 1 ? 1 : 0;
  });
  if (undefinedCount === 0 || zeroDivision !== 'warn' || !warnFor.includes(metric)) return result;
  const title = metric === 'precision' ? 'Precision' : 'Recall';
  const start = warnFor.includes('f-score') ? `${title} and F-score are` : `${title} is`;
  warn(warningText(modifier, start, result.length));
  return result;
}

/** scikit-learn's `_warn_prf` text (its parameter named `zeroDivision`). */
function warningText(modifier: string, start: string, size: number): string {
  const where = size === 1 ? 'due to' : 'in labels with';
  return `${start} ill-defined and being set to 0.0 ${where} no ${modifier} samples. Use \`zeroDivision\` parameter to control this behavior.`;
}

type SingleScoreOptions = Omit<PrecisionRecallOptions, 'average'> & { readonly average?: Average };

function singleScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions,
  fn: string,
  warnFor: readonly ('precision' | 'recall' | 'f-score')[],
  known: readonly string[] = PRECISION_RECALL_OPTION_NAMES,
): AveragedScores {
  const resolved = resolvePrecisionRecallOptions(options, 'binary', fn, known);
  if (resolved.average === null) {
    check.invalid(
      fn,
      'average',
      null,
      "must be 'binary', 'micro', 'macro' or 'weighted' here",
      'Use precisionRecallFscoreSupport for per-class scores.',
    );
  }
  const counts = countPairs(yTrue, yPred, resolved.sampleWeight, fn);
  return scoresFromCounts(counts, resolved, warnFor, fn) as AveragedScores;
}

/**
 * Precision tp / (tp + fp), equal to scikit-learn 1.2's `precision_score` (default `average: 'binary'`).
 * @throws MetricsError as {@link precisionRecallFscoreSupport}; `METRICS_INVALID_OPTION` for `average: null`.
 * @example precisionScore([0, 1, 1, 0], [1, 1, 1, 0]); // 0.666…
 */
export function precisionScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: SingleScoreOptions = {},
): number {
  return singleScore(yTrue, yPred, options, 'precisionScore', ['precision']).precision;
}

/**
 * Recall tp / (tp + fn), equal to scikit-learn 1.2's `recall_score` (default `average: 'binary'`).
 * @throws MetricsError as {@link precisionRecallFscoreSupport}; `METRICS_INVALID_OPTION` for `average: null`.
 * @example recallScore([0, 1, 1, 0], [1, 1, 0, 0]); // 0.5
 */
export function recallScore(yTrue: LabelArray, yPred: LabelArray, options: SingleScoreOptions = {}): number {
  return singleScore(yTrue, yPred, options, 'recallScore', ['recall']).recall;
}

/**
 * F1 = 2PR / (P + R), equal to scikit-learn 1.2's `f1_score` (default `average: 'binary'`).
 * @throws MetricsError as {@link precisionRecallFscoreSupport}; `METRICS_INVALID_OPTION` for `average: null`.
 * @example f1Score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' }); // 0.2666…
 */
export function f1Score(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: Omit<SingleScoreOptions, 'beta'> = {},
): number {
  const known = PRECISION_RECALL_OPTION_NAMES.filter((name) => name !== 'beta');
  return singleScore(yTrue, yPred, options, 'f1Score', ['f-score'], known).fScore;
}

/**
 * F-beta score, equal to scikit-learn 1.2's `fbeta_score` (default `average: 'binary'`).
 * @throws MetricsError as {@link precisionRecallFscoreSupport}; `METRICS_INVALID_OPTION` for `average: null`.
 * @example fbetaScore([0, 1, 1, 0], [1, 1, 0, 0], { beta: 2 }); // 0.5
 */
export function fbetaScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: SingleScoreOptions & { readonly beta: number },
): number {
  return singleScore(yTrue, yPred, options, 'fbetaScore', ['f-score']).fScore;
}
