import { describeValue } from '@rnnkit/core';
import {
  type AveragedScores,
  type PerClassScores,
  type PrecisionRecallOptions,
  resolvePrecisionRecallOptions,
  scoresFromCounts,
  type ZeroDivision,
} from './classification.js';
import {
  checkNotEmpty,
  countPairs,
  type Label,
  type LabelArray,
  type PairCounts,
  pairwiseSum,
} from './classification-counts.js';
import { check, fail } from './validate.js';

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions
  extends Pick<PrecisionRecallOptions, 'zeroDivision' | 'sampleWeight' | 'onWarning'> {
  /**
   * Classes to report, in this order. When they are not exactly the labels of the data, the
   * report shows a `micro avg` row instead of `accuracy` (as scikit-learn does).
   * @default every label in yTrue or yPred, sorted
   */
  readonly labels?: readonly Label[];
  /**
   * Display names of the classes, one per label.
   * @default the labels as strings
   */
  readonly targetNames?: readonly string[];
  /**
   * Decimal places in the text report (rounded half to even, like Python's format).
   * @default 2
   */
  readonly digits?: number;
}

/** The documented defaults of {@link ClassificationReportOptions}. */
export const DEFAULT_CLASSIFICATION_REPORT_OPTIONS = Object.freeze({
  labels: undefined,
  targetNames: undefined,
  digits: 2,
  zeroDivision: 'warn',
  sampleWeight: undefined,
  onWarning: undefined,
} as const satisfies ClassificationReportOptions);

/** One row of a {@link ClassificationReport}. */
export interface ClassificationReportRow {
  readonly precision: number;
  readonly recall: number;
  readonly f1Score: number;
  /** True samples (summed weight). */
  readonly support: number;
}

/** One class's row. */
export interface ClassReportRow extends ClassificationReportRow {
  readonly label: Label;
  /** The display name (`targetNames[i]` or the label as a string). */
  readonly name: string;
}

/**
 * scikit-learn's `classification_report` as data (its `output_dict=True`) and as text (its
 * string, character for character).
 */
export interface ClassificationReport {
  readonly classes: ClassReportRow[];
  /** Accuracy, when the reported labels are exactly the labels of the data; else `undefined`. */
  readonly accuracy: number | undefined;
  /** Micro average, reported instead of accuracy when `labels` picks a subset or adds classes. */
  readonly microAvg: ClassificationReportRow | undefined;
  readonly macroAvg: ClassificationReportRow;
  readonly weightedAvg: ClassificationReportRow;
  /** The text table, equal to scikit-learn's `classification_report(…, digits)`. */
  readonly text: string;
}

/** Validated options with every default filled in. */
export interface ResolvedClassificationReportOptions {
  readonly labels: readonly Label[] | undefined;
  readonly targetNames: readonly string[] | undefined;
  readonly digits: number;
  readonly zeroDivision: ZeroDivision;
  readonly sampleWeight: ArrayLike<number> | undefined;
  readonly onWarning: ((message: string) => void) | undefined;
}

/** Validates options and fills in the defaults (internal). */
export function resolveClassificationReportOptions(
  options: ClassificationReportOptions = {},
  fn = 'classificationReport',
  known: readonly string[] = Object.keys(DEFAULT_CLASSIFICATION_REPORT_OPTIONS),
): ResolvedClassificationReportOptions {
  const given = check.options(fn, options, known);
  const prf = resolvePrecisionRecallOptions(
    { labels: given.labels, zeroDivision: given.zeroDivision, onWarning: given.onWarning },
    null,
    fn,
  );
  const digits = check.integer(fn, 'digits', given.digits ?? DEFAULT_CLASSIFICATION_REPORT_OPTIONS.digits, {
    min: 0,
    max: 20,
  });
  const targetNames = given.targetNames;
  if (
    targetNames !== undefined &&
    (!Array.isArray(targetNames) || targetNames.some((n) => typeof n !== 'string'))
  ) {
    check.invalid(fn, 'targetNames', targetNames, 'must be an array of strings', 'Give one name per class.');
  }
  return {
    labels: prf.labels,
    targetNames,
    digits,
    zeroDivision: prf.zeroDivision,
    sampleWeight: given.sampleWeight,
    onWarning: prf.onWarning,
  };
}

/**
 * Per-class precision, recall, F1 and support with accuracy (or micro), macro and weighted
 * averages — scikit-learn 1.2's `classification_report`, as data and as its exact text.
 *
 * @throws MetricsError `METRICS_LENGTH_MISMATCH` when `targetNames` does not name every class
 *   (scikit-learn only warns when `labels` is given, then drops rows; rnnkit always throws) or
 *   the inputs differ in length; `METRICS_EMPTY_INPUT`, `METRICS_NON_FINITE`,
 *   `METRICS_INVALID_LABEL`, `METRICS_INVALID_OPTION` as {@link precisionRecallFscoreSupport}.
 * @example
 * classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], { targetNames: ['class 0', 'class 1', 'class 2'] }).text;
 * //               precision    recall  f1-score   support
 * //
 * //      class 0       0.50      1.00      0.67         1
 * //      class 1       0.00      0.00      0.00         1
 * //      class 2       1.00      0.67      0.80         3
 * //
 * //     accuracy                           0.60         5
 * //    macro avg       0.50      0.56      0.49         5
 * // weighted avg       0.70      0.60      0.61         5
 */
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  const resolved = resolveClassificationReportOptions(options);
  return classificationReportFromCounts(
    countPairs(yTrue, yPred, resolved.sampleWeight, 'classificationReport'),
    resolved,
  );
}

