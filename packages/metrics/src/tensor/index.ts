/**
 * `@rnnkit/metrics/tensor`: training-time losses and metrics on tfjs tensors, for tfjs-layers'
 * `model.compile({ loss, metrics })` and rnn-models' `train()`. Needs `@tensorflow/tfjs-core`
 * (an optional peer dependency of `@rnnkit/metrics`; the main entry does not use tfjs).
 */
export type {
  BinaryAccuracyOptions,
  MaskedAccuracyOptions,
  TopKAccuracyOptions,
} from './accuracy.js';
export {
  binaryAccuracy,
  categoricalAccuracy,
  DEFAULT_BINARY_ACCURACY_OPTIONS,
  DEFAULT_MASKED_ACCURACY_OPTIONS,
  DEFAULT_TOP_K_ACCURACY_OPTIONS,
  maskedAccuracy,
  sparseCategoricalAccuracy,
  topKAccuracy,
} from './accuracy.js';
export type { MaskedLossOptions } from './masked-loss.js';
export {
  DEFAULT_MASKED_LOSS_OPTIONS,
  maskedSparseCategoricalCrossentropy,
} from './masked-loss.js';
export type { TensorMetric } from './tensor-metric.js';
