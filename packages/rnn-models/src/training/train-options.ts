import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import type { Batch, DataSource } from './data-source.js';
import { checkDataSource } from './data-source.js';
import {
  type EarlyStoppingOptions,
  type ResolvedEarlyStopping,
  resolveEarlyStopping,
} from './early-stopping.js';
import { type GradientClipping, resolveGradientClipping } from './gradient-clipping.js';
import {
  createLearningRateSchedule,
  type LearningRateFunction,
  type LearningRateScheduleConfig,
} from './learning-rate-schedules.js';
import { getLoss, LOSS_NAMES, type LossFunction, type LossName, weightedMean } from './losses.js';
import { type MetricSpec, type ResolvedMetric, resolveMetrics } from './metrics.js';
import {
  createOptimizer,
  DEFAULT_LEARNING_RATES,
  getLearningRate,
  OPTIMIZER_NAMES,
  type OptimizerName,
} from './optimizers.js';
import type { ProgressOutput, Verbosity } from './progress.js';

/** What a custom {@link TrainOptions.step} receives. */
export interface TrainStepContext<B extends Batch = Batch> {
  readonly model: LayersModel;
  /** The batch; owned by train (see `disposeBatches`) — do not dispose it. */
  readonly batch: B;
  /** `true` inside the gradient computation, `false` for validation batches. */
  readonly training: boolean;
  /** Current epoch (0-based). */
  readonly epoch: number;
  /** Global step (0-based, from `initialStep`); for validation, the last training step. */
  readonly step: number;
  /**
   * The resolved loss (the `loss` option or the compiled model's), reduced to a scalar with the
   * batch mask like the default step does; `undefined` when there is none.
   */
  readonly computeLoss: ((yTrue: tf.Tensor, yPred: tf.Tensor, mask?: tf.Tensor) => tf.Scalar) | undefined;
}

/** What a custom {@link TrainOptions.step} returns; train disposes all of it. */
export interface TrainStepResult {
  /** The scalar to minimise, computed from the model's weights inside this call. */
  readonly loss: tf.Scalar;
  /** Predictions, only needed when `metrics` are set (compared with `batch.ys` and `batch.mask`). */
  readonly yPred?: tf.Tensor;
  /** Extra scalars to log under these names (averaged over the epoch like `loss`). */
  readonly logs?: Readonly<Record<string, tf.Scalar>>;
}

/**
 * A custom training step replacing the default `loss(ys, model.apply(xs, { training }))`. It
 * runs synchronously inside `tf.variableGrads` (training) or `tf.tidy` (validation): it must not
 * `await`, and tensors it creates are cleaned up by train.
 */
export type TrainStep<B extends Batch = Batch> = (context: TrainStepContext<B>) => TrainStepResult;

/**
 * Callbacks of {@link train}; they receive plain numbers only and may be async (train awaits
 * them). Epochs are 0-based; `step` is the global step (0-based, from `initialStep`).
 */
export interface TrainCallbacks {
  onTrainBegin?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  /**
   * After each update. `logs` holds this batch's `loss` and metrics (not running means), its
   * `batch` index in the epoch, its `size` (samples) and the `learningRate` used for the update.
   */
  onBatchEnd?(step: number, logs: Record<string, number>): void | Promise<void>;
  /** After each epoch: epoch means of `loss` and metrics, and `val_…` ones with validation data. */
  onEpochEnd?(epoch: number, logs: Record<string, number>): void | Promise<void>;
  /** When training finishes normally, stops early or is aborted (not on errors); last epoch's logs. */
  onTrainEnd?(logs: Record<string, number> | undefined): void | Promise<void>;
}

