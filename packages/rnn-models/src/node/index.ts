/**
 * `@rnnkit/rnn-models/node`: checkpoints and model files on the local filesystem (node:fs).
 * Node-only, kept out of the browser entry point `@rnnkit/rnn-models`.
 */
export type { DirectorySource } from './atomic-directory.js';
export type { CheckpointExpectation, LoadModelOptions } from './checkpoint-expectations.js';
export type { JsonValue } from './checkpoint-manifest.js';
export { CHECKPOINT_FILES } from './checkpoint-manifest.js';
export { fileSystemHandler } from './file-io-handler.js';
export type { LoadedCheckpoint } from './load-model.js';
export { loadModel } from './load-model.js';
export type { MachineDescription } from './machine.js';
export { describeMachine } from './machine.js';
export type { EpochState, ModelCheckpointEvent, ModelCheckpointOptions } from './model-checkpoint.js';
export { DEFAULT_MODEL_CHECKPOINT_OPTIONS, ModelCheckpoint } from './model-checkpoint.js';
export type { SavedOptimizerState } from './optimizer-state.js';
export { restoreOptimizer } from './optimizer-state.js';
export type { SaveModelOptions, SaveModelResult } from './save-model.js';
export { saveModel } from './save-model.js';
export type { ExportTorchOptions, ExportTorchResult, TorchFiles } from './torch-files.js';
export { exportTorch, importTorch, readTorchFiles, TORCH_FILES, writeTorchFiles } from './torch-files.js';
