import { mkdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';
import { isNotFound, replaceFileDurably, syncDirectory } from './durable-fs.js';

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
      await writeModelArtifacts(target, artifacts);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => (await readModelArtifacts(target)).artifacts,
  };
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

/** Reads and checks `dir/model.json` and its weights files. */
export async function readModelArtifacts(dir: string): Promise<ReadModelArtifacts> {
  const modelPath = join(dir, MODEL_FILE);
  const { value: json, bytes: jsonBytes } = await readJsonFile(modelPath);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw corrupt(modelPath, 'is not a JSON object with modelTopology and weightsManifest');
  }
  const modelJson = json as tf.io.ModelJSON;
  if (typeof modelJson.modelTopology !== 'object' || modelJson.modelTopology === null) {
    throw corrupt(modelPath, 'has no modelTopology object');
  }
  const weights = await readWeightsManifest(dir, modelJson.weightsManifest, modelPath);
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
    let got = 0;
    const names: string[] = [];
    for (const name of paths as string[]) {
      const path = resolve(dir, name);
      const inside = relative(dir, path);
      if (inside.startsWith('..') || isAbsolute(inside)) {
        throw corrupt(referrer, `lists the weights file ${JSON.stringify(name)}, which is outside ${dir}`);
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        if (isNotFound(error)) {
          throw corrupt(path, `is missing (${fileName(referrer)} lists it in its weightsManifest)`, error);
        }
        throw error;
      }
      buffers.push(toArrayBuffer(bytes));
      files[name] = bytes.byteLength;
      got += bytes.byteLength;
      names.push(path);
    }
    if (needed !== null && got !== needed) {
      const where = names.length === 1 ? names[0]! : `${names.join(' + ')} (together)`;
      throw corrupt(
        where,
        `has ${got} bytes, but ${fileName(referrer)}'s weightsManifest needs ${needed} for its ${weights.length} ` +
          `weights (${got < needed ? 'truncated' : 'too long'}; a copy or save was interrupted, or the file belongs to another model)`,
      );
    }
  }
  const data = buffers.length === 1 ? buffers[0]! : buffers;
  return { specs, data: buffers.length === 0 ? new ArrayBuffer(0) : data, files };
}

/**
 * Reads a JSON file and its size in bytes; a missing file or invalid JSON is
 * `RNN_MODELS_CHECKPOINT_CORRUPT` naming it.
 */
export async function readJsonFile(path: string): Promise<{ value: unknown; bytes: number }> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    if (isNotFound(error)) throw corrupt(path, 'is missing', error);
    throw error;
  }
  try {
    return { value: JSON.parse(raw.toString('utf8')) as unknown, bytes: raw.byteLength };
  } catch (error) {
    throw corrupt(path, `is not valid JSON (${(error as Error).message})`, error);
  }
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