/** Options of {@link train}. */
export interface TrainOptions<B extends Batch = Batch> {
  /**
   * Index of the epoch to stop before (Keras' `epochs`): training runs epochs
   * `initialEpoch … epochs − 1`.
   * @default 1
   */
  readonly epochs?: number;
  /**
   * Epoch to start from, to resume an earlier run (logs and schedules use absolute epochs).
   * @default 0
   */
  readonly initialEpoch?: number;
  /**
   * Global step to start from, to resume step-based learning-rate schedules.
   * @default 0
   */
  readonly initialStep?: number;
  /**
   * A tf.train optimizer (yours: its state persists across calls) or a name; a named optimizer is
   * created with tfjs-layers' `compile` hyper-parameters and disposed when train returns.
   * @default the compiled model's optimizer, else 'adam'
   */
  readonly optimizer?: tf.Optimizer | OptimizerName;
  /**
   * Base learning rate; set on the optimizer (also on one you pass) and scaled by built-in schedules.
   * @default the optimizer's own rate (for names: sgd 0.01, adam 0.001, rmsprop 0.001, adagrad 0.01, adadelta 1, adamax 0.002)
   */
  readonly learningRate?: number;
  /**
   * Learning rate per step: a built-in schedule or a function `(step, epoch) => rate`. Applied
   * to the optimizer before every update; it keeps the last rate afterwards.
   * @default { kind: 'constant' }
   */
  readonly learningRateSchedule?: LearningRateScheduleConfig | LearningRateFunction;
  /**
   * A tfjs-layers loss name or a function `(yTrue, yPred) => values` (per sample/step or scalar),
   * averaged over the batch (weighted by `batch.mask` when present).
   * @default the compiled model's loss; required otherwise (unless `step` is given)
   */
  readonly loss?: LossName | LossFunction;
  /**
   * Metrics computed on every training and validation batch.
   * @default the compiled model's metrics without `step`, else []
   */
  readonly metrics?: readonly MetricSpec[];
  /**
   * Data evaluated (in inference mode) after every epoch, giving `val_loss` and `val_<metric>`.
   * @default undefined
   */
  readonly validationData?: DataSource<B>;
  /** Per-tensor gradient norm clipping (Keras `clipnorm`). @default undefined */
  readonly clipNorm?: number;
  /** Element-wise gradient clipping (Keras `clipvalue`). @default undefined */
  readonly clipValue?: number;
  /** Global gradient norm clipping (Keras `global_clipnorm`, `tf.clip_by_global_norm`). @default undefined */
  readonly globalClipNorm?: number;
  /** Early stopping (Keras `EarlyStopping`). @default undefined (off) */
  readonly earlyStopping?: EarlyStoppingOptions;
  /**
   * For models with stateful layers: `model.resetStates()` before every epoch and before every
   * validation pass.
   * @default true
   */
  readonly resetStatesEachEpoch?: boolean;
  /** Custom step replacing the default forward pass and loss (seq2seq, auxiliary losses). @default undefined */
  readonly step?: TrainStep<B>;
  /**
   * Makes dropout reproducible: before every training step, every layer that has a dropout
   * `seed` slot left unset (rnnkit's recurrent layers, tfjs-layers' `Dropout`) gets one derived
   * from this seed, the step and the layer's position, so two runs from equal models and data
   * draw equal masks (rnnkit layers also add their own per-call count). Restored afterwards.
   * Layers without a seed slot (stock tfjs-layers LSTM/GRU dropout, GaussianNoise) stay random.
   * Shuffling is the data's job (e.g. `@rnnkit/datasets` `shuffle(bufferSize, seed)`).
   * @default undefined (layers keep their own seeds or draw unseeded masks)
   */
  readonly seed?: number;
  /** Callbacks (one object or several). @default [] */
  readonly callbacks?: TrainCallbacks | readonly TrainCallbacks[];
  /**
   * 0: silent; 1: Keras' progress bar on a terminal, periodic lines on other outputs or with
   * `CI` set; 2: one line per epoch.
   * @default 1
   */
  readonly verbose?: Verbosity;
  /**
   * Where progress goes.
   * @default process.stderr when it exists (Node), else nowhere
   */
  readonly output?: ProgressOutput;
  /**
   * Clock in milliseconds for progress timing (inject one in tests).
   * @default performance.now
   */
  readonly clock?: () => number;
  /**
   * With `verbose: 1` on a non-terminal output, minimum time between two progress lines, in ms.
   * @default 10000
   */
  readonly logIntervalMs?: number;
  /** Stops training after the current step; train then resolves with the completed epochs. @default undefined */
  readonly signal?: AbortSignal;
  /**
   * Whether train disposes the tensors of each batch (and validation batch) after using it.
   * `'auto'`: yes, except for arrays, which are read again every epoch and stay the caller's;
   * batches from datasets, iterables and functions are created for train, which owns them (as
   * tfjs' `fitDataset` does).
   * @default 'auto'
   */
  readonly disposeBatches?: boolean | 'auto';
}

