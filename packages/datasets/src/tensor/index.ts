export type {
  Example,
  NumericValue,
  TensorBatch,
  TensorBatchOptions,
  TensorPaddingOptions,
} from './to-tensors.js';
export { DEFAULT_TENSOR_BATCH_OPTIONS, tensorBatch, toTensors } from './to-tensors.js';
