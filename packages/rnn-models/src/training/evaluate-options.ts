import type { LayersModel } from '@tensorflow/tfjs-layers';
import { validate } from '../errors.js';
import type { Batch } from './data-source.js';
import type { LossFunction, LossName } from './losses.js';
import type { MetricSpec } from './metrics.js';
import { resolveStepAndLoss, type TrainStep } from './train-options.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions<B extends Batch = Batch> {
  /**
   * A loss name or function, as `train()` takes it (`maskedSparseCategoricalCrossentropy()` from
   * `@rnnkit/metrics/tensor` too).
   * @default the compiled model's loss; required otherwise (unless `step` is given)
   */
  readonly loss?: LossName | LossFunction;
  /**
   * Metrics, as `train()` takes them (`'accuracy'` picks binary, categorical or sparse from the
   * loss and output size).
   * @default the compiled model's metrics without `step`, else []
   */
  readonly metrics?: readonly MetricSpec[];
  /**
   * Rows per batch when `data` is one `{ xs, ys }` of the whole set (Keras' `batch_size`); not
   * allowed for other sources, whose batches have their own size.
   * @default 32
   */
  readonly batchSize?: number;
  /** A custom step, as `train()`'s (run with `training: false`). @default undefined */
  readonly step?: TrainStep<B>;
  /** Stops the pass; evaluate then rejects with `RNN_MODELS_ABORTED`. @default undefined */
  readonly signal?: AbortSignal;
  /**
   * Called after each batch with its own `loss`, metrics and `size` (rows); awaited.
   * @default undefined
   */
  readonly onBatch?: (batch: number, logs: Record<string, number>) => void | Promise<void>;
  /**
   * For models with stateful layers: `model.resetStates()` before the pass.
   * @default true
   */
  readonly resetStates?: boolean;
  /**
   * Whether evaluate disposes each batch after using it, as `train()`'s option: `'auto'` disposes
   * batches from datasets, iterables and functions, not those of an array or a single `{ xs, ys }`
   * (their tensors stay yours). The slices evaluate cuts from a single batch are always its own.
   * @default 'auto'
   */
  readonly disposeBatches?: boolean | 'auto';
}

/** The documented defaults of {@link EvaluateOptions}. */
export const DEFAULT_EVALUATE_OPTIONS = {
  batchSize: 32,
  resetStates: true,
  disposeBatches: 'auto',
} as const satisfies Partial<EvaluateOptions>;

const EVALUATE_OPTION_KEYS: readonly (keyof EvaluateOptions)[] = [
  'loss',
  'metrics',
  'batchSize',
  'step',
  'signal',
  'onBatch',
  'resetStates',
  'disposeBatches',
];

const WHERE = 'evaluate';

/** {@link EvaluateOptions} validated, with the defaults filled in. */
export interface ResolvedEvaluateOptions<B extends Batch> {
  readonly loss: LossFunction | undefined;
  /** The `metrics` option, or `undefined` for the default (compiled model's without `step`). */
  readonly metrics: readonly MetricSpec[] | undefined;
  /** `undefined` when not given: only a single `{ xs, ys }` is cut, by 32 rows. */
  readonly batchSize: number | undefined;
  readonly step: TrainStep<B> | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onBatch: EvaluateOptions<B>['onBatch'];
  readonly resetStates: boolean;
  readonly disposeBatches: boolean | 'auto';
}

/**
 * Validates {@link EvaluateOptions} against the model (loss, or a custom step for several
 * outputs) and fills in the defaults; builds nothing.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` naming the option (the closest valid name for
 *   a misspelt one), the value and the rule.
 */
export function resolveEvaluateOptions<B extends Batch>(
  model: LayersModel,
  options: EvaluateOptions<B>,
): ResolvedEvaluateOptions<B> {
  validate.options(WHERE, options ?? null, EVALUATE_OPTION_KEYS);
  const { step, loss } = resolveStepAndLoss(WHERE, model, options);
  const batchSize =
    options.batchSize === undefined
      ? undefined
      : validate.integer(WHERE, 'batchSize', options.batchSize, { min: 1 });
  const signal = validate.signal(WHERE, 'signal', options.signal) ?? undefined;
  if (options.onBatch !== undefined && typeof options.onBatch !== 'function') {
    validate.invalid(WHERE, 'onBatch', options.onBatch, 'must be a function (batch, logs) => void');
  }
  return {
    loss,
    metrics: options.metrics,
    batchSize,
    step,
    signal,
    onBatch: options.onBatch,
    resetStates: validate.boolean(
      WHERE,
      'resetStates',
      options.resetStates ?? DEFAULT_EVALUATE_OPTIONS.resetStates,
    ),
    disposeBatches: validate.oneOf(
      WHERE,
      'disposeBatches',
      options.disposeBatches ?? DEFAULT_EVALUATE_OPTIONS.disposeBatches,
      [true, false, 'auto'] as const,
    ),
  };
}