/** Defaults of {@link TrainOptions} that do not depend on the model. */
export const DEFAULT_TRAIN_OPTIONS = {
  epochs: 1,
  initialEpoch: 0,
  initialStep: 0,
  optimizer: 'adam',
  learningRateSchedule: { kind: 'constant' },
  resetStatesEachEpoch: true,
  verbose: 1,
  logIntervalMs: 10_000,
  disposeBatches: 'auto',
} as const satisfies Partial<TrainOptions>;

const TRAIN_OPTION_KEYS: readonly (keyof TrainOptions)[] = [
  'epochs',
  'initialEpoch',
  'initialStep',
  'optimizer',
  'learningRate',
  'learningRateSchedule',
  'loss',
  'metrics',
  'validationData',
  'clipNorm',
  'clipValue',
  'globalClipNorm',
  'earlyStopping',
  'resetStatesEachEpoch',
  'step',
  'seed',
  'callbacks',
  'verbose',
  'output',
  'clock',
  'logIntervalMs',
  'signal',
  'disposeBatches',
];

/** {@link TrainOptions} validated, with every default filled in. */
export interface ResolvedTrainOptions<B extends Batch> {
  readonly epochs: number;
  readonly initialEpoch: number;
  readonly initialStep: number;
  readonly optimizer: tf.Optimizer;
  /** Whether train created the optimizer (and disposes it). */
  readonly ownsOptimizer: boolean;
  /** Rate per step, or `null` to leave the optimizer's rate alone. */
  readonly learningRate: LearningRateFunction | null;
  /** The loss reduced to a scalar, or undefined (custom step without loss). */
  readonly computeLoss: ((yTrue: tf.Tensor, yPred: tf.Tensor, mask?: tf.Tensor) => tf.Scalar) | undefined;
  readonly metrics: readonly ResolvedMetric[];
  readonly validationData: DataSource<B> | undefined;
  readonly clipping: GradientClipping;
  readonly earlyStopping: ResolvedEarlyStopping | undefined;
  readonly resetStatesEachEpoch: boolean;
  readonly step: TrainStep<B> | undefined;
  readonly seed: number | undefined;
  readonly callbacks: readonly TrainCallbacks[];
  readonly verbose: Verbosity;
  readonly output: ProgressOutput | undefined;
  readonly clock: () => number;
  readonly logIntervalMs: number;
  readonly signal: AbortSignal | undefined;
  readonly disposeBatches: boolean | 'auto';
}

/**
 * Validates {@link TrainOptions} against the model and fills in every default (from
 * {@link DEFAULT_TRAIN_OPTIONS} and the compiled model). Creates the named optimizer last, so a
 * validation error leaves nothing to dispose.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` naming the option, the value and the rule.
 */
