import { createValidator, RnnkitError, type Validator } from '@rnnkit/core';

/** Every failure `@rnnkit/seq2seq` reports, as a stable machine-readable code. */
export type Seq2SeqErrorCode =
  /** A model or decoding option is missing, of the wrong type or out of range. */
  | 'SEQ2SEQ_INVALID_OPTION'
  /** The source or target vocabulary does not match the model it is used with. */
  | 'SEQ2SEQ_VOCABULARY_MISMATCH'
  /** Source or target sequences are not of the shape the model accepts. */
  | 'SEQ2SEQ_INVALID_INPUT'
  /** A weight the options ask for would exceed one tensor's limit (2^31 bytes); nothing was built. */
  | 'SEQ2SEQ_TOO_LARGE'
  /** A saved translator's extras (config, vocabularies, BOS/EOS) are missing or malformed. */
  | 'SEQ2SEQ_CHECKPOINT_CORRUPT';

/**
 * Error thrown by `@rnnkit/seq2seq`: an {@link RnnkitError} whose `code` is a
 * {@link Seq2SeqErrorCode}. Branch on `code`, not on the message: the message is for people
 * and says what was wrong and how to fix it.
 */
export class Seq2SeqError extends RnnkitError<Seq2SeqErrorCode> {
  override readonly name = 'Seq2SeqError';
}

/** seq2seq's one option validator: every failure is a `SEQ2SEQ_INVALID_OPTION`. */
// Typed explicitly so that a `validate.invalid(…)` call (returns never) narrows like a throw.
export const validate: Validator = createValidator(
  (message) => new Seq2SeqError('SEQ2SEQ_INVALID_OPTION', message),
);
