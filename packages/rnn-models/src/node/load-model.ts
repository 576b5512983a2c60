import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// Registers rnnkit's layers (RnnkitLSTM, RnnkitGRU, …) so loadModel can rebuild them.
import '../layers/recurrent-layers.js';
import { RnnModelsError } from '../errors.js';
import {
  type DirectorySource,
  listLeftovers,
  type ResolvedDirectory,
  resolveDirectory,
} from './atomic-directory.js';
import {
  type CheckpointExpectation,
  checkExpectation,
  type LoadModelOptions,
  resolveLoadModelOptions,
} from './checkpoint-expectations.js';
import {
  CHECKPOINT_FILES,
  type CheckpointManifest,
  checkListedFiles,
  checkpointDir,
  type JsonValue,
  rankCheckpoint,
  readManifest,
  readStamp,
  verifyChecksums,
} from './checkpoint-manifest.js';
import { asIoError, statOrNull } from './durable-fs.js';
import { corrupt, MODEL_FILE, readJsonFile, readModelArtifacts } from './file-io-handler.js';
import { readOptimizer, type SavedOptimizerState } from './optimizer-state.js';

/** Reads retried when another process replaces the checkpoint while it is being read. */
const MAX_READ_ATTEMPTS = 10;

/** What {@link loadModel} returns. */
export interface LoadedCheckpoint {
  /** The rebuilt model with its weights, uncompiled. The caller owns it: `model.dispose()`. */
  readonly model: tfl.LayersModel;
  /** The `extras` JSON given to `saveModel`, or `undefined` if none was saved. */
  readonly extras: JsonValue | undefined;
  /** The optimizer state, if one was saved; see {@link restoreOptimizer}. */
  readonly optimizer: SavedOptimizerState | undefined;
  /** Absolute path of the directory actually read (a leftover if `dir` was mid-swap). */
  readonly path: string;
  /**
   * `'directory'` normally; `'interrupted-save'` when a crash stopped a save after it had
   * written everything (the new checkpoint), `'previous'` when only the previous one survives.
   */
  readonly source: DirectorySource;
  /** ISO time of the save, or `undefined` for a plain tfjs model directory. */
  readonly savedAt: string | undefined;
}

