import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { validate } from '../errors.js';
import { checkTargetKind, removeDirectory } from './atomic-directory.js';
import { checkReplaceable, type JsonValue } from './checkpoint-manifest.js';
import { asIoError } from './durable-fs.js';
import { copyCheckpoint, saveModel } from './save-model.js';

/** Epoch number (1-based, = epochs completed) and numeric logs handed to an `extras` function. */
export interface EpochState {
  /** Epochs completed, counting `initialEpoch`: 1 after the first epoch; pass it as `initialEpoch` to resume. */
  readonly epoch: number;
  /** The epoch's logs (`loss`, `val_loss`, metrics), as numbers. */
  readonly logs: Readonly<Record<string, number>>;
}

/** What a {@link ModelCheckpoint} reports after each write. */
export interface ModelCheckpointEvent {
  /** `'epoch'` for `dir/epoch-NNNN`, `'best'` for `dir/best`. */
  readonly kind: 'epoch' | 'best';
  readonly epoch: number;
  /** Absolute path of the checkpoint written. */
  readonly path: string;
  /** The monitored value at this epoch, if the logs had it. */
  readonly monitorValue: number | undefined;
}

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointOptions {
  /** Directory that receives `epoch-0001/`, `epoch-0002/`, … and `best/`; created if missing. */
  readonly dir: string;
  /**
   * Save every `every` epochs (after epochs `every`, `2·every`, …, counted from 1 like the names).
   * `best/` is also only updated on those epochs.
   * @default 1
   */
  readonly every?: number;
  /**
   * Log entry that decides the best checkpoint (`'val_loss'` needs validation data in `fit`;
   * `'loss'` works without). When an epoch's logs lack it, `best/` is not written and
   * `onWarning` is told once.
   * @default 'val_loss'
   */
  readonly monitor?: string;
  /**
   * Whether smaller (`'min'`) or larger (`'max'`) monitored values are better; `'auto'` picks
   * `'max'` for names containing `acc` (accuracy) and `'min'` otherwise, as Keras does.
   * @default 'auto'
   */
  readonly mode?: 'auto' | 'min' | 'max';
  /**
   * Write `epoch-NNNN/` only when the monitored value improved on the best so far (Keras'
   * `save_best_only`); `best/` is written on improvement either way.
   * @default false
   */
  readonly saveBestOnly?: boolean;
  /**
   * How many `epoch-NNNN/` directories to keep: after each save the ones with the lowest
   * numbers beyond the last `keepLast` are deleted (never the one just written, never `best/`).
   * `Infinity` keeps all.
   * @default 3
   */
  readonly keepLast?: number;
  /**
   * Also store the model's optimizer state (`model.optimizer`) for an exact resume with
   * `restoreOptimizer`.
   * @default true
   */
  readonly includeOptimizer?: boolean;
  /**
   * `extras` of every checkpoint: a JSON value, or a function of the epoch state returning one
   * (e.g. to add the vocabulary and RNG state).
   * @default ({ epoch, logs }) => ({ epoch, logs })
   */
  readonly extras?: JsonValue | ((state: EpochState) => JsonValue);
  /**
   * Called after each checkpoint is complete on disk.
   * @default no-op
   */
  readonly onSave?: (event: ModelCheckpointEvent) => void;
  /**
   * Receives warnings: a non-finite monitored value or loss (the epoch is not saved), a
   * monitored value missing from the logs.
   * @default Node's process.emitWarning
   */
  readonly onWarning?: (message: string) => void;
}

/** {@link ModelCheckpointOptions} with every default filled in and `mode` decided. */
export interface ResolvedModelCheckpointOptions {
  readonly dir: string;
  readonly every: number;
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly saveBestOnly: boolean;
  readonly keepLast: number;
  readonly includeOptimizer: boolean;
  readonly extras: (state: EpochState) => JsonValue;
  readonly onSave: (event: ModelCheckpointEvent) => void;
  readonly onWarning: (message: string) => void;
}

/** The documented defaults of {@link ModelCheckpointOptions}. */
export const DEFAULT_MODEL_CHECKPOINT_OPTIONS = {
  every: 1,
  monitor: 'val_loss',
  mode: 'auto',
  saveBestOnly: false,
  keepLast: 3,
  includeOptimizer: true,
  extras: ({ epoch, logs }: EpochState): JsonValue => ({ epoch, logs }),
  onSave: (_event: ModelCheckpointEvent): void => {},
  onWarning: (message: string): void => {
    process.emitWarning(message);
  },
} as const;

