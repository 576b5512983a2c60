import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RnnModelsError, validate } from '../errors.js';
import { isNotFound, statOrNull } from './durable-fs.js';
import { corrupt, MODEL_FILE, readJsonFile, readModelArtifacts, WEIGHTS_FILE } from './file-io-handler.js';

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

export const CHECKPOINT_FORMAT = 'rnnkit-checkpoint';
export const OPTIMIZER_FORMAT = 'rnnkit-optimizer';
export const FORMAT_VERSION = 1;

export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: number;
  /** Unique per save: a reader compares it before and after reading to detect a concurrent swap. */
  readonly id: string;
  readonly savedAt: string;
  readonly generatedBy: string;
  /** Byte size of every file of the checkpoint except checkpoint.json itself. */
  readonly files: Readonly<Record<string, number>>;
}

/** The checkpoint directory argument, resolved to an absolute path. */
export function checkpointDir(dir: string, caller: string): string {
  return resolve(validate.string(caller, 'dir', dir, true));
}

/** Refuses to replace an existing directory that is not a checkpoint (e.g. a project folder). */
export async function checkReplaceable(target: string): Promise<void> {
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
export async function rankCheckpoint(
  path: string,
  kind: 'temp' | 'previous' = 'previous',
): Promise<number | null> {
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

export async function readManifest(dir: string): Promise<CheckpointManifest | null> {
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

export async function readStamp(dir: string): Promise<string | null> {
  try {
    return (await readManifest(dir))?.id ?? null;
  } catch {
    return null;
  }
}

export async function checkListedFiles(dir: string, manifest: CheckpointManifest): Promise<void> {
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
