export type { MatrixMode } from './bag-of-words.js';
export { MAX_MATRIX_CELLS } from './bag-of-words.js';
export type { CharEncodeOptions, CharSpecialTokens, CharVocabularyOptions } from './char-vocabulary.js';
export { CharVocabulary } from './char-vocabulary.js';
export type { TokenizeErrorCode } from './errors.js';
export { TokenizeError } from './errors.js';
export type { StripGutenbergOptions } from './gutenberg.js';
export { stripGutenbergBoilerplate } from './gutenberg.js';
export type {
  ReplaceNonLettersOptions,
  SeparatePunctuationOptions,
  StandardizeOptions,
} from './standardize.js';
export {
  collapseWhitespace,
  lowercase,
  replaceNonLetters,
  separatePunctuation,
  standardize,
  stripAccents,
  stripBom,
} from './standardize.js';
export type { TextToWordSequenceOptions } from './text-to-word-sequence.js';
export { KERAS_DEFAULT_FILTERS, textToWordSequence } from './text-to-word-sequence.js';
export type { TokenizerText } from './tokenizer.js';
export { Tokenizer } from './tokenizer.js';
export type { TokenizerOptions } from './tokenizer-options.js';
export { DEFAULT_TOKENIZER_OPTIONS } from './tokenizer-options.js';
export type { DecodeOptions, SpecialTokenIds, Vocabulary } from './types.js';
export { isVocabulary, vocabularyFromJSON } from './vocabulary-json.js';