const WHERE = 'ModelCheckpoint';

/**
 * Validates {@link ModelCheckpointOptions} and fills in the defaults.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` naming the bad option.
 * @example
 * resolveModelCheckpointOptions({ dir: 'runs/x', monitor: 'val_acc' }).mode; // 'max'
 */
export function resolveModelCheckpointOptions(
  options: ModelCheckpointOptions,
): ResolvedModelCheckpointOptions {
  const d = DEFAULT_MODEL_CHECKPOINT_OPTIONS;
  const {
    dir,
    every = d.every,
    monitor = d.monitor,
    mode = d.mode,
    saveBestOnly = d.saveBestOnly,
    keepLast = d.keepLast,
    includeOptimizer = d.includeOptimizer,
    extras = d.extras,
    onSave = d.onSave,
    onWarning = d.onWarning,
  } = validate.options(WHERE, options ?? null, ['dir', ...Object.keys(d)]);
  validate.string(WHERE, 'dir', dir, true);
  validate.integer(WHERE, 'every', every, { min: 1 });
  validate.string(WHERE, 'monitor', monitor, true);
  validate.oneOf(WHERE, 'mode', mode, ['auto', 'min', 'max'] as const);
  validate.boolean(WHERE, 'saveBestOnly', saveBestOnly);
  if (keepLast !== Number.POSITIVE_INFINITY) validate.integer(WHERE, 'keepLast', keepLast, { min: 1 });
  validate.boolean(WHERE, 'includeOptimizer', includeOptimizer);
  if (typeof onSave !== 'function') validate.invalid(WHERE, 'onSave', onSave, 'must be a function');
  if (typeof onWarning !== 'function') validate.invalid(WHERE, 'onWarning', onWarning, 'must be a function');
  const decided = mode === 'auto' ? (monitor.includes('acc') ? 'max' : 'min') : mode;
  const extrasOf =
    typeof extras === 'function' ? (extras as (state: EpochState) => JsonValue) : (): JsonValue => extras;
  return {
    dir: resolve(dir),
    every,
    monitor,
    mode: decided,
    saveBestOnly,
    keepLast,
    includeOptimizer,
    extras: extrasOf,
    onSave,
    onWarning,
  };
}

type EpochLogs = { [key: string]: number | tf.Scalar };

const EPOCH_DIR = /^epoch-(\d+)$/;

/**
 * A tfjs-layers callback for `model.fit` / `fitDataset` that writes checkpoints with
 * `saveModel` (atomically: a crash never leaves a half-written one):
 *
 * - `dir/epoch-0003/` after epoch 3 (every `every` epochs; with `saveBestOnly`, only when the
 *   monitored value improved), then deletes the oldest beyond `keepLast`;
 * - `dir/best/` whenever the monitored value (`monitor`, `mode`) improves;
 * - extras `{ epoch, logs }` by default (epoch = epochs completed, for `initialEpoch` on resume)
 *   and the optimizer state.
 *
 * An epoch whose monitored value or loss is NaN or infinite is not saved at all (warning through
 * `onWarning`), so the last good checkpoints — and their `keepLast` window — survive a diverged run.
 *
 * Tensors: reads the model's and optimizer's weights; creates and keeps none.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` from the constructor for bad options; save
 *   errors (e.g. an optimizer that cannot export its weights) reject `fit`.
 * @example
 * await model.fit(xs, ys, {
 *   epochs: 20,
 *   validationSplit: 0.1,
 *   callbacks: [new ModelCheckpoint({ dir: 'runs/char-lstm', keepLast: 2 })],
 * });
 * const { model: best } = await loadModel('runs/char-lstm/best');
 */
export class ModelCheckpoint extends tfl.Callback {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedModelCheckpointOptions;
  private bestValue: number;
  private warnedMissingMonitor = false;

