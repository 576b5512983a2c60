import { createValidator } from '@rnnkit/core';
import { RnnModelsError } from './errors.js';

/** rnn-models' one option validator: every failure is an `RNN_MODELS_INVALID_OPTION`. */
export const validate = createValidator((message) => new RnnModelsError('RNN_MODELS_INVALID_OPTION', message));
