export type {
  BeamHypothesis,
  BeamSearchOptions,
  BeamSearchResult,
  EarlyStopping,
  ResolvedBeamSearchOptions,
} from './beam-search.js';
export { beamSearch, DEFAULT_BEAM_SEARCH_OPTIONS, resolveBeamSearchOptions } from './beam-search.js';
export type { SamplingErrorCode } from './errors.js';
export { SamplingError } from './errors.js';
export type {
  GeneratedSequence,
  GenerateOptions,
  GenerateResult,
  ResolvedGenerateOptions,
} from './generate.js';
export { DEFAULT_GENERATE_OPTIONS, generate, resolveGenerateOptions, stream } from './generate.js';
export type { LogitsProcessorConfig } from './logits-processors.js';
export {
  allowedTokensProcessor,
  bannedTokensProcessor,
  createLogitsProcessor,
  LOGITS_PROCESSOR_TYPES,
  minPProcessor,
  noRepeatNgramProcessor,
  repetitionPenaltyProcessor,
  temperatureProcessor,
  topKProcessor,
  topPProcessor,
} from './logits-processors.js';
export { SeededRandom } from './random.js';
export type { SamplerConfig } from './samplers.js';
export { createSampler, greedySampler, multinomialSampler, SAMPLER_TYPES } from './samplers.js';
export { logSoftmax, softmax } from './softmax.js';
export { topIndices } from './top-indices.js';
export type {
  LogitsProcessor,
  LogitsProcessorContext,
  RandomSource,
  Sampler,
  StepModel,
  StoppingContext,
  StoppingCriterion,
  StopReason,
  Streamer,
  TokenDecoder,
  TokenEvent,
} from './types.js';
export type {
  ResolvedWindowedStepModelOptions,
  WindowedModel,
  WindowedOutputs,
  WindowedStepModel,
  WindowedStepModelOptions,
  WindowState,
} from './windowed-step-model.js';
export {
  DEFAULT_WINDOWED_STEP_MODEL_OPTIONS,
  resolveWindowedStepModelOptions,
  windowedStepModel,
} from './windowed-step-model.js';
