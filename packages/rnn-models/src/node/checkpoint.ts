import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// Registers rnnkit's layers (RnnkitLSTM, RnnkitGRU, …) so loadModel can rebuild them.
import '../layers/recurrent-layers.js';
import { registerChainedOps } from '../backend/chained-ops.js';
import { RnnModelsError } from '../errors.js';
import {
  type DirectorySource,
  listLeftovers,
  type ResolvedDirectory,
  replaceDirectory,
  resolveDirectory,
} from './atomic-directory.js';
import { copyFileDurably, isNotFound, statOrNull, uniqueTag, writeNewFileDurably } from './durable-fs.js';
import {
  corrupt,
  MODEL_FILE,
  readJsonFile,
  readModelArtifacts,
  readWeightsManifest,
  WEIGHTS_FILE,
  writeModelArtifacts,
} from './file-io-handler.js';

/** Any JSON value: what `extras` may hold (tokenizer vocabularies, epoch, step, RNG state, …). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** The files of a checkpoint directory written by {@link saveModel}. */
export const CHECKPOINT_FILES = {
  /** tfjs model JSON (topology + weights manifest), loadable by stock `tfl.loadLayersModel`. */
  model: MODEL_FILE,
  /** The model's weights, one shard. */
  weights: WEIGHTS_FILE,
  /** `extras`, when given. */
  extras: 'extras.json',
  /** Optimizer class, config and weights manifest, when an optimizer was given. */
  optimizer: 'optimizer.json',
  /** The optimizer's weights (`optimizer.getWeights()`: iterations, then its slots). */
  optimizerWeights: 'optimizer.bin',
  /** Written last: format version, save id and time, and the byte size of every other file. */
  manifest: 'checkpoint.json',
} as const;

const CHECKPOINT_FORMAT = 'rnnkit-checkpoint';
const OPTIMIZER_FORMAT = 'rnnkit-optimizer';
const FORMAT_VERSION = 1;
/** Reads retried when another process replaces the checkpoint while it is being read. */
const MAX_READ_ATTEMPTS = 10;

/** A name and tensor, as `optimizer.getWeights()` returns them. */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: number;
  /** Unique per save: a reader compares it before and after reading to detect a concurrent swap. */
  readonly id: string;
  readonly savedAt: string;
  readonly generatedBy: string;
  /** Byte size of every file of the checkpoint except checkpoint.json itself. */
  readonly files: Readonly<Record<string, number>>;
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /**
   * JSON stored beside the model in `extras.json` and returned by `loadModel`: the tokenizer or
   * vocabulary, training state (epoch, step, RNG state), anything JSON. Stored with
   * `JSON.stringify`, so `NaN`/`Infinity` come back as `null` and `undefined` fields vanish.
   * @default undefined (no extras.json)
   */
  readonly extras?: JsonValue;
  /**
   * Optimizer whose weights (`optimizer.getWeights()`: iteration count and slots, e.g. Adam's
   * moments) are stored in `optimizer.bin`, for an exact resume with {@link restoreOptimizer}.
   * Usually `model.optimizer`.
   * @default undefined (no optimizer state)
   */
  readonly optimizer?: tf.Optimizer;
}

/** What {@link saveModel} wrote. */
export interface SaveModelResult {
  /** Absolute path of the checkpoint directory. */
  readonly path: string;
  /** Byte size of each file, `checkpoint.json` included. */
  readonly files: Readonly<Record<string, number>>;
  /** Sum of `files`. */
  readonly bytes: number;
  /** ISO time of the save, also in `checkpoint.json` and `LoadedCheckpoint.savedAt`. */
  readonly savedAt: string;
}

/**
 * Saves `model` (and optionally JSON `extras` and an optimizer's state) as a checkpoint
 * directory, atomically: everything is written into a fresh `dir.tmp-*` beside `dir`, each file
 * fsynced, then swapped in by renames (`dir` → `dir.old-*`, temp → `dir`, old deleted). A crash at
 * any moment leaves either the previous complete checkpoint or the new complete one — never a mix;
 * `loadModel` finds whichever is there, and the next `saveModel` tidies the leftovers.
 *
 * Files: `model.json` + `weights.bin` (tfjs format, loadable by stock `tfl.loadLayersModel` in
 * Node through `fileSystemHandler` and in browsers over HTTP), `extras.json`, `optimizer.json` +
 * `optimizer.bin`, and `checkpoint.json` (written last; sizes of the others). Files you add to the
 * directory yourself are dropped by the next save. One writer per `dir` at a time.
 *
 * Tensors: reads the model's weights and the optimizer's; disposes only the temporary tensors
 * `optimizer.getWeights()` creates (the iteration count), never the model's or optimizer's.
 *
 * @param model a built tfjs-layers model (Sequential or functional).
 * @param dir checkpoint directory; created with its parents if missing.
 * @returns where and what was written.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when `model` is not a LayersModel, `extras`
 *   is not JSON-serialisable, the optimizer cannot export its weights (tfjs' Adamax), or `dir`
 *   exists and is not a checkpoint (no `checkpoint.json`/`model.json`: it is never replaced).
 * @example
 * await saveModel(model, 'runs/char-lstm/latest', {
 *   extras: { vocabulary, epoch: 12, step: 4800 },
 *   optimizer: model.optimizer,
 * });
 */