/**
 * Loads a checkpoint written by {@link saveModel} (or any tfjs layers-model directory, then
 * without extras): rebuilds the model — rnnkit's layers included — with its weights, and reads
 * `extras` and the optimizer state. Every file is checked first: listed files must exist with
 * their recorded sizes and weights files must hold exactly the bytes the manifest needs. Reading
 * never changes the disk: after a crash mid-save it reads the surviving complete version
 * (`source` says which). If another process swaps in a new save while this reads, the read is
 * retried, so the files returned always come from one save.
 *
 * Tensors: the returned model owns its weights; the caller owns the model (`model.dispose()`).
 * Nothing else holds tensors. When `expect` does not match, the model is disposed before the
 * error is thrown. (If tfjs-layers itself rejects the weights — shapes that contradict the
 * topology — tfjs 4.22 does not dispose the half-built model's tensors.)
 *
 * @param dir the checkpoint directory given to `saveModel`.
 * @throws RnnModelsError `RNN_MODELS_CHECKPOINT_CORRUPT` when there is no checkpoint at `dir`, a
 *   file is missing, truncated or not valid JSON (the message names the file);
 *   `RNN_MODELS_CHECKPOINT_MISMATCH` when weight shapes contradict the topology, a layer class is
 *   not registered, or `expect` is not met (e.g. Embedding rows ≠ `vocabularySize`);
 *   `RNN_MODELS_INVALID_OPTION` for a malformed `expect`.
 * @example
 * const { model, extras, optimizer } = await loadModel('runs/char-lstm/latest', {
 *   expect: { vocabularySize: tokenizer.vocabularySize },
 * });
 * model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
 * await restoreOptimizer(model.optimizer, { optimizer, path: dir });
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<LoadedCheckpoint> {
  const target = checkpointDir(dir, 'loadModel');
  const expectation = resolveLoadModelOptions(options);
  try {
    return await loadCheckpoint(target, expectation);
  } catch (error) {
    throw asIoError(error, 'loadModel: reading', target);
  }
}

async function loadCheckpoint(target: string, expectation: CheckpointExpectation): Promise<LoadedCheckpoint> {
  for (let attempt = 1; ; attempt++) {
    const resolved = await resolveDirectory(target, rankCheckpoint);
    if (resolved === null) {
      // A concurrent save can be between its renames while the directory is listed; look again
      // shortly before concluding there is no checkpoint.
      if (attempt < MAX_READ_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
        continue;
      }
      throw await noCheckpoint(target);
    }
    const stamp = await readStamp(resolved.path);
    let contents: CheckpointContents;
    try {
      contents = await readCheckpointContents(resolved.path);
      // Compare the stamps even without a manifest: a directory read between a concurrent save's
      // two renames looks manifest-less (a plain tfjs directory) while the new files appear.
      const read = contents.manifest?.id ?? null;
      const after = await readStamp(resolved.path);
      if (stamp !== read || after !== read) throw new ChangedWhileReading();
    } catch (error) {
      // A file that vanished mid-read may have been renamed away by a concurrent save: look
      // again (a really missing file stays missing and fails on the last attempt).
      const vanished = (error as { cause?: { code?: unknown } }).cause?.code === 'ENOENT';
      const changed =
        error instanceof ChangedWhileReading ||
        (isCode(error, 'RNN_MODELS_CHECKPOINT_CORRUPT') &&
          (vanished || (await changedSince(target, resolved, stamp))));
      if (changed && attempt < MAX_READ_ATTEMPTS) {
        // back off so a writer saving in a loop gets its swap done before the next look
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
        continue;
      }
      if (error instanceof ChangedWhileReading) {
        throw new RnnModelsError(
          'RNN_MODELS_CHECKPOINT_CORRUPT',
          `Checkpoint ${target} was replaced ${MAX_READ_ATTEMPTS} times while it was being read: another ` +
            'process keeps saving into it. Load it again when that save is done.',
        );
      }
      throw error;
    }
    return buildCheckpoint(contents, resolved, expectation);
  }
}

interface CheckpointContents {
  readonly manifest: CheckpointManifest | null;
  readonly artifacts: tf.io.ModelArtifacts;
  readonly extras: JsonValue | undefined;
  readonly optimizer: SavedOptimizerState | undefined;
}

async function readCheckpointContents(dir: string): Promise<CheckpointContents> {
  const manifest = await readManifest(dir);
  const read = new Map<string, Uint8Array>();
  if (manifest === null) {
    for (const name of [CHECKPOINT_FILES.extras, CHECKPOINT_FILES.optimizer]) {
      if ((await statOrNull(join(dir, name))) !== null) {
        throw corrupt(
          join(dir, CHECKPOINT_FILES.manifest),
          `is missing, though ${name} shows the directory was written by saveModel`,
        );
      }
    }
  } else {
    await checkListedFiles(dir, manifest);
  }
  const { artifacts } = await readModelArtifacts(dir, read);
  let extras: JsonValue | undefined;
  if (manifest?.files[CHECKPOINT_FILES.extras] !== undefined) {
    extras = (await readJsonFile(join(dir, CHECKPOINT_FILES.extras), read)).value as JsonValue;
  }
  let optimizer: SavedOptimizerState | undefined;
  if (manifest?.files[CHECKPOINT_FILES.optimizer] !== undefined) optimizer = await readOptimizer(dir, read);
  // the bytes just read, not a second read, are what must match the sums
  if (manifest !== null) await verifyChecksums(dir, manifest, read);
  return { manifest, artifacts, extras, optimizer };
}

async function buildCheckpoint(
  contents: CheckpointContents,
  resolved: ResolvedDirectory,
  expectation: CheckpointExpectation,
): Promise<LoadedCheckpoint> {
  const modelPath = join(resolved.path, MODEL_FILE);
  await checkWeightsFit(contents.artifacts, modelPath);
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel({ load: async () => contents.artifacts }, { strict: true });
  } catch (error) {
    throw describeLoadError(error, modelPath);
  }
  try {
    checkExpectation(model, expectation, modelPath);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return {
    model,
    extras: contents.extras,
    optimizer: contents.optimizer,
    path: resolved.path,
    source: resolved.source,
    savedAt: contents.manifest?.savedAt,
  };
}

/**
 * Builds the topology once with zero initializers (cheap) and checks that the weights file has
 * exactly the weights it creates, with the same shapes, before the real load: tfjs-layers'
 * `loadLayersModel` does not dispose the model it built nor the decoded weights when they do not
 * fit. The check build is synchronous (tfjs' `modelFromJSON` runs up to its first await), so the
 * variables it creates are known exactly and disposed on every path, also when a layer class is
 * unknown halfway through.
 */
