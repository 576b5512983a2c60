import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';
import { checkTargetKind } from './atomic-directory.js';
import { asIoError, isNotFound, lstatOrNull, replaceFileDurably, syncDirectory } from './durable-fs.js';

/** Name of the model file, in TensorFlow.js' format (`tfl.loadLayersModel` reads it over HTTP too). */
export const MODEL_FILE = 'model.json';
/** Name of the single weights file `fileSystemHandler` writes (tfjs-node's name). */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * A TensorFlow.js `io.IOHandler` that saves a model to a directory on the local filesystem and
 * loads it back, for Node, where tfjs-node's `file://` handler is not available without the
 * native tfjs-node package.
 *
 * `save` writes `dir/weights.bin` (all weights, one shard) and then `dir/model.json` in tfjs'
 * format: `modelTopology`, `weightsManifest` (`paths: ['weights.bin']`), `format`, `generatedBy`,
 * `convertedBy`, and — when present — `trainingConfig`, `userDefinedMetadata`, `signature`. Each
 * file is written to a temporary name, fsynced and renamed, so neither is ever half-written; the
 * pair is not replaced as one unit (use `saveModel` for that). The directory is created if needed.
 *
 * `load` reads any tfjs layers-model directory (several shards and groups too), checks that
 * every weights file exists and has the byte length the manifest needs, and returns the
 * artifacts; `tfl.loadLayersModel` builds the model. A directory written by `save` also loads in
 * browsers with `tfl.loadLayersModel('https://…/model.json')`.
 *
 * Tensors: `save` reads the weights tfjs hands it and disposes nothing; `load` returns plain bytes.
 *
 * @param dir directory of `model.json` (relative paths resolve against the working directory).
 * @throws RnnModelsError `RNN_MODELS_CHECKPOINT_CORRUPT` from `load` when `model.json` or a weights
 *   file is missing, `model.json` is not valid JSON or lacks `modelTopology`/`weightsManifest`, or
 *   a weights file is shorter or longer than its manifest says; the message names the file.
 *   `RNN_MODELS_INVALID_OPTION` from `save` for a GraphDef (binary) topology.
 * @example
 * const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
 * await model.save(fileSystemHandler('/tmp/my-model'));
 * const again = await tfl.loadLayersModel(fileSystemHandler('/tmp/my-model'));
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `fileSystemHandler(dir): dir must be a non-empty path string, got ${JSON.stringify(dir)}.`,
    );
  }
  const target = resolve(dir);
  return {
    save: async (artifacts) => {
      try {
        await checkModelDirectory(target);
        await writeModelArtifacts(target, artifacts);
      } catch (error) {
        throw asIoError(error, 'fileSystemHandler: saving into', target);
      }
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => {
      try {
        return (await readModelArtifacts(target)).artifacts;
      } catch (error) {
        throw asIoError(error, 'fileSystemHandler: reading', target);
      }
    },
  };
}

/**
 * `fileSystemHandler`'s save target rule: `dir` is missing, an empty directory, or a tfjs model
 * directory (it has `model.json`) whose `model.json`/`weights.bin` are regular files and which is
 * not a saveModel checkpoint. Anything else is `RNN_MODELS_INVALID_OPTION` and left untouched.
 */
async function checkModelDirectory(dir: string): Promise<void> {
  if ((await checkTargetKind(dir, 'fileSystemHandler')) === 'missing') return;
  const names = await readdir(dir);
  if (names.length === 0) return;
  const refuse = (problem: string): never => {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `fileSystemHandler: cannot save into ${dir}: ${problem}. It is left untouched: save into a new or ` +
        'empty directory (or use saveModel for checkpoints).',
    );
  };
  if (names.includes('checkpoint.json')) {
    refuse('it is a saveModel checkpoint (checkpoint.json), which this would leave inconsistent');
  }
  if (!names.includes(MODEL_FILE))
    refuse(`it is not empty and holds no ${MODEL_FILE}, so it is not a model directory`);
  for (const name of [MODEL_FILE, WEIGHTS_FILE]) {
    const stats = await lstatOrNull(join(dir, name));
    if (stats !== null && !stats.isFile()) refuse(`its ${name} is not a regular file`);
  }
}

