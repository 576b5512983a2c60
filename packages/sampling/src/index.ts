export { SeededRandom } from '@rnnkit/core';
export type { BeamHypothesis, BeamSearchResult } from './beam-search.js';
export { beamSearch } from './beam-search.js';
export type { BeamSearchOptions, EarlyStopping } from './beam-search-options.js';
export { DEFAULT_BEAM_SEARCH_OPTIONS } from './beam-search-options.js';
export type { SamplingErrorCode } from './errors.js';
export { SamplingError } from './errors.js';
export type { GeneratedSequence, GenerateResult } from './generate.js';
export { generate, stream } from './generate.js';
export type { GenerateOptions } from './generate-options.js';
export { DEFAULT_GENERATE_OPTIONS } from './generate-options.js';
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
  WindowedModel,
  WindowedOutputs,
  WindowedStepModel,
  WindowedStepModelOptions,
  WindowState,
} from './windowed-step-model.js';
export { DEFAULT_WINDOWED_STEP_MODEL_OPTIONS, windowedStepModel } from './windowed-step-model.js';
