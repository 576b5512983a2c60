export type { SamplingErrorCode } from './errors.js';
export { SamplingError } from './errors.js';
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