  constructor(options: ModelCheckpointOptions) {
    super();
    this.options = resolveModelCheckpointOptions(options);
    this.bestValue = this.options.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** The best monitored value seen so far, or `undefined` before the first one. */
  get best(): number | undefined {
    return Number.isFinite(this.bestValue) ? this.bestValue : undefined;
  }

  /** Refuses a `dir` that is not a folder it may write into before the first epoch, not after it. */
  override async onTrainBegin(): Promise<void> {
    try {
      await checkTargetKind(this.options.dir, WHERE);
    } catch (error) {
      throw asIoError(error, 'ModelCheckpoint: checking', this.options.dir);
    }
  }

  override async onEpochEnd(epoch: number, logs?: EpochLogs): Promise<void> {
    const o = this.options;
    const completed = epoch + 1;
    if (completed % o.every !== 0) return;
    const numbers = await numericLogs(logs ?? {});
    const value = numbers[o.monitor];
    const loss = numbers['loss'];
    for (const [name, v] of [
      [o.monitor, value],
      ['loss', loss],
    ] as const) {
      if (v !== undefined && !Number.isFinite(v)) {
        o.onWarning(
          `ModelCheckpoint: ${name} is ${v} after epoch ${completed}; not saving, so the last good checkpoints in ${o.dir} stay.`,
        );
        return;
      }
    }
    if (value === undefined && !this.warnedMissingMonitor) {
      this.warnedMissingMonitor = true;
      o.onWarning(
        `ModelCheckpoint: monitor "${o.monitor}" is not in the epoch logs (${Object.keys(numbers).join(', ') || 'none'}); ` +
          `${o.saveBestOnly ? 'nothing is saved' : 'best/ is not written'}. Pass validation data to fit, or monitor: 'loss'.`,
      );
    }
    const improved =
      value !== undefined && (o.mode === 'min' ? value < this.bestValue : value > this.bestValue);
    if (o.saveBestOnly && !improved) return;
    try {
      await this.save(completed, numbers, value, improved);
    } catch (error) {
      throw asIoError(error, 'ModelCheckpoint: saving into', o.dir);
    }
  }

  private async save(
    completed: number,
    numbers: Record<string, number>,
    value: number | undefined,
    improved: boolean,
  ): Promise<void> {
    const o = this.options;
    await checkTargetKind(o.dir, WHERE);
    const model = this.model;
    const epochDir = join(o.dir, `epoch-${String(completed).padStart(4, '0')}`);
    await saveModel(model, epochDir, {
      extras: o.extras({ epoch: completed, logs: numbers }),
      optimizer: o.includeOptimizer ? model.optimizer : undefined,
    });
    o.onSave({ kind: 'epoch', epoch: completed, path: epochDir, monitorValue: value });
    if (improved && value !== undefined) {
      const bestDir = join(o.dir, 'best');
      await copyCheckpoint(epochDir, bestDir);
      this.bestValue = value;
      o.onSave({ kind: 'best', epoch: completed, path: bestDir, monitorValue: value });
    }
    await this.prune(epochDir);
  }

  /**
   * Deletes the lowest-numbered epoch directories beyond `keepLast`, never `keep`, and only
   * checkpoints saveModel wrote (a `checkpoint.json` and nothing else): an `epoch-0001` folder of
   * yours is kept, with a warning.
   */
  private async prune(keep: string): Promise<void> {
    const { dir, keepLast } = this.options;
    if (!Number.isFinite(keepLast)) return;
    const epochs = (await readdir(dir))
      .map((name) => ({ name, match: EPOCH_DIR.exec(name) }))
      .filter((e) => e.match !== null)
      .sort((a, b) => Number(a.match![1]) - Number(b.match![1]));
    for (const { name } of epochs.slice(0, Math.max(0, epochs.length - keepLast))) {
      const path = join(dir, name);
      if (path === keep) continue;
      try {
        await checkTargetKind(path, WHERE);
        await checkReplaceable(path, WHERE);
      } catch (error) {
        this.options.onWarning(
          `ModelCheckpoint: not deleting ${path} beyond keepLast: ${(error as Error).message}`,
        );
        continue;
      }
      await removeDirectory(path);
    }
  }
}

async function numericLogs(logs: EpochLogs): Promise<Record<string, number>> {
  const numbers: Record<string, number> = {};
  for (const [name, value] of Object.entries(logs)) {
    numbers[name] = typeof value === 'number' ? value : ((await value.data())[0] ?? Number.NaN);
  }
  return numbers;
}
