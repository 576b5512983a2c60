import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';
import { LOSS_NAMES } from './losses.js';

/** Options of early stopping, as Keras' `EarlyStopping` callback (Keras 3 semantics). */
export interface EarlyStoppingOptions {
  /**
   * Epoch log key to watch: `'loss'`, a metric name, or either with `val_`.
   * @default 'val_loss' with validationData, else 'loss'
   */
  readonly monitor?: string;
  /**
   * Smallest change that counts as an improvement (absolute value used).
   * @default 0
   */
  readonly minDelta?: number;
  /**
   * Epochs without improvement after which training stops (0: stop at the first epoch that does
   * not improve). Never stops after the very first epoch (epoch 0).
   * @default 0
   */
  readonly patience?: number;
  /**
   * Whether lower (`'min'`) or higher (`'max'`) is better. `'auto'`: `'max'` for accuracies,
   * precision and recall, `'min'` for `loss` and loss names; any other name needs an explicit mode.
   * @default 'auto'
   */
  readonly mode?: 'auto' | 'min' | 'max';
  /**
   * Value the monitored quantity must beat: epochs that do not improve on it keep counting
   * towards `patience` even when they improve on the best so far.
   * @default undefined (none)
   */
  readonly baseline?: number;
  /**
   * At the end of training (stopped early or not), set the weights of the best epoch seen
   * (Keras 3 behaviour). Keeps one copy of all weights in memory.
   * @default false
   */
  readonly restoreBestWeights?: boolean;
}

/** {@link EarlyStoppingOptions} with every default filled in and `mode` decided. */
export interface ResolvedEarlyStopping {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
}

/** Documented defaults of {@link EarlyStoppingOptions} (`monitor` depends on validation data). */
export const DEFAULT_EARLY_STOPPING_OPTIONS = {
  minDelta: 0,
  patience: 0,
  mode: 'auto',
  baseline: undefined,
  restoreBestWeights: false,
} as const;

const EARLY_STOPPING_KEYS = ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights'];
const HIGHER_IS_BETTER = new Set([
  'acc',
  'accuracy',
  'binaryAccuracy',
  'categoricalAccuracy',
  'sparseCategoricalAccuracy',
  'precision',
  'recall',
]);

/**
 * Validates early-stopping options and fills in the defaults.
 * @param hasValidationData whether `val_…` keys will exist.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an unknown key, an out-of-range value,
 *   a `val_` monitor without validation data, or `mode: 'auto'` on a name whose direction is unknown.
 * @example
 * resolveEarlyStopping({ patience: 3 }, true); // { monitor: 'val_loss', mode: 'min', patience: 3, … }
 */