export async function saveModel(
  model: tfl.LayersModel,
  dir: string,
  options: SaveModelOptions = {},
): Promise<SaveModelResult> {
  const target = checkDir(dir, 'saveModel');
  if (!(model instanceof tfl.LayersModel)) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `saveModel(model, dir): model must be a tfjs-layers LayersModel (tfl.sequential / tfl.model), got ${describe(model)}.`,
    );
  }
  const { extras, optimizer } = resolveSaveModelOptions(options);
  const extrasText = extras === undefined ? undefined : stringifyExtras(extras);
  const savedAt = new Date().toISOString();
  const files: Record<string, number> = {};
  await replaceDirectory(
    target,
    async (temp) => {
      await model.save({
        save: async (artifacts) => {
          Object.assign(files, await writeModelArtifacts(temp, artifacts));
          return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
        },
      });
      if (extrasText !== undefined) {
        files[CHECKPOINT_FILES.extras] = await writeNewFileDurably(
          join(temp, CHECKPOINT_FILES.extras),
          extrasText,
        );
      }
      if (optimizer !== undefined) Object.assign(files, await writeOptimizer(temp, optimizer));
      const manifest: CheckpointManifest = {
        format: CHECKPOINT_FORMAT,
        formatVersion: FORMAT_VERSION,
        id: uniqueTag(),
        savedAt,
        generatedBy: '@rnnkit/rnn-models',
        files: { ...files },
      };
      files[CHECKPOINT_FILES.manifest] = await writeNewFileDurably(
        join(temp, CHECKPOINT_FILES.manifest),
        JSON.stringify(manifest, null, 2),
      );
    },
    { rank: rankCheckpoint, checkReplaceable },
  );
  const bytes = Object.values(files).reduce((a, b) => a + b, 0);
  return { path: target, files, bytes, savedAt };
}

/** Checks a loaded checkpoint against what the caller's data needs. */
export interface CheckpointExpectation {
  /**
   * Rows of the model's (first) Embedding layer, i.e. the tokenizer's vocabulary size.
   * @default undefined (not checked)
   */
  readonly vocabularySize?: number;
  /**
   * Shape of the model's (first) input without the batch dimension, e.g. `[100]` for 100 token
   * ids; `null` matches any size, as does a `null` in the model's own shape.
   * @default undefined (not checked)
   */
  readonly inputShape?: readonly (number | null)[];
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * What the checkpoint must fit; a difference is `RNN_MODELS_CHECKPOINT_MISMATCH`.
   * @default undefined (nothing checked beyond the checkpoint's own consistency)
   */
  readonly expect?: CheckpointExpectation;
}

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
  const target = checkDir(dir, 'loadModel');
  const expectation = resolveLoadModelOptions(options);
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
  checkpoint: Pick<LoadedCheckpoint, 'optimizer' | 'path'>,
): Promise<void> {
  if (!(optimizer instanceof tf.Optimizer)) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `restoreOptimizer(optimizer, checkpoint): optimizer must be a tfjs Optimizer (e.g. model.optimizer after compile), got ${describe(optimizer)}.`,
    );
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

/**
 * Copies a complete checkpoint directory to `dir`, atomically like {@link saveModel} (used by
 * `ModelCheckpoint` to update `best/` without serialising the model twice).
 */
export async function copyCheckpoint(source: string, dir: string): Promise<void> {
  const from = resolve(source);
  const manifest = await readManifest(from);
  if (manifest === null) throw corrupt(join(from, CHECKPOINT_FILES.manifest), 'is missing');
  await checkListedFiles(from, manifest);
  await replaceDirectory(
    resolve(dir),
    async (temp) => {
      for (const name of [...Object.keys(manifest.files), CHECKPOINT_FILES.manifest]) {
        await copyFileDurably(join(from, name), join(temp, name));
      }
    },
    { rank: rankCheckpoint, checkReplaceable },
  );
}