async function checkWeightsFit(artifacts: tf.io.ModelArtifacts, modelPath: string): Promise<void> {
  const registered = (): [string, tf.Variable][] => Object.entries(tf.engine().registeredVariables);
  const before = new Set(registered().map(([name]) => name));
  let pending: Promise<tfl.LayersModel>;
  try {
    pending = tfl.models.modelFromJSON({
      modelTopology: zeroInitialized(artifacts.modelTopology) as tf.io.ModelJSON['modelTopology'],
    } as tf.io.ModelJSON);
  } catch (error) {
    pending = Promise.reject(error);
  }
  const created = registered()
    .filter(([name]) => !before.has(name))
    .map(([, variable]) => variable);
  let probe: tfl.LayersModel | undefined;
  try {
    probe = await pending;
    const shapes = new Map<string, readonly number[]>();
    for (const layer of probe.layers) {
      for (const weight of layer.weights) shapes.set(weight.originalName, weight.shape as number[]);
    }
    const mismatch = (detail: string): RnnModelsError =>
      describeLoadError(new Error(`Shape mismatch: ${detail}`), modelPath);
    for (const spec of artifacts.weightSpecs ?? []) {
      if (spec.group === 'optimizer') continue;
      let name = spec.name;
      if (!shapes.has(name)) {
        const tokens = name.split('/');
        name = [...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/');
      }
      const shape = shapes.get(name);
      if (shape === undefined) {
        throw describeLoadError(
          new Error(`Provided weight data has no target variable: ${spec.name}`),
          modelPath,
        );
      }
      if (shape.length !== spec.shape.length || shape.some((d, i) => d !== spec.shape[i])) {
        throw mismatch(
          `weight ${spec.name} is [${spec.shape.join(', ')}] in the weights file, the topology makes [${shape.join(', ')}]`,
        );
      }
      shapes.delete(name);
    }
    if (shapes.size > 0) {
      throw describeLoadError(
        new Error(`${shapes.size} weights are not set: ${[...shapes.keys()].slice(0, 5).join(', ')}`),
        modelPath,
      );
    }
  } catch (error) {
    throw describeLoadError(error, modelPath);
  } finally {
    tf.dispose(created.filter((variable) => !variable.isDisposed));
    // Stateful layers build their zero states with the model; they are tensors, not variables.
    for (const layer of probe?.layers ?? []) {
      const recurrent = layer as { stateful?: boolean; states?: readonly (tf.Tensor | null)[] };
      if (recurrent.stateful === true)
        tf.dispose((recurrent.states ?? []).filter((t): t is tf.Tensor => t !== null));
    }
  }
}

/** A copy of a topology with every `*_initializer` set to zeros (the check build's fast path). */
function zeroInitialized(node: unknown, depth = 0): unknown {
  if (depth > 64 || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((item) => zeroInitialized(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const isInitializer =
      /(_initializer|Initializer)$/.test(key) &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value);
    copy[key] = isInitializer ? { class_name: 'Zeros', config: {} } : zeroInitialized(value, depth + 1);
  }
  return copy;
}

function describeLoadError(error: unknown, modelPath: string): RnnModelsError {
  if (error instanceof RnnModelsError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (/shape mismatch|weights are not set|no target variable/i.test(message)) {
    return new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_MISMATCH',
      `Checkpoint ${modelPath}: the weights do not fit the model its modelTopology describes (${message}). ` +
        'The weights file belongs to another model or model.json was edited: save the checkpoint again from the model that made it.',
      { cause: error },
    );
  }
  if (/unknown (layer|initializer|regularizer|constraint|activation)|not registered/i.test(message)) {
    return new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_MISMATCH',
      `Checkpoint ${modelPath} uses a class this process has not registered (${message}): import the module ` +
        'that defines it before loading (rnnkit registers its own layers when @rnnkit/rnn-models is imported).',
      { cause: error },
    );
  }
  return new RnnModelsError(
    'RNN_MODELS_CHECKPOINT_CORRUPT',
    `Checkpoint file ${modelPath}: tfjs-layers could not rebuild the model from it (${message}). ` +
      'Save the checkpoint again, or restore it from a backup.',
    { cause: error },
  );
}

class ChangedWhileReading extends Error {}

async function changedSince(
  target: string,
  resolved: ResolvedDirectory,
  stamp: string | null,
): Promise<boolean> {
  const now = await resolveDirectory(target, rankCheckpoint);
  // Nothing complete to read right now, though something was a moment ago: a save is mid-swap.
  if (now === null) return true;
  return now.path !== resolved.path || (await readStamp(now.path)) !== stamp;
}

async function noCheckpoint(target: string): Promise<RnnModelsError> {
  const temps = (await listLeftovers(target)).filter((l) => l.kind === 'temp');
  const detail =
    temps.length > 0
      ? `only an interrupted first save (${temps.map((t) => t.path).join(', ')}) is there, and it is incomplete. Save again`
      : 'the directory does not exist. Check the path, or save a checkpoint there with saveModel';
  return new RnnModelsError('RNN_MODELS_CHECKPOINT_CORRUPT', `No checkpoint at ${target}: ${detail}.`);
}

function isCode(error: unknown, code: RnnModelsError['code']): boolean {
  return error instanceof RnnModelsError && error.code === code;
}
