import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
// Registers rnnkit's layers, which the templates build.
import '../layers/recurrent-layers.js';
import { RnnModelsError } from '../errors.js';
import {
  checkTorchConfig,
  type DecodedTorchModel,
  decodeTorchModel,
  type EncodeTorchModelOptions,
  encodeTorchModel,
  TORCH_CONFIG_FORMAT,
} from '../interop/torch-model.js';
import { MARKER_FILE, replaceDirectory, resolveDirectory } from './atomic-directory.js';
import { checkpointDir } from './checkpoint-manifest.js';
import { asIoError, isNotFound, writeNewFileDurably } from './durable-fs.js';

/** The two files of a PyTorch export, as `rnnkit_torch.py` names them too. */
export const TORCH_FILES = Object.freeze({ weights: 'model.safetensors', config: 'config.json' });

/** Options of {@link exportTorch}: see {@link EncodeTorchModelOptions}. */
export type ExportTorchOptions = EncodeTorchModelOptions;

/** What {@link exportTorch} wrote. */
export interface ExportTorchResult {
  /** Absolute path of the directory. */
  readonly path: string;
  /** Byte size of each file. */
  readonly files: Readonly<Record<string, number>>;
  /** The `config.json` written. */
  readonly config: DecodedTorchModel['config'];
}

/**
 * Exports a template-built model for PyTorch: `dir/model.safetensors` (float32, PyTorch
 * `state_dict` names) and `dir/config.json` (template, options, format version, `extras`), which
 * `rnnkit_torch.load(dir)` in Python and {@link importTorch} read. Written atomically like
 * `saveModel` (a temp directory swapped in by renames). `dir` must be missing, empty, or an
 * export rnnkit wrote (a `config.json` of format `rnnkit-torch` and nothing but the two files);
 * anything else is refused and left untouched.
 *
 * Tensors: reads the model's weights; leaves none behind.
 * @throws {RnnModelsError} `RNN_MODELS_UNSUPPORTED_MODEL` for a model no template builds;
 * `RNN_MODELS_INVALID_OPTION` for bad options or a `dir` it may not replace;
 * `RNN_MODELS_IO_ERROR` when the filesystem refuses.
 * @example
 * ```ts
 * await exportTorch(model, 'runs/lm-torch', { extras: { vocabulary } });
 * // Python: module, config = rnnkit_torch.load('runs/lm-torch')
 * ```
 */
export async function exportTorch(
  model: tfl.LayersModel,
  dir: string,
  options: ExportTorchOptions = {},
): Promise<ExportTorchResult> {
  const target = checkpointDir(dir, 'exportTorch');
  const { config, safetensors } = encodeTorchModel(model, options);
  const { path, files } = await writeTorchFiles(target, { config, safetensors }, 'exportTorch');
  return { path, files, config };
}

/**
 * Imports a PyTorch export (from {@link exportTorch} or `rnnkit_torch.save`): rebuilds the model
 * from `config.json` through its template (whose validator checks the options) and loads
 * `model.safetensors` into it.
 *
 * Tensors: the caller owns the returned model (`model.dispose()`); nothing else is left behind,
 * also when it throws.
 * @throws {RnnModelsError} `RNN_MODELS_CHECKPOINT_CORRUPT` for a missing or damaged file (truncated,
 * header overrun, wrong dtype, bad config), `RNN_MODELS_CHECKPOINT_MISMATCH` for tensors that do not
 * fit the config (naming the tensor), the template's `RNN_MODELS_INVALID_OPTION` for bad options,
 * `RNN_MODELS_IO_ERROR` when the filesystem refuses.
 * @example
 * ```ts
 * const { model, config } = await importTorch('runs/lm-finetuned');
 * const vocabulary = (config.extras as { vocabulary: string[] }).vocabulary;
 * ```
 */
export async function importTorch(dir: string): Promise<DecodedTorchModel> {
  const files = await readTorchFiles(dir, 'importTorch');
  checkTorchConfig(files.config, files.configPath);
  return decodeTorchModel(files.config, files.safetensors, files.weightsPath);
}

/** The two files of a PyTorch export, as {@link writeTorchFiles} takes them. */
export interface TorchFiles {
  /** Written as `config.json`; its `format` must be `'rnnkit-torch'`. */
  readonly config: { readonly format: string };
  /** Written as `model.safetensors`. */
  readonly safetensors: Uint8Array;
}

