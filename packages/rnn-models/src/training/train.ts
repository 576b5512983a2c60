import type * as tf from '@tensorflow/tfjs-core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { batchRules } from './batch-checks.js';
import { type Batch, checkBatch, checkDataSource, type DataSource, disposeBatch } from './data-source.js';
import type { History } from './history.js';
import { resolveTrainOptions, type TrainData, type TrainOptions } from './train-options.js';
import { buildTrainSetup } from './train-setup.js';
import { TrainingLoop } from './training-loop.js';
import { checkWholeSetRows, isWholeSet, WholeSetBatches } from './whole-set.js';

/**
 * Trains a tfjs-layers model with rnnkit's own loop (`tf.variableGrads` +
 * `optimizer.applyGradients`): what `model.fit` does, plus gradient clipping, learning-rate
 * schedules, loss masks, early stopping, a custom step, reproducible dropout, a NaN guard and
 * Keras-style progress. The model may be compiled (its optimizer, loss and metrics become the
 * defaults) or not.
 *
 * Each step runs in one `tf.tidy`: forward pass and loss inside `tf.variableGrads`, metrics, the
 * global gradient norm and clipping; then one read of all scalars. When the loss or the gradient
 * norm is NaN or infinite, training stops with an error *before* the update, so the weights are
 * those of the last good step.
 *
 * Tensor ownership: the model's weights are updated in place. Batches are disposed after use
 * unless `disposeBatches` says otherwise (by default, all but arrays' batches). A named optimizer
 * is created and disposed here; an optimizer you pass (or the compiled one) stays yours, with
 * its slots, and keeps the last learning rate set. Stateful layers keep their states.
 *
 * @param model a built `LayersModel` (e.g. `tfl.sequential` with an input shape).
 * @param data training batches `{ xs, ys, mask? }`: a dataset with `iterator()`, an array, an
 *   (async) iterable, or a function returning a fresh iterable per epoch; or one `{ xs, ys, mask? }`
 *   of the whole set (Keras' `fit(x, y)`), cut into `batchSize` rows and shuffled every epoch.
 * @returns the History of the completed epochs (plain numbers), also when stopped early or aborted.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for invalid options or data (a batch that
 *   is not `{ xs, ys }` tensors, an epoch without batches); `RNN_MODELS_SHAPE_MISMATCH` when a
 *   batch's inputs, targets or mask do not fit the model and loss; `RNN_MODELS_INVALID_INPUT`
 *   for bad values (targets outside the loss's range, NaN/Infinity, Embedding ids outside
 *   [0, inputDim)), naming the batch, position and value; `RNN_MODELS_NON_FINITE_LOSS` when a
 *   loss or gradient norm is NaN/Infinity (weights unchanged by that step);
 *   `RNN_MODELS_DATA_SOURCE_FAILED` when the data source throws (the cause is kept);
 *   `RNN_MODELS_MODEL_BUSY` when another `train()` call is training the same model. Every
 *   failure leaves no tensors behind. Errors of a custom step or loss function propagate.
 * @example
 * const model = tfl.sequential({ layers: [
 *   tfl.layers.embedding({ inputDim: 50, outputDim: 16, inputLength: 20 }),
 *   lstm({ units: 32 }),
 *   tfl.layers.dense({ units: 50, activation: 'softmax' }),
 * ] });
 * const history = await train(model, batches, {
 *   epochs: 10, optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'],
 *   globalClipNorm: 1, learningRateSchedule: { kind: 'cosineDecay', decaySteps: 1000 },
 *   validationData: validation, earlyStopping: { patience: 2, restoreBestWeights: true },
 * });
 * history.history['val_loss']; // one number per epoch
 */
