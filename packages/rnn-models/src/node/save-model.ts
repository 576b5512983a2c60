import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { replaceDirectory } from './atomic-directory.js';
import {
  CHECKPOINT_FILES,
  CHECKPOINT_FORMAT,
  type CheckpointManifest,
  checkListedFiles,
  checkpointDir,
  checkReplaceable,
  checksumFiles,
  FORMAT_VERSION,
  type JsonValue,
  rankCheckpoint,
  readManifest,
  verifyChecksums,
} from './checkpoint-manifest.js';
import { asIoError, copyFileDurably, uniqueTag, writeNewFileDurably } from './durable-fs.js';
import { corrupt, writeModelArtifacts } from './file-io-handler.js';
import { isOptimizer, writeOptimizer } from './optimizer-state.js';

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
 * `optimizer.bin`, and `checkpoint.json` (written last: size and SHA-256 of each other file, which
 * `loadModel` verifies). One writer per `dir` at a time.
 *
 * `dir` must be missing, an empty directory, or a checkpoint saveModel wrote (a `checkpoint.json`
 * and only the files it lists). A regular file, a symbolic link, a FIFO, a folder without
 * `checkpoint.json` or a checkpoint you added files to is refused and left untouched. Beside `dir`
 * only rnnkit's own temporaries are ever deleted: directories named `dir.tmp-<tag>`,
 * `dir.old-<tag>`, `dir.trash-<tag>` holding a `.rnnkit-temporary` marker with that tag — a
 * `ckpt.old-v1` of yours is never touched.
 *
 * Tensors: reads the model's weights and the optimizer's; disposes only the temporary tensors
 * `optimizer.getWeights()` creates (the iteration count), never the model's or optimizer's.
 *
 * @param model a built tfjs-layers model (Sequential or functional).
 * @param dir checkpoint directory; created with its parents if missing.
 * @returns where and what was written.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when `model` is not a LayersModel, `extras`
 *   is not JSON-serialisable, the optimizer cannot export its weights (tfjs' Adamax), or `dir`
 *   is not a valid target (above: it is never replaced); `RNN_MODELS_IO_ERROR` when the
 *   filesystem refuses (disk full, read-only, no permission), naming the path and errno.
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
  const target = checkpointDir(dir, 'saveModel');
  if (!(model instanceof tfl.LayersModel)) {
    validate.invalid(
      'saveModel',
      'model',
      model,
      'must be a tfjs-layers LayersModel (tfl.sequential / tfl.model)',
    );
  }
  const { extras, optimizer } = resolveSaveModelOptions(options);
  const extrasText = extras === undefined ? undefined : stringifyExtras(extras);
  const savedAt = new Date().toISOString();
  const files: Record<string, number> = {};
  try {
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
          // hashed from what is on disk (the page cache), so the sums describe the bytes written
          sha256: await checksumFiles(temp, files),
        };
        files[CHECKPOINT_FILES.manifest] = await writeNewFileDurably(
          join(temp, CHECKPOINT_FILES.manifest),
          JSON.stringify(manifest, null, 2),
        );
      },
      { rank: rankCheckpoint, checkReplaceable, caller: 'saveModel' },
    );
  } catch (error) {
    throw asIoError(error, 'saveModel: writing the checkpoint', target);
  }
  const bytes = Object.values(files).reduce((a, b) => a + b, 0);
  return { path: target, files, bytes, savedAt };
}

/**
 * Copies a complete checkpoint directory to `dir`, atomically like {@link saveModel} (used by
 * `ModelCheckpoint` to update `best/` without serialising the model twice).
 */
export async function copyCheckpoint(source: string, dir: string): Promise<void> {
  const from = resolve(source);
  try {
    const manifest = await readManifest(from);
    if (manifest === null) throw corrupt(join(from, CHECKPOINT_FILES.manifest), 'is missing');
    await checkListedFiles(from, manifest);
    await replaceDirectory(
      resolve(dir),
      async (temp) => {
        for (const name of [...Object.keys(manifest.files), CHECKPOINT_FILES.manifest]) {
          await copyFileDurably(join(from, name), join(temp, name));
        }
        // the copies must hold what the source's manifest recorded
        await verifyChecksums(temp, manifest);
      },
      { rank: rankCheckpoint, checkReplaceable, caller: 'ModelCheckpoint' },
    );
  } catch (error) {
    throw asIoError(error, 'ModelCheckpoint: copying the checkpoint to', resolve(dir));
  }
}

function resolveSaveModelOptions(options: SaveModelOptions): SaveModelOptions {
  const { extras, optimizer } = validate.options('saveModel', options ?? null, ['extras', 'optimizer']);
  if (optimizer !== undefined && !isOptimizer(optimizer)) {
    validate.invalid('saveModel', 'optimizer', optimizer, 'must be a tfjs Optimizer (e.g. model.optimizer)');
  }
  return { extras, optimizer };
}

function stringifyExtras(extras: JsonValue): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(extras);
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `saveModel: extras must be JSON-serialisable: ${(cause as Error).message}. Store plain objects, arrays, strings, numbers, booleans and null.`,
      { cause },
    );
  }
  if (text === undefined) {
    validate.invalid('saveModel', 'extras', extras, 'must be a JSON value');
  }
  return text;
}
