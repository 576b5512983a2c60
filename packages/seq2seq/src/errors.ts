/** Every failure `@rnnkit/seq2seq` reports, as a stable machine-readable code. */
export type Seq2SeqErrorCode =
  /** A model or decoding option is missing, of the wrong type or out of range. */
  | 'SEQ2SEQ_INVALID_OPTION'
  /** The source or target vocabulary does not match the model it is used with. */
  | 'SEQ2SEQ_VOCABULARY_MISMATCH'
  /** Source or target sequences are not of the shape the model accepts. */
  | 'SEQ2SEQ_INVALID_INPUT';

/**
 * Error thrown by `@rnnkit/seq2seq`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class Seq2SeqError extends Error {
  override readonly name = 'Seq2SeqError';
  readonly code: Seq2SeqErrorCode;

  constructor(code: Seq2SeqErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
