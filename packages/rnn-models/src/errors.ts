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
  | 'RNN_MODELS_UNSUPPORTED_MODEL'
  /**
   * Data of the wrong kind in a batch `train()` reads: a sparse target outside [0, classes), a
   * binary target outside [0, 1], a NaN/Infinity target, input feature or mask weight, a negative
   * mask weight, or an Embedding id that is not an integer in [0, inputDim). The message names
   * the batch (epoch and index), the position and the value.
   */
  | 'RNN_MODELS_INVALID_INPUT'
  /**
   * A size asked for exceeds what one tensor can hold (2^31 bytes: 536,870,912 float32 values),
   * e.g. `lstm({ units: 1e9 })` at build time or a template's `vocabularySize × embeddingDim`.
   */
  | 'RNN_MODELS_TOO_LARGE'
  /** A training or validation data source threw or rejected while `train()` read it (the cause is kept). */
  | 'RNN_MODELS_DATA_SOURCE_FAILED'
  /** `train()` was called on a model another `train()` call is still training. */
  | 'RNN_MODELS_MODEL_BUSY'
  /** `evaluate()`'s `signal` fired before the pass ended (a partial mean is not returned). */
  | 'RNN_MODELS_ABORTED'
  /**
   * The filesystem refused a checkpoint read or write (`ENOSPC` disk full, `EACCES`/`EPERM`/
   * `EROFS` not writable, `EIO`, …). The message names the path and the errno; `cause` is Node's
   * error. Nothing already on disk was lost: a failed save leaves the previous checkpoint.
   */
  | 'RNN_MODELS_IO_ERROR';

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
