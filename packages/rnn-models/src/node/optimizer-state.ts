import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { registerChainedOps } from '../backend/chained-ops.js';
import { RnnModelsError, validate } from '../errors.js';
import { CHECKPOINT_FILES, FORMAT_VERSION, type JsonValue } from './checkpoint-manifest.js';
import { writeNewFileDurably } from './durable-fs.js';
import { corrupt, readJsonFile, readWeightsManifest } from './file-io-handler.js';

const OPTIMIZER_FORMAT = 'rnnkit-optimizer';

/** A name and tensor, as `optimizer.getWeights()` returns them. */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/** The optimizer state of a checkpoint: plain bytes, no tensors (restore with {@link restoreOptimizer}). */
export interface SavedOptimizerState {
  /** `optimizer.getClassName()` at save time, e.g. `'Adam'`. */
  readonly className: string;
  /** `optimizer.getConfig()` at save time (learning rate, betas, …). */
  readonly config: JsonValue;
  /** One entry per weight, in `getWeights()` order (`iter` first). */
  readonly weightSpecs: readonly tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
  /**
   * Scalar variables the optimizer keeps outside `getWeights()` (Adam's running `accBeta1`,
   * `accBeta2`: tfjs' `setWeights` recomputes them with `pow`, which differs from the running
   * product in the last bits), restored as saved so a resume is bit-exact.
   */
  readonly runningScalars: Readonly<Record<string, number>>;
}

/**
 * Whether `value` is a tfjs optimizer. (`instanceof tf.Optimizer` alone throws a TypeError on
 * `null`: tfjs' `Symbol.hasInstance` reads `value.minimize`.)
 */
export function isOptimizer(value: unknown): value is tf.Optimizer {
  return typeof value === 'object' && value !== null && value instanceof tf.Optimizer;
}

/** Optimizer fields (tfjs internals) holding running scalars that `getWeights()` omits. */
const RUNNING_SCALARS = ['accBeta1', 'accBeta2'] as const;

function runningScalarsOf(optimizer: tf.Optimizer): Record<string, number> {
  const values: Record<string, number> = {};
  for (const name of RUNNING_SCALARS) {
    const value = (optimizer as unknown as Record<string, unknown>)[name];
    if (value instanceof tf.Variable && value.size === 1) values[name] = value.dataSync()[0]!;
  }
  return values;
}

/**
 * Restores a saved optimizer state into `optimizer` (typically the fresh optimizer of the loaded
 * model after `compile`), so training resumes exactly: same iteration count (Adam's bias
 * correction) and slots (moments, accumulators). The model's trainable weights must be in the
 * same order as when saved, which holds for a model loaded from the same checkpoint.
 *
 * Tensors: the optimizer takes new variables holding the saved values; the variables it held
 * before are disposed, as are all temporary tensors. The checkpoint holds no tensors.
 *
 * @param optimizer the optimizer to fill, of the saved class.
 * @param checkpoint a `loadModel` result (only `optimizer` and `path` are used).
 * @throws RnnModelsError `RNN_MODELS_CHECKPOINT_MISMATCH` when the checkpoint has no optimizer
 *   state or it belongs to another optimizer class; `RNN_MODELS_INVALID_OPTION` when `optimizer`
 *   is not a tfjs optimizer.
 * @example
 * const checkpoint = await loadModel(dir);
 * checkpoint.model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
 * await restoreOptimizer(checkpoint.model.optimizer, checkpoint);
 */