function resolveSaveModelOptions(options: SaveModelOptions): SaveModelOptions {
  if (typeof options !== 'object' || options === null) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `saveModel options must be an object, got ${describe(options)}.`,
    );
  }
  const { extras, optimizer } = options;
  if (optimizer !== undefined && !(optimizer instanceof tf.Optimizer)) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `saveModel option optimizer must be a tfjs Optimizer (e.g. model.optimizer), got ${describe(optimizer)}.`,
    );
  }
  return { extras, optimizer };
}

function resolveLoadModelOptions(options: LoadModelOptions): CheckpointExpectation {
  const expectation = options?.expect ?? {};
  const { vocabularySize, inputShape } = expectation;
  if (vocabularySize !== undefined && !(Number.isInteger(vocabularySize) && vocabularySize > 0)) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `loadModel option expect.vocabularySize must be a positive integer, got ${describe(vocabularySize)}.`,
    );
  }
  if (
    inputShape !== undefined &&
    !(Array.isArray(inputShape) && inputShape.every((d) => d === null || (Number.isInteger(d) && d > 0)))
  ) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `loadModel option expect.inputShape must be an array of positive integers or null (batch excluded), got ${describe(inputShape)}.`,
    );
  }
  return { vocabularySize, inputShape };
}

function checkDir(dir: string, caller: string): string {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${caller}: dir must be a non-empty path string, got ${describe(dir)}.`,
    );
  }
  return resolve(dir);
}

function stringifyExtras(extras: JsonValue): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(extras);
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `saveModel option extras must be JSON-serialisable: ${(cause as Error).message}. Store plain objects, arrays, strings, numbers, booleans and null.`,
      { cause },
    );
  }
  if (text === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `saveModel option extras must be a JSON value, got ${describe(extras)}.`,
    );
  }
  return text;
}

async function writeOptimizer(dir: string, optimizer: tf.Optimizer): Promise<Record<string, number>> {
  let named: NamedTensor[];
  try {
    named = await optimizer.getWeights();
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `saveModel option optimizer: the ${optimizer.getClassName()} optimizer cannot export its weights ` +
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

/** Refuses to replace an existing directory that is not a checkpoint (e.g. a project folder). */
async function checkReplaceable(target: string): Promise<void> {
  const names = await readdir(target);
  if (names.length === 0 || names.includes(CHECKPOINT_FILES.manifest) || names.includes(MODEL_FILE)) return;
  throw new RnnModelsError(
    'RNN_MODELS_INVALID_OPTION',
    `${target} exists and is not a checkpoint (no ${CHECKPOINT_FILES.manifest} or ${MODEL_FILE}); saving would ` +
      'replace it with all its files, so it is left alone. Save into a new directory or an existing checkpoint.',
  );
}

/**
 * Save time (ms) of a complete checkpoint directory, `null` for an incomplete one. A temp is
 * complete only with its checkpoint.json (written last); a previous version may also be a plain
 * tfjs model directory that a first saveModel replaced.
 */
async function rankCheckpoint(path: string, kind: 'temp' | 'previous' = 'previous'): Promise<number | null> {
  try {
    const manifest = await readManifest(path);
    if (manifest === null) {
      if (kind === 'temp') return null;
      await readModelArtifacts(path);
      return 0;
    }
    await checkListedFiles(path, manifest);
    const time = Date.parse(manifest.savedAt);
    return Number.isFinite(time) ? time : 0;
  } catch {
    return null;
  }
}

async function readManifest(dir: string): Promise<CheckpointManifest | null> {
  const path = join(dir, CHECKPOINT_FILES.manifest);
  let value: unknown;
  try {
    value = (await readJsonFile(path)).value;
  } catch (error) {
    if (isNotFound((error as Error).cause)) return null;
    throw error;
  }
  const manifest = value as Partial<CheckpointManifest> | null;
  const files = manifest?.files;
  if (
    manifest?.format !== CHECKPOINT_FORMAT ||
    typeof manifest.id !== 'string' ||
    typeof files !== 'object' ||
    files === null ||
    !Object.entries(files).every(
      ([name, size]) => /^[\w.-]+$/.test(name) && !name.startsWith('..') && Number.isInteger(size),
    )
  ) {
    throw corrupt(path, `is not an ${CHECKPOINT_FORMAT} manifest (format, id and files are required)`);
  }
  if (typeof manifest.formatVersion !== 'number' || manifest.formatVersion > FORMAT_VERSION) {
    throw new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_MISMATCH',
      `Checkpoint file ${path} has format version ${String(manifest.formatVersion)}; this @rnnkit/rnn-models ` +
        `reads up to ${FORMAT_VERSION}. Upgrade @rnnkit/rnn-models to load it.`,
    );
  }
  return manifest as CheckpointManifest;
}

async function readStamp(dir: string): Promise<string | null> {
  try {
    return (await readManifest(dir))?.id ?? null;
  } catch {
    return null;
  }
}

async function checkListedFiles(dir: string, manifest: CheckpointManifest): Promise<void> {
  for (const [name, size] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    const stats = await statOrNull(path);
    if (stats === null) throw corrupt(path, `is missing (${CHECKPOINT_FILES.manifest} lists it)`);
    if (stats.size !== size) {
      throw corrupt(
        path,
        `has ${stats.size} bytes, but ${CHECKPOINT_FILES.manifest} recorded ${size} ` +
          `(${stats.size < size ? 'truncated' : 'changed after the save'})`,
      );
    }
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
  const { artifacts } = await readModelArtifacts(dir);
  let extras: JsonValue | undefined;
  if (manifest?.files[CHECKPOINT_FILES.extras] !== undefined) {
    extras = (await readJsonFile(join(dir, CHECKPOINT_FILES.extras))).value as JsonValue;
  }
  let optimizer: SavedOptimizerState | undefined;
  if (manifest?.files[CHECKPOINT_FILES.optimizer] !== undefined) optimizer = await readOptimizer(dir);
  return { manifest, artifacts, extras, optimizer };
}

async function readOptimizer(dir: string): Promise<SavedOptimizerState> {
  const path = join(dir, CHECKPOINT_FILES.optimizer);
  const { value } = await readJsonFile(path);
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
  const weights = await readWeightsManifest(dir, json.weightsManifest, path);
  const weightData = Array.isArray(weights.data) ? tf.io.concatenateArrayBuffers(weights.data) : weights.data;
  return {
    className: json.className,
    config: json.config ?? null,
    weightSpecs: weights.specs,
    weightData,
    runningScalars: running as Record<string, number>,
  };
}

async function buildCheckpoint(
  contents: CheckpointContents,
  resolved: ResolvedDirectory,
  expectation: CheckpointExpectation,
): Promise<LoadedCheckpoint> {
  const modelPath = join(resolved.path, MODEL_FILE);
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

function checkExpectation(
  model: tfl.LayersModel,
  expectation: CheckpointExpectation,
  modelPath: string,
): void {
  const { vocabularySize, inputShape } = expectation;
  if (vocabularySize !== undefined) {
    const embedding = findLayer(model, 'Embedding');
    if (embedding === undefined) {
      throw new RnnModelsError(
        'RNN_MODELS_CHECKPOINT_MISMATCH',
        `Checkpoint ${modelPath} has no Embedding layer, so it cannot take a vocabulary of ${vocabularySize}: ` +
          'load the checkpoint of a token model, or drop expect.vocabularySize.',
      );
    }
    const rows = (embedding.getConfig() as { inputDim?: number }).inputDim;
    if (rows !== vocabularySize) {
      throw new RnnModelsError(
        'RNN_MODELS_CHECKPOINT_MISMATCH',
        `Checkpoint ${modelPath}: its Embedding layer "${embedding.name}" has ${String(rows)} rows, but ` +
          `expect.vocabularySize is ${vocabularySize}. The model was trained with another vocabulary: use the ` +
          'tokenizer saved with it (its extras), or train a new model for this vocabulary.',
      );
    }
  }
  if (inputShape !== undefined) {
    const actual = model.inputs[0]?.shape.slice(1) ?? [];
    const fits =
      actual.length === inputShape.length &&
      actual.every((d, i) => d === null || inputShape[i] === null || d === inputShape[i]);
    if (!fits) {
      throw new RnnModelsError(
        'RNN_MODELS_CHECKPOINT_MISMATCH',
        `Checkpoint ${modelPath}: the model's input shape is [${actual.map(String).join(', ')}] (batch excluded), ` +
          `but expect.inputShape is [${inputShape.map(String).join(', ')}]. Pad or cut the data to the model's ` +
          'shape, or load the checkpoint made for this shape.',
      );
    }
  }
}

function findLayer(model: tfl.LayersModel, className: string): tfl.layers.Layer | undefined {
  for (const layer of model.layers) {
    if (layer.getClassName() === className) return layer;
    if (layer instanceof tfl.LayersModel) {
      const inner = findLayer(layer, className);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
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

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
