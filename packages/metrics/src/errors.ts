/** Every failure `@rnnkit/metrics` reports, as a stable machine-readable code. */
export type MetricsErrorCode =
  /** An option (averaging mode, weights, smoothing) is unknown or out of range. */
  | 'METRICS_INVALID_OPTION'
  /** Predictions and references differ in length. */
  | 'METRICS_LENGTH_MISMATCH'
  /** There is nothing to compute the metric over. */
  | 'METRICS_EMPTY_INPUT'
  /** A prediction or value is NaN or infinite. */
  | 'METRICS_NON_FINITE';

/**
 * Error thrown by `@rnnkit/metrics`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class MetricsError extends Error {
  override readonly name = 'MetricsError';
  readonly code: MetricsErrorCode;

  constructor(code: MetricsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
