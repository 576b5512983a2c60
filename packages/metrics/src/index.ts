export type { BleuOptions, BleuScoresOptions } from './bleu.js';
export {
  corpusBleu,
  corpusBleuScores,
  DEFAULT_BLEU_OPTIONS,
  sentenceBleu,
  sentenceBleuScores,
} from './bleu.js';
export { BleuAccumulator, createBleuAccumulator } from './bleu-accumulator.js';
export type { BleuSmoothing, BleuSmoothingMethod } from './bleu-smoothing.js';
export { DEFAULT_BLEU_SMOOTHING_PARAMETERS } from './bleu-smoothing.js';
export {
  brevityPenalty,
  closestReferenceLength,
  MAX_NGRAMS_PER_SENTENCE,
  modifiedPrecision,
} from './bleu-statistics.js';
export type {
  AccuracyScoreOptions,
  Average,
  AveragedScores,
  PerClassScores,
  PrecisionRecallOptions,
  ZeroDivision,
} from './classification.js';
export {
  accuracyScore,
  DEFAULT_ACCURACY_SCORE_OPTIONS,
  DEFAULT_PRECISION_RECALL_OPTIONS,
  f1Score,
  fbetaScore,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
} from './classification.js';
export { ClassificationAccumulator } from './classification-accumulator.js';
export type { Label, LabelArray } from './classification-counts.js';
export { sortLabels } from './classification-counts.js';
export type {
  ClassificationReport,
  ClassificationReportOptions,
  ClassificationReportRow,
  ClassReportRow,
} from './classification-report.js';
export {
  classificationReport,
  DEFAULT_CLASSIFICATION_REPORT_OPTIONS,
} from './classification-report.js';
export type {
  ConfusionMatrix,
  ConfusionMatrixNormalize,
  ConfusionMatrixOptions,
} from './confusion-matrix.js';
export {
  confusionMatrix,
  DEFAULT_CONFUSION_MATRIX_OPTIONS,
  MAX_CONFUSION_MATRIX_CELLS,
  normalizeMatrix,
} from './confusion-matrix.js';
export type { ErrorRateAccumulatorOptions } from './error-rate-accumulator.js';
export {
  createErrorRateAccumulator,
  createWerAccumulator,
  DEFAULT_ERROR_RATE_ACCUMULATOR_OPTIONS,
  ErrorRateAccumulator,
} from './error-rate-accumulator.js';
export type { MetricsErrorCode } from './errors.js';
export { MetricsError } from './errors.js';
export type { ForecastErrorOptions, ForecastErrors, MaseOptions } from './forecast.js';
export {
  DEFAULT_MASE_OPTIONS,
  FORECAST_EPSILON,
  forecastErrors,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanAbsoluteScaledError,
  meanSquaredError,
  rootMeanSquaredError,
  symmetricMeanAbsolutePercentageError,
} from './forecast.js';
export { ForecastAccumulator } from './forecast-accumulator.js';
export type { Alignment, AlignmentOperation, Sequence } from './levenshtein.js';
export { align, levenshtein, MAX_ALIGNMENT_CELLS, MAX_EDIT_DISTANCE_CELLS } from './levenshtein.js';
export type { NgramPrecisionCounts, Token } from './ngrams.js';
export {
  bitsPerCharacter,
  bitsPerToken,
  bitsPerTokenFromTotal,
  perplexity,
  perplexityFromTotal,
} from './perplexity.js';
export { PerplexityAccumulator } from './perplexity-accumulator.js';
export type { ErrorCounts, ErrorRateUnit, TokenAccuracyOptions, WordSequence } from './sequence-errors.js';
export {
  characterErrorRate,
  characterErrorRates,
  DEFAULT_TOKEN_ACCURACY_OPTIONS,
  phonemeErrorRate,
  sequenceExactMatch,
  tokenAccuracy,
  tokenErrorRate,
  tokenErrorRates,
  wordErrorRate,
  wordErrorRates,
} from './sequence-errors.js';
export { TokenAccuracyAccumulator } from './token-accuracy-accumulator.js';