/** {@link classificationReport} of a contingency table, for options resolved by `fn`. */
export function classificationReportFromCounts(
  counts: PairCounts,
  resolved: ResolvedClassificationReportOptions,
  fn = 'classificationReport',
): ClassificationReport {
  checkNotEmpty(counts, fn);
  const present = counts.present();
  const labels = resolved.labels === undefined ? present : [...resolved.labels];
  const microIsAccuracy =
    resolved.labels === undefined ||
    (labels.length === present.length && present.every(has(new Set(labels))));
  const names = resolved.targetNames ?? labels.map(String);
  if (names.length !== labels.length) {
    fail(
      'METRICS_LENGTH_MISMATCH',
      fn,
      'targetNames.length',
      names.length,
      `must equal the number of classes ${describeValue(labels)}`,
      'Give one name per class or set labels.',
    );
  }
  const base = {
    labels,
    posLabel: 1,
    beta: 1,
    zeroDivision: resolved.zeroDivision,
    sampleWeight: undefined,
    onWarning: resolved.onWarning,
  };
  const perClass = scoresFromCounts(counts, { ...base, average: null }, undefined, fn) as PerClassScores;
  const totalSupport = pairwiseSum(perClass.support);
  const averaged = (average: 'micro' | 'macro' | 'weighted'): ClassificationReportRow => {
    const s = scoresFromCounts(counts, { ...base, average }, undefined, fn) as AveragedScores;
    return { precision: s.precision, recall: s.recall, f1Score: s.fScore, support: totalSupport };
  };
  const classes = labels.map((label, i) => ({
    label,
    name: names[i]!,
    precision: perClass.precision[i]!,
    recall: perClass.recall[i]!,
    f1Score: perClass.fScore[i]!,
    support: perClass.support[i]!,
  }));
  const micro = averaged('micro');
  const report = {
    classes,
    accuracy: microIsAccuracy ? micro.precision : undefined,
    microAvg: microIsAccuracy ? undefined : micro,
    macroAvg: averaged('macro'),
    weightedAvg: averaged('weighted'),
  };
  return { ...report, text: formatReport(report, micro, resolved.digits, counts.weighted) };
}

const has =
  (set: ReadonlySet<Label>) =>
  (label: Label): boolean =>
    set.has(label);

function formatReport(
  report: Omit<ClassificationReport, 'text'>,
  micro: ClassificationReportRow,
  digits: number,
  weighted: boolean,
): string {
  const chars = (s: string) => [...s].length;
  // A loop, not Math.max(...): a spread of a million class names overflows the stack.
  let width = Math.max('weighted avg'.length, digits);
  for (const c of report.classes) width = Math.max(width, chars(c.name));
  const right = (s: string, w: number) => ' '.repeat(Math.max(0, w - chars(s))) + s;
  const support = (n: number) => (weighted ? pythonFloatRepr(n) : String(n));
  const row = (name: string, r: ClassificationReportRow) =>
    `${right(name, width)} ${[r.precision, r.recall, r.f1Score].map((x) => ` ${right(formatFixed(x, digits), 9)}`).join('')} ${right(support(r.support), 9)}\n`;
  let text = `${right('', width)} ${['precision', 'recall', 'f1-score', 'support'].map((h) => ` ${right(h, 9)}`).join('')}\n\n`;
  for (const c of report.classes) text += row(c.name, c);
  text += '\n';
  if (report.accuracy !== undefined) {
    text += `${right('accuracy', width)} ${' '.repeat(10)}${' '.repeat(10)} ${right(formatFixed(micro.f1Score, digits), 9)} ${right(support(micro.support), 9)}\n`;
  } else {
    text += row('micro avg', micro);
  }
  text += row('macro avg', report.macroAvg);
  text += row('weighted avg', report.weightedAvg);
  return text;
}

/**
 * `x` with `digits` decimals, rounded half to even on the exact binary value — Python's
 * `format(x, '.{digits}f')` (JavaScript's `toFixed` rounds exact ties up: 0.125 → '0.13', Python '0.12').
 * @example formatFixed(0.125, 2); // '0.12'
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const rounded = x.toFixed(digits);
  if (Math.abs(x) >= 1e21) return rounded;
  // A tie's exact decimal expansion has at most digits + 1 decimals, so digits + 40 shows it exactly.
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 40));
  const point = exact.indexOf('.');
  if (!/^50*$/.test(exact.slice(point + 1 + digits))) return rounded;
  // An exact tie: toFixed rounded up (away from zero); Python rounds to the even digit.
  const kept = exact.slice(0, digits === 0 ? point : point + 1 + digits);
  if (Number(kept[kept.length - 1]) % 2 === 1) return rounded;
  return (x < 0 ? '-' : '') + kept;
}

/** Python's `repr(float)`: shortest round-trip digits, `.0` on integers, exponent outside [1e-4, 1e16). */
export function pythonFloatRepr(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const frac = digits.slice(exponent + 1);
  return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
}
