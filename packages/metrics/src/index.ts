export type {
  BleuOptions,
  BleuScoresOptions,
  BleuSmoothing,
  BleuSmoothingMethod,
  ResolvedBleuOptions,
  ResolvedBleuSmoothing,
} from './bleu.js';
export {
  brevityPenalty,
  closestReferenceLength,
  corpusBleu,
  corpusBleuScores,
  DEFAULT_BLEU_OPTIONS,
  DEFAULT_BLEU_SMOOTHING_PARAMETERS,
  modifiedPrecision,
  resolveBleuOptions,
  resolveBleuScoresOptions,
  resolveBleuSmoothing,
  sentenceBleu,
  sentenceBleuScores,
} from './bleu.js';
export type { MetricsErrorCode } from './errors.js';
export { MetricsError } from './errors.js';
export type { NgramPrecisionCounts, Token } from './ngrams.js';
