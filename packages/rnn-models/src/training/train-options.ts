import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { validate } from '../errors.js';
import { compiledLossFunction, compiledOptimizer } from './compiled-model.js';
import type { Batch, DataSource } from './data-source.js';
import { checkBatch, checkDataSource } from './data-source.js';
import {
  type EarlyStoppingOptions,
  type ResolvedEarlyStopping,
  resolveEarlyStopping,
} from './early-stopping.js';
import { type GradientClipping, resolveGradientClipping } from './gradient-clipping.js';
import type { LearningRateFunction, LearningRateScheduleConfig } from './learning-rate-schedules.js';
import { getLoss, LOSS_NAMES, type LossFunction, type LossName } from './losses.js';
import type { MetricSpec } from './metrics.js';
import {
  DEFAULT_LEARNING_RATES,
  getLearningRate,
  OPTIMIZER_NAMES,
  type OptimizerName,
} from './optimizers.js';
import type { ProgressOutput, Verbosity } from './progress.js';
import { checkWholeSetRows, isWholeSet, WholeSetBatches } from './whole-set.js';

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
/**
 * What {@link train} reads: a source of batches, or one `{ xs, ys, mask? }` of the whole set that
 * train cuts into `batchSize` rows (Keras' `fit(x, y)`).
 */