/** Writes `weights.bin` then `model.json` into `dir`; returns the byte size of each file. */
export async function writeModelArtifacts(
  dir: string,
  artifacts: tf.io.ModelArtifacts,
): Promise<Record<string, number>> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      'fileSystemHandler saves layers models (JSON topology); it received a binary GraphDef topology. ' +
        'Save graph models with the TensorFlow converter instead.',
    );
  }
  await mkdir(dir, { recursive: true });
  const files: Record<string, number> = {};
  const hasWeights = artifacts.weightData != null && artifacts.weightSpecs != null;
  if (hasWeights) {
    const data = artifacts.weightData!;
    const chunks = (Array.isArray(data) ? data : [data]).map((buffer) => new Uint8Array(buffer));
    files[WEIGHTS_FILE] = await replaceFileDurably(join(dir, WEIGHTS_FILE), chunks);
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    weightsManifest: hasWeights ? [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs! }] : [],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
  };
  if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) modelJson.initializerSignature = artifacts.initializerSignature;
  files[MODEL_FILE] = await replaceFileDurably(join(dir, MODEL_FILE), JSON.stringify(modelJson));
  await syncDirectory(dir);
  return files;
}

/** What {@link readModelArtifacts} read: the artifacts and the size of every file it used. */
export interface ReadModelArtifacts {
  readonly artifacts: tf.io.ModelArtifacts;
  readonly files: Record<string, number>;
}

/**
 * Reads and checks `dir/model.json` and its weights files: only regular files, weights sizes
 * checked against the manifest before they are read, and the topology's sizes bounded by the
 * weights it comes with ({@link checkTopologyBounds}). `record` receives every file's bytes.
 */
export async function readModelArtifacts(
  dir: string,
  record?: Map<string, Uint8Array>,
): Promise<ReadModelArtifacts> {
  const modelPath = join(dir, MODEL_FILE);
  const { value: json, bytes: jsonBytes } = await readJsonFile(modelPath, record);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw corrupt(modelPath, 'is not a JSON object with modelTopology and weightsManifest');
  }
  const modelJson = json as tf.io.ModelJSON;
  if (typeof modelJson.modelTopology !== 'object' || modelJson.modelTopology === null) {
    throw corrupt(modelPath, 'has no modelTopology object');
  }
  const weights = await readWeightsManifest(dir, modelJson.weightsManifest, modelPath, record);
  checkTopologyBounds(modelJson.modelTopology, weights.specs, modelPath);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async () => [
    weights.specs,
    weights.data,
  ]);
  return { artifacts, files: { [MODEL_FILE]: jsonBytes, ...weights.files } };
}

/** Weights read through a manifest: specs in manifest order and their bytes, file by file. */
export interface ReadWeights {
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly data: ArrayBuffer | ArrayBuffer[];
  readonly files: Record<string, number>;
}

/**
 * Reads the weights files a tfjs `weightsManifest` lists (relative to `dir`), checking that each
 * group's files exist and add up to the bytes its weights need. `referrer` is the JSON file that
 * holds the manifest, for messages.
 */