export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  checkpoint: { readonly optimizer: SavedOptimizerState | undefined; readonly path: string },
): Promise<void> {
  if (!isOptimizer(optimizer)) {
    validate.invalid(
      'restoreOptimizer',
      'optimizer',
      optimizer,
      'must be a tfjs Optimizer (e.g. model.optimizer after compile)',
    );
  }
  if (typeof checkpoint !== 'object' || checkpoint === null) {
    validate.invalid('restoreOptimizer', 'checkpoint', checkpoint, 'must be what loadModel returned');
  }
  const state = checkpoint.optimizer;
  if (state === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_MISMATCH',
      `Checkpoint ${checkpoint.path} has no optimizer state: save it with saveModel(model, dir, { optimizer: model.optimizer }).`,
    );
  }
  if (optimizer.getClassName() !== state.className) {
    throw new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_MISMATCH',
      `Checkpoint ${checkpoint.path} holds the state of a ${state.className} optimizer, not of the given ` +
        `${optimizer.getClassName()}: compile the model with a ${state.className} optimizer before restoring.`,
    );
  }
  registerChainedOps(); // tfjs' setWeights calls tensor.variable()
  const decoded = tf.io.decodeWeights(state.weightData, [...state.weightSpecs]);
  const values = state.weightSpecs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name]! }));
  let before: NamedTensor[] = [];
  try {
    before = await optimizer.getWeights();
  } catch {
    before = [];
  }
  try {
    await optimizer.setWeights(values);
  } catch (error) {
    tf.dispose(before.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
    throw new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_MISMATCH',
      `Checkpoint ${checkpoint.path}: the ${state.className} optimizer rejected the saved state (${(error as Error).message}).`,
      { cause: error },
    );
  } finally {
    tf.dispose(values.map((w) => w.tensor));
  }
  for (const [name, saved] of Object.entries(state.runningScalars)) {
    const variable = (optimizer as unknown as Record<string, unknown>)[name];
    if (variable instanceof tf.Variable && variable.size === 1) {
      tf.tidy(() => variable.assign(tf.reshape(tf.scalar(saved, variable.dtype), variable.shape)));
    }
  }
  // tfjs' setWeights replaces its slot variables without disposing the old ones.
  const after = await optimizer.getWeights();
  const kept = new Set(after.map((w) => w.tensor));
  tf.dispose(after.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  tf.dispose(before.filter((w) => !kept.has(w.tensor)).map((w) => w.tensor));
}

export async function writeOptimizer(dir: string, optimizer: tf.Optimizer): Promise<Record<string, number>> {
  let named: NamedTensor[];
  try {
    named = await optimizer.getWeights();
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `saveModel: optimizer: the ${optimizer.getClassName()} optimizer cannot export its weights ` +
        `(${(cause as Error).message}); save without { optimizer } or use another optimizer.`,
      { cause },
    );
  }
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    const files: Record<string, number> = {};
    files[CHECKPOINT_FILES.optimizerWeights] = await writeNewFileDurably(
      join(dir, CHECKPOINT_FILES.optimizerWeights),
      new Uint8Array(data),
    );
    const json = {
      format: OPTIMIZER_FORMAT,
      formatVersion: FORMAT_VERSION,
      className: optimizer.getClassName(),
      config: optimizer.getConfig(),
      runningScalars: runningScalarsOf(optimizer),
      weightsManifest: [{ paths: [CHECKPOINT_FILES.optimizerWeights], weights: specs }],
    };
    files[CHECKPOINT_FILES.optimizer] = await writeNewFileDurably(
      join(dir, CHECKPOINT_FILES.optimizer),
      JSON.stringify(json),
    );
    return files;
  } finally {
    // getWeights returns the optimizer's own variables plus freshly made tensors (the iteration count).
    tf.dispose(named.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  }
}

export async function readOptimizer(
  dir: string,
  record?: Map<string, Uint8Array>,
): Promise<SavedOptimizerState> {
  const path = join(dir, CHECKPOINT_FILES.optimizer);
  const { value } = await readJsonFile(path, record);
  const json = value as {
    format?: unknown;
    className?: unknown;
    config?: JsonValue;
    runningScalars?: unknown;
    weightsManifest?: unknown;
  };
  if (json?.format !== OPTIMIZER_FORMAT || typeof json.className !== 'string') {
    throw corrupt(path, `is not an ${OPTIMIZER_FORMAT} file (format and className are required)`);
  }
  const running = json.runningScalars ?? {};
  if (
    typeof running !== 'object' ||
    running === null ||
    !Object.values(running).every((v) => typeof v === 'number')
  ) {
    throw corrupt(path, 'has runningScalars that are not a map of numbers');
  }
  const weights = await readWeightsManifest(dir, json.weightsManifest, path, record);
  const weightData = Array.isArray(weights.data) ? tf.io.concatenateArrayBuffers(weights.data) : weights.data;
  return {
    className: json.className,
    config: json.config ?? null,
    weightSpecs: weights.specs,
    weightData,
    runningScalars: running as Record<string, number>,
  };
}
