/** Every failure `@rnnkit/tokenize` reports, as a stable machine-readable code. */
export type TokenizeErrorCode =
  /** An option is missing, of the wrong type or out of range. */
  | 'TOKENIZE_INVALID_OPTION'
  /** A text, token list or id sequence is not what the method accepts. */
  | 'TOKENIZE_INVALID_INPUT'
  /** Fitting produced no tokens at all. */
  | 'TOKENIZE_EMPTY_CORPUS'
  /** Encoding or decoding was asked of a tokenizer that was never fitted. */
  | 'TOKENIZE_NOT_FITTED'
  /** A token is not in the vocabulary and there is no OOV id to map it to. */
  | 'TOKENIZE_UNKNOWN_TOKEN'
  /** An id outside `0 … size-1` was given to decode or look up. */
  | 'TOKENIZE_ID_OUT_OF_RANGE'
  /** Serialized JSON is not valid JSON or not the expected structure. */
  | 'TOKENIZE_MALFORMED_JSON';

/**
 * Error thrown by `@rnnkit/tokenize`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class TokenizeError extends Error {
  override readonly name = 'TokenizeError';
  readonly code: TokenizeErrorCode;

  constructor(code: TokenizeErrorCode, message: string, options?: { cause?: unknown }) {
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