export async function readWeightsManifest(
  dir: string,
  manifest: unknown,
  referrer: string,
  record?: Map<string, Uint8Array>,
): Promise<ReadWeights> {
  if (!Array.isArray(manifest)) throw corrupt(referrer, 'has no weightsManifest list');
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  const files: Record<string, number> = {};
  for (const group of manifest as unknown[]) {
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !Array.isArray(weights) || !paths.every((p) => typeof p === 'string')) {
      throw corrupt(referrer, 'has a weightsManifest group without a paths list and a weights list');
    }
    let needed: number | null = 0;
    for (const spec of weights as unknown[]) {
      const bytes = specByteLength(spec, referrer);
      needed = needed === null || bytes === null ? null : needed + bytes;
      specs.push(spec as tf.io.WeightsManifestEntry);
    }
    const names: string[] = [];
    const handles: FileHandle[] = [];
    try {
      let got = 0;
      for (const name of paths as string[]) {
        const path = resolve(dir, name);
        const inside = relative(dir, path);
        if (inside.startsWith('..') || isAbsolute(inside)) {
          throw corrupt(referrer, `lists the weights file ${JSON.stringify(name)}, which is outside ${dir}`);
        }
        const { handle, size } = await openRegularFile(
          path,
          `${fileName(referrer)} lists it in its weightsManifest`,
        );
        handles.push(handle);
        got += size;
        names.push(path);
      }
      // sizes first: a wrong or huge file fails before a byte of it is read
      if (needed !== null && got !== needed) {
        const where = names.length === 1 ? names[0]! : `${names.join(' + ')} (together)`;
        throw corrupt(
          where,
          `has ${got} bytes, but ${fileName(referrer)}'s weightsManifest needs ${needed} for its ${weights.length} ` +
            `weights (${got < needed ? 'truncated' : 'too long'}; a copy or save was interrupted, or the file belongs to another model)`,
        );
      }
      for (const [i, handle] of handles.entries()) {
        const bytes = await handle.readFile();
        record?.set(names[i]!, bytes);
        buffers.push(toArrayBuffer(bytes));
        files[(paths as string[])[i]!] = bytes.byteLength;
      }
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
  }
  const data = buffers.length === 1 ? buffers[0]! : buffers;
  return { specs, data: buffers.length === 0 ? new ArrayBuffer(0) : data, files };
}

/**
 * Reads a JSON file and its size in bytes; a missing file or invalid JSON is
 * `RNN_MODELS_CHECKPOINT_CORRUPT` naming it.
 */
export async function readJsonFile(
  path: string,
  record?: Map<string, Uint8Array>,
): Promise<{ value: unknown; bytes: number }> {
  const { handle, size } = await openRegularFile(path);
  let raw: Buffer;
  try {
    if (size > MAX_JSON_BYTES) {
      throw corrupt(path, `has ${size} bytes; rnnkit reads JSON files of up to ${MAX_JSON_BYTES} bytes`);
    }
    raw = await handle.readFile();
  } finally {
    await handle.close();
  }
  record?.set(path, raw);
  try {
    return { value: JSON.parse(raw.toString('utf8')) as unknown, bytes: raw.byteLength };
  } catch (error) {
    throw corrupt(path, `is not valid JSON (${(error as Error).message})`, error);
  }
}

/** Largest JSON file (model.json, extras.json, …) read: 1 GiB. */
const MAX_JSON_BYTES = 2 ** 30;

/**
 * Opens `path` for reading only if it is a regular file (a link to one is fine): opened with
 * `O_NONBLOCK`, so a FIFO does not block, then `fstat`ed. A missing or non-regular file is
 * `RNN_MODELS_CHECKPOINT_CORRUPT` naming it (`why` says who lists it). The caller closes the handle.
 */
export async function openRegularFile(
  path: string,
  why?: string,
): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (isNotFound(error)) throw corrupt(path, `is missing${why ? ` (${why})` : ''}`, error);
    if ((error as NodeJS.ErrnoException).code === 'EISDIR')
      throw corrupt(path, 'is a directory, not a file', error);
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      const kind = stats.isDirectory()
        ? 'a directory'
        : stats.isFIFO()
          ? 'a FIFO'
          : stats.isSocket()
            ? 'a socket'
            : 'a device';
      throw corrupt(path, `is ${kind}, not a regular file; a checkpoint is read from regular files only`);
    }
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Config keys whose value is a dimension of a weight the layer creates (both spellings). */
const WEIGHT_DIMENSION_KEYS = new Set([
  'units',
  'filters',
  'input_dim',
  'inputDim',
  'output_dim',
  'outputDim',
]);

