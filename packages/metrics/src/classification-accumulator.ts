import {
  type Average,
  type AveragedScores,
  accuracyFromCounts,
  type PerClassScores,
  type PrecisionRecallOptions,
  resolvePrecisionRecallOptions,
  scoresFromCounts,
} from './classification.js';
import { type LabelArray, PairCounts } from './classification-counts.js';
import {
  type ClassificationReport,
  type ClassificationReportOptions,
  classificationReportFromCounts,
} from './classification-report.js';
import {
  type ConfusionMatrix,
  type ConfusionMatrixOptions,
  confusionMatrixFromCounts,
} from './confusion-matrix.js';

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
    return accuracyFromCounts(this.counts, options.normalize ?? true);
  }

  /**
   * {@link confusionMatrix} over everything added.
   * @throws MetricsError as confusionMatrix.
   */
  confusionMatrix(options: Omit<ConfusionMatrixOptions, 'sampleWeight'> = {}): ConfusionMatrix {
    return confusionMatrixFromCounts(this.counts, options);
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
    return scoresFromCounts(this.counts, resolvePrecisionRecallOptions(options, null));
  }

  /**
   * {@link classificationReport} over everything added.
   * @throws MetricsError as classificationReport.
   */
  result(options: Omit<ClassificationReportOptions, 'sampleWeight'> = {}): ClassificationReport {
    return classificationReportFromCounts(this.counts, options);
  }

  /** Forgets every batch. */
  reset(): void {
    this.counts = new PairCounts();
  }
}
