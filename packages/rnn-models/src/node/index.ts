/**
 * `@rnnkit/rnn-models/node`: checkpoints and model files on the local filesystem (node:fs).
 * Node-only, kept out of the browser entry point `@rnnkit/rnn-models`.
 */
export type { DirectorySource } from './atomic-directory.js';
export type {
  CheckpointExpectation,
  JsonValue,
  LoadedCheckpoint,
  LoadModelOptions,
  SavedOptimizerState,
  SaveModelOptions,
  SaveModelResult,
} from './checkpoint.js';
export { CHECKPOINT_FILES, loadModel, restoreOptimizer, saveModel } from './checkpoint.js';
export { fileSystemHandler, MODEL_FILE, WEIGHTS_FILE } from './file-io-handler.js';
export type {
  EpochState,
  ModelCheckpointEvent,
  ModelCheckpointOptions,
  ResolvedModelCheckpointOptions,
} from './model-checkpoint.js';
export {
  DEFAULT_MODEL_CHECKPOINT_OPTIONS,
  ModelCheckpoint,
  resolveModelCheckpointOptions,
} from './model-checkpoint.js';