export async function train<B extends Batch = Batch>(
  model: LayersModel,
  data: TrainData<B>,
  options: TrainOptions<B> = {},
): Promise<History> {
  // Sources whose batches a pass has handled (used, or disposed when left unread).
  const opened = new Set<unknown>();
  try {
    if (!(model instanceof LayersModel)) {
      validate.invalid(
        'train',
        'model',
        model,
        'must be a tfjs-layers LayersModel (tfl.sequential, tfl.model)',
      );
    }
    if (modelsInTraining.has(model)) {
      throw new RnnModelsError(
        'RNN_MODELS_MODEL_BUSY',
        `train: the model ${model.name} is already being trained by another train() call that has not finished. ` +
          'Two loops updating the same weights (and optimizer) at once interleave their steps: await the first ' +
          'call, or abort it (signal) and await it, before starting the next.',
      );
    }
    modelsInTraining.add(model);
    try {
      return await trainModel(model, data, options, opened);
    } finally {
      modelsInTraining.delete(model);
    }
  } finally {
    disposeUnopenedArrays(options, [data, (options as TrainOptions<B> | null)?.validationData], opened);
  }
}

/** Models a `train()` call is training now; a second call on one of them is `RNN_MODELS_MODEL_BUSY`. */
const modelsInTraining = new WeakSet<LayersModel>();

async function trainModel<B extends Batch>(
  model: LayersModel,
  data: TrainData<B>,
  options: TrainOptions<B>,
  opened: Set<unknown>,
): Promise<History> {
  const wholeSet = isWholeSet(data);
  if (wholeSet) {
    checkBatch(data, 'train: data', options?.step === undefined);
    checkWholeSetRows(data, 'train: data');
  } else {
    checkDataSource(data, 'data');
  }
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  if (variables.length === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `The model ${model.name} has no trainable weights: build it first (give its first layer an inputShape or ` +
        'batchInputShape) and check that its layers are trainable.',
    );
  }
  const resolved = resolveTrainOptions(model, options);
  if (!wholeSet && options.shuffle !== undefined) {
    validate.invalid(
      'train',
      'shuffle',
      options.shuffle,
      'applies only when data is one { xs, ys } of the whole set',
      'Shuffling batches from an array, iterable or dataset is their job (e.g. Dataset.shuffle(bufferSize, seed)).',
    );
  }
  if (!wholeSet && options.batchSize !== undefined && !isWholeSet(options.validationData)) {
    validate.invalid(
      'train',
      'batchSize',
      options.batchSize,
      'applies only when data or validationData is one { xs, ys } of the whole set',
      'Batches from an array, iterable or dataset keep their own size: leave batchSize out.',
    );
  }
  const source: DataSource<B> = wholeSet
    ? new WholeSetBatches(
        data as B,
        resolved.batchSize,
        resolved.shuffle
          ? { shuffle: true, seed: resolved.seed ?? 0, firstPass: resolved.initialEpoch }
          : { shuffle: false },
      )
    : (data as DataSource<B>);
  const rules = batchRules(model, resolved.loss, resolved.step !== undefined);
  const o = buildTrainSetup(model, resolved);
  const loop = new TrainingLoop(model, source, o, variables, rules, opened);
  try {
    return await loop.run();
  } finally {
    loop.cleanUp();
  }
}

/**
 * With `disposeBatches: true`, train (or evaluate) owns the batches of array sources and whole
 * sets too: a whole set is disposed when the call ends, and the batches of an array no pass read
 * (options rejected, `epochs: 0`, a failure before validation) here.
 */
export function disposeUnopenedArrays(
  options: unknown,
  sources: readonly unknown[],
  opened: Set<unknown>,
): void {
  if (options === null || typeof options !== 'object') return;
  if ((options as { disposeBatches?: unknown }).disposeBatches !== true) return;
  for (const source of new Set(sources)) {
    if (isWholeSet(source)) {
      disposeBatch(source);
      continue;
    }
    if (!Array.isArray(source) || opened.has(source)) continue;
    for (const batch of source) if (batch !== null && typeof batch === 'object') disposeBatch(batch as Batch);
  }
}