export type TrainData<B extends Batch = Batch> = DataSource<B> | B;

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
   * Data evaluated (in inference mode) after every epoch, giving `val_loss` and `val_<metric>`:
   * a source of batches as `data`, or one `{ xs, ys, mask? }` of the whole validation set, cut
   * into `batchSize` rows (Keras' `validation_data=(x, y)`).
   * @default undefined
   */
  readonly validationData?: TrainData<B>;
  /**
   * Rows per batch when `data` (or `validationData`) is one `{ xs, ys }` of the whole set, as
   * Keras' `batch_size`; not allowed otherwise, since batches from a source keep their own size.
   * @default 32
   */
  readonly batchSize?: number;
  /**
   * With a whole-set `data`: draw the rows in a new order every epoch (Keras' `shuffle=True`),
   * seeded by `seed` (0 when unset) and the epoch, so equal seeds give equal orders and a run
   * resumed at `initialEpoch` continues the order an uninterrupted one would have. Not allowed for
   * other sources: shuffling them is their job (`Dataset.shuffle(bufferSize, seed)`).
   * @default true
   */
  readonly shuffle?: boolean;
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
  batchSize: 32,
  shuffle: true,
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
  'batchSize',
  'shuffle',
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

/** The callbacks a plain callbacks object may hold. */
const CALLBACK_NAMES: readonly (keyof TrainCallbacks)[] = [
  'onTrainBegin',
  'onEpochBegin',
  'onBatchEnd',
  'onEpochEnd',
  'onTrainEnd',
];

const WHERE = 'train';

/**
 * {@link TrainOptions} validated, with every default filled in (from {@link DEFAULT_TRAIN_OPTIONS}
 * and the compiled model). Nothing is built yet: the optimizer, schedule, loss reduction and
 * metrics are made from it by `train-setup.ts`.
 */
export interface ResolvedTrainOptions<B extends Batch> {
  readonly epochs: number;
  readonly initialEpoch: number;
  readonly initialStep: number;
  /** The optimizer to use (yours or the compiled one), or the name of one to create. */
  readonly optimizer: tf.Optimizer | OptimizerName;
  /** Base rate the schedule scales; `undefined` for an optimizer without a numeric rate (left alone). */
  readonly baseLearningRate: number | undefined;
  readonly learningRateSchedule: LearningRateScheduleConfig | LearningRateFunction;
  /** The loss (option or compiled model's); `undefined` only with a custom step. */
  readonly loss: LossFunction | undefined;
  /** The `metrics` option, or `undefined` for the default (compiled model's without `step`). */
  readonly metrics: readonly MetricSpec[] | undefined;
  /** Converted to batches when given as a whole set. */
  readonly validationData: DataSource<B> | undefined;
  readonly batchSize: number;
  readonly shuffle: boolean;
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
 * Validates {@link TrainOptions} against the model and fills in every default; builds nothing,
 * so a validation error leaves nothing to dispose.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` naming the option, the value and the rule.
 */
export function resolveTrainOptions<B extends Batch>(
  model: LayersModel,
  options: TrainOptions<B>,
): ResolvedTrainOptions<B> {
  validate.options(WHERE, options ?? null, TRAIN_OPTION_KEYS);
  const epochs = validate.integer(WHERE, 'epochs', options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs, {
    min: 0,
  });
  const initialEpoch = validate.integer(
    WHERE,
    'initialEpoch',
    options.initialEpoch ?? DEFAULT_TRAIN_OPTIONS.initialEpoch,
    { min: 0 },
  );
  if (initialEpoch > epochs) {
    validate.invalid(
      WHERE,
      'initialEpoch',
      initialEpoch,
      `must not be after epochs (${epochs}), the index to stop before as in Keras`,
      `To train 3 more epochs from epoch ${initialEpoch}, pass epochs: ${initialEpoch + 3}.`,
    );
  }
  const initialStep = validate.integer(
    WHERE,
    'initialStep',
    options.initialStep ?? DEFAULT_TRAIN_OPTIONS.initialStep,
    { min: 0 },
  );

  const { step, loss } = resolveStepAndLoss(WHERE, model, options);

  const batchSize = validate.integer(
    WHERE,
    'batchSize',
    options.batchSize ?? DEFAULT_TRAIN_OPTIONS.batchSize,
    {
      min: 1,
    },
  );
  const shuffle = validate.boolean(WHERE, 'shuffle', options.shuffle ?? DEFAULT_TRAIN_OPTIONS.shuffle);
  let validationData: DataSource<B> | undefined;
  if (isWholeSet(options.validationData)) {
    checkBatch(options.validationData, 'train: validationData', step === undefined);
    checkWholeSetRows(options.validationData, 'train: validationData');
    validationData = new WholeSetBatches(options.validationData as B, batchSize, { shuffle: false });
  } else if (options.validationData !== undefined) {
    checkDataSource(options.validationData, 'validationData');
    validationData = options.validationData;
  }
  const clipping = resolveGradientClipping(options);
  const earlyStopping =
    options.earlyStopping === undefined
      ? undefined
      : resolveEarlyStopping(options.earlyStopping, options.validationData !== undefined);
  const resetStatesEachEpoch = validate.boolean(
    WHERE,
    'resetStatesEachEpoch',
    options.resetStatesEachEpoch ?? DEFAULT_TRAIN_OPTIONS.resetStatesEachEpoch,
  );
  const seed = options.seed === undefined ? undefined : validate.integer(WHERE, 'seed', options.seed);
  const callbacks = resolveCallbacks(options.callbacks);
  const verbose = validate.oneOf(WHERE, 'verbose', options.verbose ?? DEFAULT_TRAIN_OPTIONS.verbose, [
    0, 1, 2,
  ] as const);
  const output = options.output ?? defaultOutput();
  if (output !== undefined && (output === null || typeof output.write !== 'function')) {
    validate.invalid(WHERE, 'output', output, 'must have a write(text) method, like process.stderr');
  }
  const clock = options.clock ?? (() => performance.now());
  if (typeof clock !== 'function') {
    validate.invalid(WHERE, 'clock', clock, 'must be a function returning milliseconds');
  }
  const logIntervalMs = validate.number(
    WHERE,
    'logIntervalMs',
    options.logIntervalMs ?? DEFAULT_TRAIN_OPTIONS.logIntervalMs,
    { min: 0 },
  );
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
    validate.invalid(WHERE, 'signal', signal, 'must be an AbortSignal');
  }
  const disposeBatches = validate.oneOf(
    WHERE,
    'disposeBatches',
    options.disposeBatches ?? DEFAULT_TRAIN_OPTIONS.disposeBatches,
    [true, false, 'auto'] as const,
  );
  const { optimizer, baseLearningRate } = resolveOptimizer(model, options);
  return {
    epochs,
    initialEpoch,
    initialStep,
    optimizer,
    baseLearningRate,
    learningRateSchedule: options.learningRateSchedule ?? DEFAULT_TRAIN_OPTIONS.learningRateSchedule,
    loss,
    metrics: options.metrics,
    validationData,
    batchSize,
    shuffle,
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
 * The step, loss and metrics of `train()` and `evaluate()`, checked the same way (internal): a
 * loss (given, compiled, or computed by a custom step) and, without a custom step, one output.
 */
export function resolveStepAndLoss<B extends Batch>(
  where: string,
  model: LayersModel,
  options: {
    readonly step?: TrainStep<B>;
    readonly loss?: LossName | LossFunction;
    readonly metrics?: readonly MetricSpec[];
  },
): { step: TrainStep<B> | undefined; loss: LossFunction | undefined } {
  const step = options.step;
  if (step !== undefined && typeof step !== 'function') {
    validate.invalid(where, 'step', step, 'must be a function (context) => { loss, yPred?, logs? }');
  }
  const loss = resolveLoss(where, model, options.loss);
  if (loss === undefined && step === undefined) {
    validate.invalid(
      where,
      'loss',
      undefined,
      'is required',
      "Pass loss (e.g. 'sparseCategoricalCrossentropy' or a function), compile the model with one, or pass a custom step.",
    );
  }
  if (step === undefined && model.outputs.length !== 1) {
    validate.invalid(
      where,
      'step',
      undefined,
      `is required for a model with ${model.outputs.length} outputs (the default step handles one)`,
      'Pass a custom step that computes the loss.',
    );
  }
  if (options.metrics !== undefined && !Array.isArray(options.metrics)) {
    validate.invalid(
      where,
      'metrics',
      options.metrics,
      'must be an array of names, functions or { name, fn }',
    );
  }
  return { step, loss };
}

/** The `loss` option of `where` (`train`, `evaluate`) as a function, else the compiled model's loss. */
export function resolveLoss(
  where: string,
  model: LayersModel,
  loss: TrainOptions['loss'],
): LossFunction | undefined {
  if (loss === undefined) return compiledLossFunction(model);
  if (typeof loss === 'function') return loss;
  if (typeof loss === 'string') return getLoss(validate.oneOf(where, 'loss', loss, LOSS_NAMES));
  return validate.invalid(where, 'loss', loss, 'must be a loss name or a function (yTrue, yPred) => tensor');
}

/** The optimizer (option, compiled model's or default) and the base learning rate to schedule. */
function resolveOptimizer(
  model: LayersModel,
  options: Pick<TrainOptions, 'optimizer' | 'learningRate' | 'learningRateSchedule'>,
): { optimizer: tf.Optimizer | OptimizerName; baseLearningRate: number | undefined } {
  const learningRate =
    options.learningRate === undefined
      ? undefined
      : validate.number(WHERE, 'learningRate', options.learningRate, { min: 0 });
  const optimizer = options.optimizer ?? compiledOptimizer(model) ?? DEFAULT_TRAIN_OPTIONS.optimizer;
  if (typeof optimizer === 'string') {
    const name = validate.oneOf(WHERE, 'optimizer', optimizer, OPTIMIZER_NAMES);
    return { optimizer: name, baseLearningRate: learningRate ?? DEFAULT_LEARNING_RATES[name] };
  }
  if (!(optimizer instanceof tf.Optimizer)) {
    validate.invalid(WHERE, 'optimizer', optimizer, 'must be a tf.train.* optimizer or a name');
  }
  const own = getLearningRate(optimizer);
  if (
    own === undefined &&
    (options.learningRate !== undefined || options.learningRateSchedule !== undefined)
  ) {
    validate.invalid(
      WHERE,
      'optimizer',
      optimizer,
      'has no numeric learningRate field, so learningRate and learningRateSchedule cannot be applied to it',
      'Use a tf.train.* optimizer or leave both unset.',
    );
  }
  return { optimizer, baseLearningRate: learningRate ?? own };
}

function resolveCallbacks(callbacks: TrainOptions['callbacks']): TrainCallbacks[] {
  if (callbacks === undefined) return [];
  const list = Array.isArray(callbacks) ? callbacks : [callbacks];
  list.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object') {
      validate.invalid(
        WHERE,
        `callbacks[${index}]`,
        entry,
        'must be an object of onEpochEnd/onBatchEnd/… functions',
      );
    }
    // Only plain objects: a class instance (ModelCheckpoint) has fields and methods of its own.
    const prototype = Object.getPrototypeOf(entry);
    if (prototype === Object.prototype || prototype === null) {
      validate.options(`train: callbacks[${index}]`, entry, CALLBACK_NAMES);
    }
  });
  return list as TrainCallbacks[];
}

function defaultOutput(): ProgressOutput | undefined {
  return typeof process !== 'undefined' && process.stderr !== undefined ? process.stderr : undefined;
}