export function resolveTrainOptions<B extends Batch>(
  model: LayersModel,
  options: TrainOptions<B>,
): ResolvedTrainOptions<B> {
  if (options === null || typeof options !== 'object') {
    throw invalid(`train options must be an object, received ${String(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!(TRAIN_OPTION_KEYS as readonly string[]).includes(key)) {
      throw invalid(
        `Unknown train option ${JSON.stringify(key)}; known options: ${TRAIN_OPTION_KEYS.join(', ')}.`,
      );
    }
  }
  const epochs = requireInteger(options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs, 'epochs', 0);
  const initialEpoch = requireInteger(
    options.initialEpoch ?? DEFAULT_TRAIN_OPTIONS.initialEpoch,
    'initialEpoch',
    0,
  );
  if (initialEpoch > epochs) {
    throw invalid(
      `initialEpoch (${initialEpoch}) is after epochs (${epochs}); epochs is the index to stop before, as in Keras: ` +
        `to train 3 more epochs from epoch ${initialEpoch}, pass epochs: ${initialEpoch + 3}.`,
    );
  }
  const initialStep = requireInteger(
    options.initialStep ?? DEFAULT_TRAIN_OPTIONS.initialStep,
    'initialStep',
    0,
  );

  const step = options.step;
  if (step !== undefined && typeof step !== 'function') {
    throw invalid(`step must be a function (context) => { loss, yPred?, logs? }, received ${String(step)}.`);
  }
  const compiledLoss = compiledLossFunction(model);
  let lossFn: LossFunction | undefined;
  if (options.loss !== undefined) {
    if (typeof options.loss === 'function') lossFn = options.loss;
    else if (typeof options.loss === 'string') lossFn = getLoss(options.loss);
    else
      throw invalid(
        `loss must be a loss name or a function (yTrue, yPred) => tensor, received ${String(options.loss)}.`,
      );
  } else {
    lossFn = compiledLoss;
  }
  if (lossFn === undefined && step === undefined) {
    throw invalid(
      "No loss: pass loss (e.g. 'sparseCategoricalCrossentropy' or a function), compile the model with one, or pass a custom step.",
    );
  }
  if (step === undefined && model.outputs.length !== 1) {
    throw invalid(
      `The model has ${model.outputs.length} outputs; the default step handles one. Pass a custom step that computes the loss.`,
    );
  }
  const computeLoss =
    lossFn === undefined
      ? undefined
      : (yTrue: tf.Tensor, yPred: tf.Tensor, mask?: tf.Tensor) =>
          weightedMean(lossFn(yTrue, yPred), mask, 'the loss');

  const outputShape = model.outputs[0]?.shape;
  const accuracyContext = { loss: lossFn, outputUnits: outputShape?.[outputShape.length - 1] };
  const metrics =
    options.metrics !== undefined
      ? resolveMetrics(options.metrics, accuracyContext)
      : step === undefined
        ? compiledMetrics(model)
        : [];

  if (options.validationData !== undefined) checkDataSource(options.validationData, 'validationData');
  const clipping = resolveGradientClipping(options);
  const earlyStopping =
    options.earlyStopping === undefined
      ? undefined
      : resolveEarlyStopping(options.earlyStopping, options.validationData !== undefined);
  const resetStatesEachEpoch = requireBoolean(
    options.resetStatesEachEpoch ?? DEFAULT_TRAIN_OPTIONS.resetStatesEachEpoch,
    'resetStatesEachEpoch',
  );
  const seed = options.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
    throw invalid(`seed must be an integer, received ${String(seed)}.`);
  }
  const callbacks = resolveCallbacks(options.callbacks);
  const verbose = options.verbose ?? DEFAULT_TRAIN_OPTIONS.verbose;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) {
    throw invalid(`verbose must be 0, 1 or 2, received ${String(verbose)}.`);
  }
  const output = options.output ?? defaultOutput();
  if (output !== undefined && (output === null || typeof output.write !== 'function')) {
    throw invalid('output must have a write(text) method, like process.stderr.');
  }
  const clock = options.clock ?? (() => performance.now());
  if (typeof clock !== 'function') throw invalid(`clock must be a function returning milliseconds.`);
  const logIntervalMs = options.logIntervalMs ?? DEFAULT_TRAIN_OPTIONS.logIntervalMs;
  if (typeof logIntervalMs !== 'number' || !(logIntervalMs >= 0) || !Number.isFinite(logIntervalMs)) {
    throw invalid(`logIntervalMs must be a finite number ≥ 0, received ${String(logIntervalMs)}.`);
  }
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
    throw invalid('signal must be an AbortSignal.');
  }
  const disposeBatches = options.disposeBatches ?? DEFAULT_TRAIN_OPTIONS.disposeBatches;
  if (disposeBatches !== true && disposeBatches !== false && disposeBatches !== 'auto') {
    throw invalid(`disposeBatches must be true, false or 'auto', received ${String(disposeBatches)}.`);
  }

  const learningRate = options.learningRate;
  if (
    learningRate !== undefined &&
    (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate < 0)
  ) {
    throw invalid(`learningRate must be a finite number ≥ 0, received ${String(learningRate)}.`);
  }
  const optimizerOption = options.optimizer ?? compiledOptimizer(model) ?? DEFAULT_TRAIN_OPTIONS.optimizer;
  let optimizerName: OptimizerName | undefined;
  if (typeof optimizerOption === 'string') {
    if (!(OPTIMIZER_NAMES as string[]).includes(optimizerOption)) {
      throw invalid(
        `Unknown optimizer ${JSON.stringify(optimizerOption)}; use one of ${OPTIMIZER_NAMES.join(', ')} or a tf.train.* instance.`,
      );
    }
    optimizerName = optimizerOption;
  } else if (!(optimizerOption instanceof tf.Optimizer)) {
    throw invalid(`optimizer must be a tf.train.* optimizer or a name, received ${String(optimizerOption)}.`);
  }
  const schedule = options.learningRateSchedule ?? DEFAULT_TRAIN_OPTIONS.learningRateSchedule;
  let base: number | undefined;
  if (optimizerName !== undefined) {
    base = learningRate ?? DEFAULT_LEARNING_RATES[optimizerName];
  } else {
    const own = getLearningRate(optimizerOption as tf.Optimizer);
    base = learningRate ?? own;
    if (
      own === undefined &&
      (options.learningRate !== undefined || options.learningRateSchedule !== undefined)
    ) {
      throw invalid(
        `The optimizer ${(optimizerOption as tf.Optimizer).getClassName()} has no numeric learningRate field, so ` +
          'learningRate and learningRateSchedule cannot be applied to it. Use a tf.train.* optimizer or leave both unset.',
      );
    }
  }
  // A custom optimizer without a learningRate field (and no schedule asked for) is left alone.
  const rate = base === undefined ? null : createLearningRateSchedule(schedule, base);
  const optimizer =
    optimizerName !== undefined ? createOptimizer(optimizerName, base) : (optimizerOption as tf.Optimizer);
  return {
    epochs,
    initialEpoch,
    initialStep,
    optimizer,
    ownsOptimizer: optimizerName !== undefined,
    learningRate: rate,
    computeLoss,
    metrics,
    validationData: options.validationData,
    clipping,
    earlyStopping,
    resetStatesEachEpoch,
    step,
    seed,
    callbacks,
    verbose,
    output,
    clock,
    logIntervalMs,
    signal,
    disposeBatches,
  };
}

/**
 * The compiled model's single loss: `model.loss` (a Sequential keeps its `lossFunctions` on an
 * inner model, but copies `loss`).
 */
function compiledLossFunction(model: LayersModel): LossFunction | undefined {
  const loss = (model as { loss?: unknown }).loss;
  if (typeof loss === 'function') return loss as LossFunction;
  if (typeof loss === 'string' && (LOSS_NAMES as readonly string[]).includes(loss))
    return getLoss(loss as LossName);
  return undefined;
}

function compiledOptimizer(model: LayersModel): tf.Optimizer | undefined {
  return (model as { optimizer?: tf.Optimizer }).optimizer ?? undefined;
}

/** The compiled model's metrics under the names tfjs-layers gives them in `fit` logs. */
function compiledMetrics(model: LayersModel): ResolvedMetric[] {
  const names = model.metricsNames ?? [];
  const tensors = model.metricsTensors ?? [];
  return tensors.map(([fn], index) => ({
    name: names[index + 1] ?? `metric_${index}`,
    fn: fn as LossFunction,
  }));
}

function resolveCallbacks(callbacks: TrainOptions['callbacks']): TrainCallbacks[] {
  if (callbacks === undefined) return [];
  const list = Array.isArray(callbacks) ? callbacks : [callbacks];
  list.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object') {
      throw invalid(
        `callbacks[${index}] must be an object of onEpochEnd/onBatchEnd/… functions, received ${String(entry)}.`,
      );
    }
  });
  return list as TrainCallbacks[];
}

function defaultOutput(): ProgressOutput | undefined {
  return typeof process !== 'undefined' && process.stderr !== undefined ? process.stderr : undefined;
}

function requireInteger(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`${name} must be an integer ≥ ${min}, received ${String(value)}.`);
  }
  return value;
}

function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${name} must be a boolean, received ${String(value)}.`);
  return value;
}

function invalid(message: string): RnnModelsError {
  return new RnnModelsError('RNN_MODELS_INVALID_OPTION', message);
}
