import { createValidator, RnnkitError, type Validator } from '@rnnkit/core';

/** Every failure `@rnnkit/rnn-models` reports, as a stable machine-readable code. */
export type RnnModelsErrorCode =
  /** A layer, template or training option is missing, of the wrong type or out of range. */
  | 'RNN_MODELS_INVALID_OPTION'
  /** A tensor or weight does not have the shape the layer or model expects. */
  | 'RNN_MODELS_SHAPE_MISMATCH'
  /** The requested tfjs backend cannot be initialised here. */
  | 'RNN_MODELS_BACKEND_UNAVAILABLE'
  /** Training produced a NaN or infinite loss. */
  | 'RNN_MODELS_NON_FINITE_LOSS'
  /** A checkpoint on disk is incomplete or unreadable (missing or truncated files, bad JSON). */
  | 'RNN_MODELS_CHECKPOINT_CORRUPT'
  /** A readable checkpoint does not fit: weight shapes, layer names or vocabulary size differ from what is expected. */
  | 'RNN_MODELS_CHECKPOINT_MISMATCH'
  /** A model's architecture cannot be used here (e.g. `toStepModel` on a Bidirectional layer or a non-chain model). */
  | 'RNN_MODELS_UNSUPPORTED_MODEL';

/**
 * Error thrown by `@rnnkit/rnn-models`. Branch on `code`, not on the message: the message is
 * for people and says what was wrong and how to fix it.
 */
export class RnnModelsError extends RnnkitError<RnnModelsErrorCode> {
  override readonly name = 'RnnModelsError';
}

/** rnn-models' one option validator: every failure is an `RNN_MODELS_INVALID_OPTION`. */
// Typed explicitly so that a `validate.invalid(…)` call (returns never) narrows like a throw.
export const validate: Validator = createValidator(
  (message) => new RnnModelsError('RNN_MODELS_INVALID_OPTION', message),
);