export function resolveEarlyStopping(
  options: EarlyStoppingOptions,
  hasValidationData: boolean,
): ResolvedEarlyStopping {
  if (options === null || typeof options !== 'object') {
    throw invalid(`earlyStopping must be an object, received ${String(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!EARLY_STOPPING_KEYS.includes(key)) {
      throw invalid(
        `Unknown earlyStopping option ${JSON.stringify(key)}; known: ${EARLY_STOPPING_KEYS.join(', ')}.`,
      );
    }
  }
  const monitor = options.monitor ?? (hasValidationData ? 'val_loss' : 'loss');
  if (typeof monitor !== 'string' || monitor === '') {
    throw invalid(`earlyStopping.monitor must be a log key such as 'val_loss', received ${String(monitor)}.`);
  }
  if (monitor.startsWith('val_') && !hasValidationData) {
    throw invalid(
      `earlyStopping.monitor is ${JSON.stringify(monitor)} but no validationData was given; pass validationData or monitor 'loss'.`,
    );
  }
  const minDelta = options.minDelta ?? DEFAULT_EARLY_STOPPING_OPTIONS.minDelta;
  if (typeof minDelta !== 'number' || !Number.isFinite(minDelta)) {
    throw invalid(`earlyStopping.minDelta must be a finite number, received ${String(minDelta)}.`);
  }
  const patience = options.patience ?? DEFAULT_EARLY_STOPPING_OPTIONS.patience;
  if (typeof patience !== 'number' || !Number.isInteger(patience) || patience < 0) {
    throw invalid(`earlyStopping.patience must be an integer ≥ 0, received ${String(patience)}.`);
  }
  const baseline = options.baseline;
  if (baseline !== undefined && (typeof baseline !== 'number' || !Number.isFinite(baseline))) {
    throw invalid(`earlyStopping.baseline must be a finite number, received ${String(baseline)}.`);
  }
  const restoreBestWeights = options.restoreBestWeights ?? DEFAULT_EARLY_STOPPING_OPTIONS.restoreBestWeights;
  if (typeof restoreBestWeights !== 'boolean') {
    throw invalid(
      `earlyStopping.restoreBestWeights must be a boolean, received ${String(restoreBestWeights)}.`,
    );
  }
  return {
    monitor,
    minDelta: Math.abs(minDelta),
    patience,
    mode: resolveMode(options.mode ?? DEFAULT_EARLY_STOPPING_OPTIONS.mode, monitor),
    baseline,
    restoreBestWeights,
  };
}

function resolveMode(mode: unknown, monitor: string): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') {
    throw invalid(`earlyStopping.mode must be 'auto', 'min' or 'max', received ${String(mode)}.`);
  }
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (HIGHER_IS_BETTER.has(name)) return 'max';
  if (name === 'loss' || (LOSS_NAMES as readonly string[]).includes(name)) return 'min';
  throw invalid(
    `earlyStopping cannot tell whether ${JSON.stringify(monitor)} should go up or down; pass mode: 'min' or 'max'.`,
  );
}

/** Reads and writes a model's weights for {@link EarlyStoppingMonitor}. */
export interface WeightStore {
  /** Copies of all current weights; the caller (the monitor) owns and disposes them. */
  snapshot(): tf.Tensor[];
  /** Sets all weights from copies (not consumed). */
  restore(weights: readonly tf.Tensor[]): void;
}

/**
 * Keras 3's `EarlyStopping` as a state machine driven by epoch logs. Owns the best-weights copy
 * until {@link EarlyStoppingMonitor.finish} or {@link EarlyStoppingMonitor.dispose}.
 */
export class EarlyStoppingMonitor {
  /** Best monitored value so far (±Infinity before the first epoch). */
  best: number;
  /** Epoch of the best value, or -1. */
  bestEpoch = -1;
  /** Epoch at which training was stopped, or -1. */
  stoppedEpoch = -1;
  private wait = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(
    readonly config: ResolvedEarlyStopping,
    private readonly weights: WeightStore,
  ) {
    this.best = config.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /**
   * Takes one epoch's logs; returns `true` when training should stop.
   * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when the logs lack the monitored key.
   */
  onEpochEnd(epoch: number, logs: Readonly<Record<string, number>>): boolean {
    const current = logs[this.config.monitor];
    if (current === undefined) {
      throw invalid(
        `earlyStopping.monitor ${JSON.stringify(this.config.monitor)} is not in the epoch logs; available: ${Object.keys(
          logs,
        ).join(', ')}.`,
      );
    }
    if (this.config.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.weights.snapshot();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.config.restoreBestWeights) this.replaceBestWeights(this.weights.snapshot());
      if (this.config.baseline === undefined || this.isImprovement(current, this.config.baseline))
        this.wait = 0;
      return false;
    }
    if (this.wait >= this.config.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      return true;
    }
    return false;
  }

  /** End of training: restores the best weights when asked to, and frees the copy. */
  finish(): void {
    if (this.config.restoreBestWeights && this.bestWeights !== null) this.weights.restore(this.bestWeights);
    this.dispose();
  }

  /** Frees the best-weights copy without restoring it. */
  dispose(): void {
    this.replaceBestWeights(null);
  }

  private isImprovement(value: number, reference: number): boolean {
    return this.config.mode === 'min'
      ? value + this.config.minDelta < reference
      : value - this.config.minDelta > reference;
  }

  private replaceBestWeights(weights: tf.Tensor[] | null): void {
    if (this.bestWeights !== null) tf.dispose(this.bestWeights);
    this.bestWeights = weights;
  }
}

function invalid(message: string): RnnModelsError {
  return new RnnModelsError('RNN_MODELS_INVALID_OPTION', message);
}
