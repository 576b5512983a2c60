export type { BackendName, InitBackendOptions } from './backend.js';
export { initBackend } from './backend.js';
export { registerChainedOps } from './chained-ops.js';
export type { RnnModelsErrorCode } from './errors.js';
export { RnnModelsError } from './errors.js';
export type { LstmSequenceResult, LstmWeights } from './lstm-sequence.js';
export { lstmSequence } from './lstm-sequence.js';
export { registerWasmKernels, WASM_KERNELS } from './wasm-kernels.js';
