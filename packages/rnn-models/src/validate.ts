import { createValidator, type Validator } from '@rnnkit/core';
import { RnnModelsError } from './errors.js';

/** rnn-models' one option validator: every failure is an `RNN_MODELS_INVALID_OPTION`. */
// Typed explicitly so that a `validate.invalid(…)` call (returns never) narrows like a throw.
export const validate: Validator = createValidator(
  (message) => new RnnModelsError('RNN_MODELS_INVALID_OPTION', message),
);
