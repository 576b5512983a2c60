/**
 * `@rnnkit/seq2seq/node`: saving and loading translators on the local filesystem (node:fs,
 * through `@rnnkit/rnn-models/node`). Node-only, kept out of the browser entry `@rnnkit/seq2seq`.
 */

export type {
  JsonObject,
  LoadedEncoderDecoder,
  LoadedTranslator,
  SavableTranslator,
  SaveTranslatorOptions,
} from '../translator-io.js';
export {
  DEFAULT_SAVE_TRANSLATOR_OPTIONS,
  loadEncoderDecoder,
  loadTranslator,
  saveTranslator,
  TRANSLATOR_FORMAT,
  TRANSLATOR_FORMAT_VERSION,
} from '../translator-io.js';
export { exportTorchEncoderDecoder, importTorchEncoderDecoder } from './torch-files.js';
