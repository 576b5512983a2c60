import { RnnkitError } from '@rnnkit/core';

/** Every failure `@rnnkit/metrics` reports, as a stable machine-readable code. */
export type MetricsErrorCode =
  /** An option (averaging mode, weights, smoothing) is unknown, misspelt, of the wrong type or out of range. */
  | 'METRICS_INVALID_OPTION'
  /** Predictions and references differ in length. */
  | 'METRICS_LENGTH_MISMATCH'
  /** There is nothing to compute the metric over. */
  | 'METRICS_EMPTY_INPUT'
  /** A prediction or value is NaN or infinite. */
  | 'METRICS_NON_FINITE'
  /** Tensor shapes do not fit together (labels and predictions of a tensor metric or loss). */
  | 'METRICS_SHAPE_MISMATCH'
  /** A class label is not an integer or a string, or labels mix numbers and strings. */
  | 'METRICS_INVALID_LABEL'
  /** An optional peer dependency (vega, vega-lite, @resvg/resvg-js for `./plots`) is not installed. */
  | 'METRICS_MISSING_DEPENDENCY'
  /** An input is not what the function takes (a sentence that is not an array of tokens, a non-integer count). */
  | 'METRICS_INVALID_INPUT'
  /** The metric is not defined for this input (BLEU smoothing method6 without trigram matches). */
  | 'METRICS_UNDEFINED';

/**
 * Error thrown by `@rnnkit/metrics`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class MetricsError extends RnnkitError<MetricsErrorCode> {
  override readonly name = 'MetricsError';
}
