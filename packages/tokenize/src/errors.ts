import { RnnkitError } from '@rnnkit/core';

/** Every failure `@rnnkit/tokenize` reports, as a stable machine-readable code. */
export type TokenizeErrorCode =
  /** An option is unknown (misspelt), missing, of the wrong type or out of range. */
  | 'TOKENIZE_INVALID_OPTION'
  /** A text, token list or id sequence is not what the method accepts. */
  | 'TOKENIZE_INVALID_INPUT'
  /** Fitting produced no tokens at all. */
  | 'TOKENIZE_EMPTY_CORPUS'
  /** Encoding or decoding was asked of a tokenizer that was never fitted. */
  | 'TOKENIZE_NOT_FITTED'
  /** A token is not in the vocabulary and there is no OOV id to map it to. */
  | 'TOKENIZE_UNKNOWN_TOKEN'
  /** An id outside `0 … vocabularySize-1` was given to decode or look up. */
  | 'TOKENIZE_ID_OUT_OF_RANGE'
  /** Serialized JSON is not valid JSON or not the expected structure. */
  | 'TOKENIZE_MALFORMED_JSON';

/**
 * Error thrown by `@rnnkit/tokenize`: an {@link RnnkitError} whose `code` is a
 * {@link TokenizeErrorCode}. Branch on `code`, not on the message: the message is for people
 * and says what was wrong and how to fix it.
 */
export class TokenizeError extends RnnkitError<TokenizeErrorCode> {
  override readonly name = 'TokenizeError';
}