/**
 * Bounds what a topology may ask tfjs-layers to allocate by the weights that come with it, before
 * any layer is built: every weight dimension a layer config declares (`units`, `filters`,
 * `input_dim`, `output_dim`) and the feature size of a layer's `batch_input_shape` (not an
 * Embedding's or an InputLayer's, whose last dimension may be a sequence length)
 * must be at most the number of values in the weights, since each of them is a dimension of some
 * weight. A crafted `model.json` (`units: 1e8` beside a small weights file) is
 * `RNN_MODELS_CHECKPOINT_MISMATCH` in microseconds instead of building gigabytes of variables.
 */
export function checkTopologyBounds(
  topology: unknown,
  specs: readonly tf.io.WeightsManifestEntry[],
  modelPath: string,
): void {
  const values = specs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0);
  const fail = (what: string, value: number): never => {
    throw new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_MISMATCH',
      `Checkpoint file ${modelPath} declares ${what} = ${value}, but its weights hold only ${values} values in all, ` +
        'so the topology does not belong to these weights (the file was edited or crafted). Save the checkpoint ' +
        'again from the model that made it.',
    );
  };
  const visit = (node: unknown, className: unknown, depth: number): void => {
    if (depth > 64 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, className, depth + 1);
      return;
    }
    const record = node as Record<string, unknown>;
    const ownClass = typeof record['class_name'] === 'string' ? record['class_name'] : className;
    for (const [key, value] of Object.entries(record)) {
      if (WEIGHT_DIMENSION_KEYS.has(key) && typeof value === 'number' && value > values) fail(key, value);
      if (
        (key === 'batch_input_shape' || key === 'batchInputShape') &&
        Array.isArray(value) &&
        ownClass !== 'Embedding' &&
        // A functional model's InputLayer may carry token ids ([batch, time]) for an Embedding:
        // its last dimension is then a length, not a weight dimension.
        ownClass !== 'InputLayer'
      ) {
        const features = value.at(-1);
        if (typeof features === 'number' && features > values) fail(`${key}'s last dimension`, features);
      }
      visit(value, ownClass, depth + 1);
    }
  };
  visit(topology, undefined, 0);
}

/** `RNN_MODELS_CHECKPOINT_CORRUPT` for `path`, with what to do about it. */
export function corrupt(path: string, problem: string, cause?: unknown): RnnModelsError {
  return new RnnModelsError(
    'RNN_MODELS_CHECKPOINT_CORRUPT',
    `Checkpoint file ${path} ${problem}. The checkpoint is incomplete or damaged: save it again, ` +
      'load an older checkpoint, or restore the directory from a backup.',
    cause === undefined ? undefined : { cause },
  );
}

const VALUE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes a manifest entry takes in its weights file; `null` for strings (variable length). */
function specByteLength(spec: unknown, referrer: string): number | null {
  const { name, shape, dtype, quantization } = (spec ?? {}) as Partial<tf.io.WeightsManifestEntry>;
  if (
    typeof name !== 'string' ||
    !Array.isArray(shape) ||
    !shape.every((d) => Number.isInteger(d) && d >= 0) ||
    typeof dtype !== 'string'
  ) {
    throw corrupt(referrer, `has a malformed weightsManifest entry ${JSON.stringify(spec)}`);
  }
  if (dtype === 'string') return null;
  const stored = quantization?.dtype ?? dtype;
  const size = VALUE_BYTES[stored];
  if (size === undefined) throw corrupt(referrer, `has a weight ${name} of unknown dtype ${stored}`);
  return shape.reduce((a, b) => a * b, 1) * size;
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function fileName(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}
