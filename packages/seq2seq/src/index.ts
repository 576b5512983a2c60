export type { AttentionLayerArgs, AttentionScore } from './attention.js';
export { AttentionLayer, MASKED_SCORE } from './attention.js';
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
export type { DecoderStepModel, DecoderStepState } from './decoder-step-model.js';
export { EncoderDecoder, encoderDecoder } from './encoder-decoder.js';
export type {
  AttentionKind,
  EncoderDecoderConfig,
  EncoderDecoderOptions,
  Seq2SeqCell,
} from './encoder-decoder-options.js';
export {
  ATTENTION_KINDS,
  DEFAULT_ENCODER_DECODER_OPTIONS,
  SEQ2SEQ_CELLS,
} from './encoder-decoder-options.js';
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
export type { IdRows } from './id-tensor.js';
export type {
  ScheduledSamplingOptions,
  ScheduledSamplingPick,
  TeacherForcingSchedule,
} from './scheduled-sampling.js';
export {
  DEFAULT_SCHEDULED_SAMPLING_OPTIONS,
  scheduledDecoderInputs,
  scheduledSamplingStep,
  TEACHER_FORCING_SCHEDULE_KINDS,
  teacherForcingProbability,
} from './scheduled-sampling.js';
export type {
  TeacherForcingBatch,
  TeacherForcingBatchesOptions,
  TeacherForcingBatchOptions,
} from './teacher-forcing.js';
export {
  DEFAULT_TEACHER_FORCING_BATCHES_OPTIONS,
  teacherForcingBatch,
  teacherForcingBatches,
} from './teacher-forcing.js';
export type {
  EncoderDecoderTorchConfig,
  EncodeTorchEncoderDecoderOptions,
} from './torch-interop.js';
export {
  decodeTorchEncoderDecoder,
  ENCODER_DECODER_TEMPLATE,
  encodeTorchEncoderDecoder,
} from './torch-interop.js';
export type { DecodingMethod, TranslateOptions, Translation } from './translate.js';
export { DECODING_METHODS, DEFAULT_TRANSLATE_OPTIONS, translate, translateTexts } from './translate.js';