/**
 * Writes a PyTorch export's two files into `dir` atomically, with {@link exportTorch}'s rules
 * (only a missing or empty directory or an earlier export is replaced) — for packages that encode
 * architectures of their own (seq2seq's `exportTorchEncoderDecoder`).
 * @throws {RnnModelsError} `RNN_MODELS_INVALID_OPTION` for a `dir` it may not replace,
 * `RNN_MODELS_IO_ERROR` when the filesystem refuses.
 */
export async function writeTorchFiles(
  dir: string,
  files: TorchFiles,
  caller = 'exportTorch',
): Promise<{ path: string; files: Record<string, number> }> {
  const target = checkpointDir(dir, caller);
  const written: Record<string, number> = {};
  try {
    await replaceDirectory(
      target,
      async (temp) => {
        written[TORCH_FILES.weights] = await writeNewFileDurably(
          join(temp, TORCH_FILES.weights),
          files.safetensors,
        );
        written[TORCH_FILES.config] = await writeNewFileDurably(
          join(temp, TORCH_FILES.config),
          `${JSON.stringify(files.config, null, 2)}\n`,
        );
      },
      { rank: rankExport, checkReplaceable: (path) => checkExportReplaceable(path, caller), caller },
    );
  } catch (error) {
    throw asIoError(error, `${caller}: writing`, target);
  }
  return { path: target, files: written };
}

/**
 * Reads a PyTorch export's two files (the newest complete copy, if an export was interrupted):
 * `config` parsed but not checked, `safetensors` as bytes.
 * @throws {RnnModelsError} `RNN_MODELS_CHECKPOINT_CORRUPT` for a missing file or a config that is
 * not JSON; `RNN_MODELS_IO_ERROR` when the filesystem refuses.
 */
export async function readTorchFiles(
  dir: string,
  caller = 'importTorch',
): Promise<{ config: unknown; safetensors: Uint8Array; configPath: string; weightsPath: string }> {
  const target = checkpointDir(dir, caller);
  try {
    // an interrupted export may have left the newest complete copy beside dir
    const found = await resolveDirectory(target, rankExport);
    const path = found?.path ?? target;
    const configPath = join(path, TORCH_FILES.config);
    const weightsPath = join(path, TORCH_FILES.weights);
    const configText = await readOrCorrupt(configPath, caller);
    let config: unknown;
    try {
      config = JSON.parse(configText.toString('utf8'));
    } catch (cause) {
      throw new RnnModelsError(
        'RNN_MODELS_CHECKPOINT_CORRUPT',
        `${caller}: ${configPath} is not JSON (${(cause as Error).message}).`,
        { cause },
      );
    }
    const bytes = await readOrCorrupt(weightsPath, caller);
    return {
      config,
      safetensors: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      configPath,
      weightsPath,
    };
  } catch (error) {
    throw asIoError(error, `${caller}: reading`, target);
  }
}

async function readOrCorrupt(path: string, caller: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_CORRUPT',
      `${caller}: ${path} is missing. A PyTorch export is a directory holding ${TORCH_FILES.weights} and ${TORCH_FILES.config} ` +
        '(written by exportTorch or rnnkit_torch.save).',
      { cause: error },
    );
  }
}

async function readConfigFormat(dir: string): Promise<unknown> {
  try {
    return (JSON.parse(await readFile(join(dir, TORCH_FILES.config), 'utf8')) as { format?: unknown }).format;
  } catch {
    return undefined;
  }
}

/** A complete export ranks by the time of its weights; anything else is not one. */
async function rankExport(path: string): Promise<number | null> {
  if ((await readConfigFormat(path)) !== TORCH_CONFIG_FORMAT) return null;
  try {
    return (await stat(join(path, TORCH_FILES.weights))).mtimeMs;
  } catch {
    return null;
  }
}

/** Only an empty directory or an export (the two files, rnnkit's marker) may be replaced. */
async function checkExportReplaceable(target: string, caller: string): Promise<void> {
  const names = await readdir(target);
  if (names.length === 0) return;
  const known = new Set<string>([TORCH_FILES.weights, TORCH_FILES.config, MARKER_FILE]);
  const foreign = names.filter((name) => !known.has(name));
  const format = await readConfigFormat(target);
  if (foreign.length === 0 && format === TORCH_CONFIG_FORMAT) return;
  throw new RnnModelsError(
    'RNN_MODELS_INVALID_OPTION',
    `${caller}: ${target} exists and is not a PyTorch export rnnkit can replace: ${
      format !== TORCH_CONFIG_FORMAT
        ? `it has no ${TORCH_FILES.config} of format '${TORCH_CONFIG_FORMAT}'`
        : `it also holds ${foreign.slice(0, 5).join(', ')}`
    }. Exporting would delete those files, so the directory is left alone. Export into a new or empty directory.`,
  );
}
