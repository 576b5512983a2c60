import * as tf from '@tensorflow/tfjs-core';
import { validate } from '../errors.js';
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

const WHERE = 'train({ earlyStopping })';

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
  const checked = validate.options(WHERE, options ?? null, [
    'monitor',
    ...Object.keys(DEFAULT_EARLY_STOPPING_OPTIONS),
  ]) as EarlyStoppingOptions;
  const monitor = validate.string(
    WHERE,
    'monitor',
    checked.monitor ?? (hasValidationData ? 'val_loss' : 'loss'),
    true,
  );
  if (monitor.startsWith('val_') && !hasValidationData) {
    validate.invalid(
      WHERE,
      'monitor',
      monitor,
      'needs validationData',
      "Pass validationData, or monitor 'loss'.",
    );
  }
  const minDelta = validate.number(
    WHERE,
    'minDelta',
    checked.minDelta ?? DEFAULT_EARLY_STOPPING_OPTIONS.minDelta,
  );
  const patience = validate.integer(
    WHERE,
    'patience',
    checked.patience ?? DEFAULT_EARLY_STOPPING_OPTIONS.patience,
    {
      min: 0,
    },
  );
  const baseline =
    checked.baseline === undefined ? undefined : validate.number(WHERE, 'baseline', checked.baseline);
  const restoreBestWeights = validate.boolean(
    WHERE,
    'restoreBestWeights',
    checked.restoreBestWeights ?? DEFAULT_EARLY_STOPPING_OPTIONS.restoreBestWeights,
  );
  return {
    monitor,
    minDelta: Math.abs(minDelta),
    patience,
    mode: resolveMode(checked.mode ?? DEFAULT_EARLY_STOPPING_OPTIONS.mode, monitor),
    baseline,
    restoreBestWeights,
  };
}

function resolveMode(mode: unknown, monitor: string): 'min' | 'max' {
  const checked = validate.oneOf(WHERE, 'mode', mode, ['auto', 'min', 'max'] as const);
  if (checked !== 'auto') return checked;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (HIGHER_IS_BETTER.has(name)) return 'max';
  if (name === 'loss' || (LOSS_NAMES as readonly string[]).includes(name)) return 'min';
  return validate.invalid(
    WHERE,
    'mode',
    mode,
    `cannot be 'auto' for ${JSON.stringify(monitor)} (up or down is unknown)`,
    "Pass mode: 'min' or 'max'.",
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
      validate.invalid(
        WHERE,
        'monitor',
        this.config.monitor,
        'must be a key of the epoch logs',
        `Available: ${Object.keys(logs).join(', ')}.`,
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
