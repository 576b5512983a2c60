import {
  type Average,
  type AveragedScores,
  accuracyFromCounts,
  type PerClassScores,
  PRECISION_RECALL_OPTION_NAMES,
  type PrecisionRecallOptions,
  resolveAccuracyScoreOptions,
  resolvePrecisionRecallOptions,
  scoresFromCounts,
} from './classification.js';
import { type LabelArray, PairCounts } from './classification-counts.js';
import {
  type ClassificationReport,
  type ClassificationReportOptions,
  classificationReportFromCounts,
  DEFAULT_CLASSIFICATION_REPORT_OPTIONS,
  resolveClassificationReportOptions,
} from './classification-report.js';
import {
  type ConfusionMatrix,
  type ConfusionMatrixOptions,
  confusionMatrixFromCounts,
  resolveConfusionMatrixOptions,
} from './confusion-matrix.js';

/** The accumulator's methods take the one-shot functions' options but `sampleWeight` (given per batch). */
const withoutWeights = (names: readonly string[]) => names.filter((name) => name !== 'sampleWeight');

/**
 * Streaming classification metrics: `update(yTrue, yPred)` batch by batch, then any of
 * accuracy, confusion matrix, precision/recall/F and the report — equal to the one-shot functions
 * on the concatenated batches (they share one code path: a table of (true, predicted) pair counts,
 * so memory grows with the number of distinct pairs, not samples).
 *
 * @example
 * const acc = new ClassificationAccumulator();
 * for (const batch of batches) acc.update(batch.labels, batch.predictions);
 * acc.accuracy(); acc.confusionMatrix().matrix; acc.result().text;
 */
export class ClassificationAccumulator {
  private counts = new PairCounts();

  /**
   * Adds a batch of true and predicted labels (and optional per-sample weights). A batch that
   * throws adds nothing.
   * @throws MetricsError `METRICS_LENGTH_MISMATCH`, `METRICS_NON_FINITE`, `METRICS_INVALID_LABEL`
   *   (also numbers after strings in an earlier batch), `METRICS_INVALID_OPTION` (negative weight).
   */
  update(yTrue: LabelArray, yPred: LabelArray, sampleWeight?: ArrayLike<number>): this {
    this.counts.add(yTrue, yPred, sampleWeight, 'ClassificationAccumulator.update');
    return this;
  }

  /** Samples added so far (not weighted). */
  get count(): number {
    return this.counts.samples;
  }

  /**
   * {@link accuracyScore} over everything added.
   * @throws MetricsError `METRICS_EMPTY_INPUT` before any sample.
   */
  accuracy(options: { readonly normalize?: boolean } = {}): number {
    const fn = 'ClassificationAccumulator.accuracy';
    const { normalize } = resolveAccuracyScoreOptions(options, fn, ['normalize']);
    return accuracyFromCounts(this.counts, normalize);
  }

  /**
   * {@link confusionMatrix} over everything added.
   * @throws MetricsError as confusionMatrix.
   */
  confusionMatrix(options: Omit<ConfusionMatrixOptions, 'sampleWeight'> = {}): ConfusionMatrix {
    const fn = 'ClassificationAccumulator.confusionMatrix';
    const resolved = resolveConfusionMatrixOptions(options, fn, ['labels', 'normalize']);
    return confusionMatrixFromCounts(this.counts, resolved, fn);
  }

  /**
   * {@link precisionRecallFscoreSupport} over everything added.
   * @throws MetricsError as precisionRecallFscoreSupport.
   */
  precisionRecallFscoreSupport(
    options: Omit<PrecisionRecallOptions, 'sampleWeight'> & { readonly average: Average },
  ): AveragedScores;
  precisionRecallFscoreSupport(
    options?: Omit<PrecisionRecallOptions, 'sampleWeight'> & { readonly average?: null },
  ): PerClassScores;
  precisionRecallFscoreSupport(
    options: Omit<PrecisionRecallOptions, 'sampleWeight'> = {},
  ): PerClassScores | AveragedScores {
    const fn = 'ClassificationAccumulator.precisionRecallFscoreSupport';
    const known = withoutWeights(PRECISION_RECALL_OPTION_NAMES);
    const resolved = resolvePrecisionRecallOptions(options, null, fn, known);
    return scoresFromCounts(this.counts, resolved, undefined, fn);
  }

  /**
   * {@link classificationReport} over everything added.
   * @throws MetricsError as classificationReport.
   */
  result(options: Omit<ClassificationReportOptions, 'sampleWeight'> = {}): ClassificationReport {
    const fn = 'ClassificationAccumulator.result';
    const known = withoutWeights(Object.keys(DEFAULT_CLASSIFICATION_REPORT_OPTIONS));
    return classificationReportFromCounts(
      this.counts,
      resolveClassificationReportOptions(options, fn, known),
      fn,
    );
  }

  /** Forgets every batch. */
  reset(): void {
    this.counts = new PairCounts();
  }
}
