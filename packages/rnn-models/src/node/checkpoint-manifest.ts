import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RnnModelsError, validate } from '../errors.js';
import { MARKER_FILE } from './atomic-directory.js';
import { hashBytes, hashFile, isNotFound, statOrNull } from './durable-fs.js';
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
  /** Written last: format version, save id and time, the byte size and SHA-256 of every other file. */
  manifest: 'checkpoint.json',
} as const;

export const CHECKPOINT_FORMAT = 'rnnkit-checkpoint';
export const OPTIMIZER_FORMAT = 'rnnkit-optimizer';
/**
 * Version of `checkpoint.json`: 1 recorded sizes only; 2 adds `sha256` (a SHA-256 per file,
 * verified on load). Both are read; newer ones are `RNN_MODELS_CHECKPOINT_MISMATCH`.
 */
export const FORMAT_VERSION = 2;
/** The first format version whose manifest has `sha256`. */
export const CHECKSUM_FORMAT_VERSION = 2;

export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: number;
  /** Unique per save: a reader compares it before and after reading to detect a concurrent swap. */
  readonly id: string;
  readonly savedAt: string;
  readonly generatedBy: string;
  /** Byte size of every file of the checkpoint except checkpoint.json itself. */
  readonly files: Readonly<Record<string, number>>;
  /** SHA-256 (hex) of every file in `files`; from format version 2 on. */
  readonly sha256?: Readonly<Record<string, string>>;
}

/** The checkpoint directory argument, resolved to an absolute path. */
export function checkpointDir(dir: string, caller: string): string {
  return resolve(validate.string(caller, 'dir', dir, true));
}

/**
 * Refuses to replace an existing directory that is not a checkpoint saveModel wrote: it must be
 * empty, or hold a readable `checkpoint.json` and nothing but the files it lists (and rnnkit's
 * marker). A project folder, a plain tfjs model directory or a checkpoint with files you added is
 * `RNN_MODELS_INVALID_OPTION` and left untouched — replacing it would delete those files.
 */
export async function checkReplaceable(target: string, caller = 'saveModel'): Promise<void> {
  const names = await readdir(target);
  if (names.length === 0) return;
  const refuse = (problem: string, cause?: unknown): never => {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${caller}: ${target} exists and is not a checkpoint that saveModel can replace: ${problem}. Saving would ` +
        'delete those files, so the directory is left alone. Save into a new directory, an empty one or an ' +
        'existing checkpoint, or move the files away first.',
      cause === undefined ? undefined : { cause },
    );
  };
  if (!names.includes(CHECKPOINT_FILES.manifest)) {
    refuse(`it has no ${CHECKPOINT_FILES.manifest} (it holds ${listNames(names)})`);
  }
  let manifest: CheckpointManifest | null = null;
  try {
    manifest = await readManifest(target);
  } catch (error) {
    refuse(`its ${CHECKPOINT_FILES.manifest} cannot be read`, error);
  }
  const known = new Set([...Object.keys(manifest!.files), CHECKPOINT_FILES.manifest, MARKER_FILE]);
  const foreign = names.filter((name) => !known.has(name));
  if (foreign.length > 0)
    refuse(`it also holds ${listNames(foreign)}, which ${CHECKPOINT_FILES.manifest} does not list`);
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
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
  if (
    typeof manifest.formatVersion === 'number' &&
    manifest.formatVersion >= CHECKSUM_FORMAT_VERSION &&
    manifest.formatVersion <= FORMAT_VERSION
  ) {
    const sums = manifest.sha256 as unknown;
    if (
      typeof sums !== 'object' ||
      sums === null ||
      !Object.keys(files).every((name) =>
        /^[0-9a-f]{64}$/.test(String((sums as Record<string, unknown>)[name])),
      )
    ) {
      throw corrupt(path, 'has no SHA-256 for every file it lists (format version 2 records one per file)');
    }
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

/**
 * Checks every file `manifest` has a SHA-256 for: `read` holds the bytes already read (by path),
 * other files are hashed from disk. A difference is `RNN_MODELS_CHECKPOINT_CORRUPT` naming the
 * file. Manifests of format version 1 have no checksums: nothing to check.
 */
export async function verifyChecksums(
  dir: string,
  manifest: CheckpointManifest,
  read: ReadonlyMap<string, Uint8Array> = new Map(),
): Promise<void> {
  if (manifest.sha256 === undefined) return;
  for (const [name, expected] of Object.entries(manifest.sha256)) {
    const path = join(dir, name);
    const bytes = read.get(path);
    const actual = bytes === undefined ? await hashFile(path) : hashBytes(bytes);
    if (actual !== expected) {
      throw corrupt(
        path,
        `does not have the contents that were saved: its SHA-256 is ${actual.slice(0, 16)}…, ` +
          `${CHECKPOINT_FILES.manifest} recorded ${expected.slice(0, 16)}… (the file was damaged or edited after the save)`,
      );
    }
  }
}

/** SHA-256 of each file in `dir` named in `files`, for the manifest. */
export async function checksumFiles(
  dir: string,
  files: Readonly<Record<string, number>>,
): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const name of Object.keys(files)) sums[name] = await hashFile(join(dir, name));
  return sums;
}
