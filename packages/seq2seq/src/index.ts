export { SPECIAL_TOKENS } from './data/build-vocabulary.js';
export type { EncodedSources, EncodeSourcesOptions, PairVocabularies } from './data/pair-codec.js';
export { DEFAULT_ENCODE_SOURCES_OPTIONS, decodeTargets, encodeSources } from './data/pair-codec.js';
export type {
  DroppedPairs,
  LongPairs,
  PairBatch,
  PairBucketingOptions,
  PreparedPairs,
  PreparePairsOptions,
  TextPair,
} from './data/prepare-pairs.js';
export { DEFAULT_PREPARE_PAIRS_OPTIONS, preparePairs } from './data/prepare-pairs.js';
export type { TokenLevel } from './data/standardize-text.js';
export { TOKEN_LEVELS, TRANSLATION_STANDARDIZE } from './data/standardize-text.js';
export type { Seq2SeqErrorCode } from './errors.js';
export { Seq2SeqError } from './errors.js';
export type {
  EvaluateTranslationsOptions,
  EvaluateTranslatorOptions,
  TranslateFunction,
  TranslationScores,
  TranslatorEvaluation,
} from './evaluate.js';
export {
  DEFAULT_EVALUATE_TRANSLATIONS_OPTIONS,
  DEFAULT_EVALUATE_TRANSLATOR_OPTIONS,
  evaluateTranslations,
  evaluateTranslator,
} from './evaluate.js';
