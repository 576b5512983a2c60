import { expectErrorCode, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { lstm } from '../layers/recurrent-layers.js';
import type { Batch } from './data-source.js';
import { train } from './train.js';
import { DEFAULT_TRAIN_OPTIONS, resolveTrainOptions, type TrainOptions } from './train-options.js';
import { buildSchedule, buildTrainSetup } from './train-setup.js';

const [VOCAB, TIME, BATCH] = [6, 5, 8];
const QUIET = { verbose: 0 } as const;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Embedding → fused LSTM → softmax: predicts the last token of the sequence. */
function copyLastModel(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: 4, inputLength: TIME }),
      lstm({ units: 8 }),
      tfl.layers.dense({ units: VOCAB, activation: 'softmax' }),
    ],
  });
}

function copyLastBatches(count: number): Batch[] {
  return Array.from({ length: count }, (_, b) => {
    const rows = Array.from({ length: BATCH }, (_, r) =>
      Array.from({ length: TIME }, (_, t) => ((b * BATCH + r) * 7 + t * 3) % VOCAB),
    );
    return {
      xs: tf.tensor2d(rows, [BATCH, TIME], 'int32'),
      ys: tf.tensor1d(
        rows.map((row) => row[TIME - 1]!),
        'int32',
      ),
    };
  });
}

/** y = w·x (+ b) with zero initial weights: gradients computable by hand. */
function linearModel(useBias = false): tfl.Sequential {
  return tfl.sequential({
    layers: [tfl.layers.dense({ units: 1, inputShape: [2], useBias, kernelInitializer: 'zeros' })],
  });
}

/** x = [3, 4], y = 10: MSE gradient at w = 0 is 2·(0 − 10)·x = [−60, −80] (norm 100), bias −20. */
function linearBatch(): Batch {
  return { xs: tf.tensor2d([[3, 4]]), ys: tf.tensor2d([[10]]) };
}

function weightsOf(model: tfl.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

function disposeAll(batches: readonly Batch[]): void {
  for (const batch of batches) tf.dispose([batch.xs as tf.Tensor, batch.ys]);
}

describe('train: learning', () => {
  it('learns a toy sequence task with the fused LSTM (loss falls, accuracy rises)', async () => {
    const model = copyLastModel();
    const batches = copyLastBatches(4);
    const history = await train(model, batches, {
      ...QUIET,
      epochs: 10,
      optimizer: 'adam',
      learningRate: 0.05,
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const loss = history.history['loss']!;
    const accuracy = history.history['accuracy']!;
    expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(loss).toHaveLength(10);
    expect(loss[9]!).toBeLessThan(loss[0]! * 0.5);
    expect(accuracy[9]!).toBeGreaterThan(accuracy[0]!);
    expect(history.history['loss']!.every((v) => typeof v === 'number')).toBe(true);
    disposeAll(batches);
    model.dispose();
  });

  it('uses a compiled model’s optimizer, loss and metrics by default', async () => {
    const model = linearModel();
    const optimizer = tf.train.sgd(0.1);
    model.compile({ optimizer, loss: 'meanSquaredError', metrics: ['mae'] });
    const apply = vi.spyOn(optimizer, 'applyGradients');
    const batch = linearBatch();
    const history = await train(model, [batch], QUIET);
    expect(apply).toHaveBeenCalledTimes(1);
    expect(Object.keys(history.history)).toEqual(['loss', 'mae']);
    expect(history.history['loss']).toEqual([100]); // (0 − 10)² before the update
    expect(history.history['mae']).toEqual([10]);
    expectTensorsClose(model.getWeights()[0]!, [[6], [8]]); // 0 − 0.1·[−60, −80]
    tf.dispose([batch.xs as tf.Tensor, batch.ys]);
    model.dispose();
  });

  it('masks the loss: Σ(loss·mask)/Σmask over [batch, time] values', async () => {
    // A per-step model: Dense on [batch, time, 1] features, MSE per step; learning rate 0 keeps weights fixed.
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 1, inputShape: [3, 1], kernelInitializer: 'ones', useBias: false })],
    });
    const xs = tf.tensor3d([
      [[1], [2], [3]],
      [[4], [5], [6]],
    ]);
    const ys = tf.zeros([2, 3, 1]);
    const mask = tf.tensor2d([
      [1, 1, 0],
      [1, 0, 0],
    ]);
    const history = await train(model, [{ xs, ys, mask }], {
      ...QUIET,
      optimizer: 'sgd',
      learningRate: 0,
      loss: 'meanSquaredError',
      metrics: ['meanAbsoluteError'],
    });
    // Unmasked squared errors 1, 4, 16 → mean 7; absolute errors 1, 2, 4 → 7/3.
    expect(history.history['loss']![0]).toBeCloseTo(7, 5);
    expect(history.history['meanAbsoluteError']![0]).toBeCloseTo(7 / 3, 5);
    const mismatch = tf.ones([2]);
    await expectErrorCode(
      train(model, [{ xs, ys, mask: mismatch }], { ...QUIET, loss: 'meanSquaredError' }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    tf.dispose([xs, ys, mask, mismatch]);
    model.dispose();
  });

  it('weights epoch means by batch size (or mask sum)', async () => {
    const model = linearModel();
    const small = { xs: tf.tensor2d([[1, 0]]), ys: tf.tensor2d([[2]]) }; // squared error 4
    const large = {
      xs: tf.tensor2d([
        [1, 0],
        [1, 0],
        [1, 0],
      ]),
      ys: tf.tensor2d([[0], [0], [0]]),
    }; // 0
    const history = await train(model, [small, large], {
      ...QUIET,
      optimizer: 'sgd',
      learningRate: 0,
      loss: 'meanSquaredError',
    });
    expect(history.history['loss']![0]).toBeCloseTo(1, 6); // (4·1 + 0·3) / 4
    tf.dispose([small.xs, small.ys, large.xs, large.ys]);
    model.dispose();
  });
});

describe('train: optimizer and learning rate', () => {
  it('creates a named optimizer with the given rate and reports the rate used per step', async () => {
    const model = linearModel();
    const batch = linearBatch();
    const rates: number[] = [];
    await train(model, [batch, batch], {
      ...QUIET,
      optimizer: 'sgd',
      learningRate: 0.01,
      loss: 'meanSquaredError',
      callbacks: { onBatchEnd: (_step, logs) => void rates.push(logs['learningRate']!) },
    });
    expect(rates).toEqual([0.01, 0.01]);
    // Step 1: w = 0.01·[60, 80] = [0.6, 0.8]; w·x = 5 → gradient 2·(5 − 10)·[3, 4] = [−30, −40] → w = [0.9, 1.2].
    expectTensorsClose(model.getWeights()[0]!, [[0.9], [1.2]], { rtol: 1e-5 });
    tf.dispose([batch.xs as tf.Tensor, batch.ys]);
    model.dispose();
  });

  it('applies a schedule to SGD before every step (its cached −lr scalar is refreshed)', async () => {
    const model = linearModel();
    const batch = linearBatch();
    const optimizer = tf.train.sgd(1);
    const seen: Array<[number, number, number]> = [];
    await train(model, [batch, batch], {
      ...QUIET,
      epochs: 1,
      optimizer,
      loss: 'meanSquaredError',
      learningRateSchedule: (step, epoch) => (step === 0 ? 0.01 : 0.001) + epoch,
      callbacks: {
        onBatchEnd: (step, logs) => void seen.push([step, logs['learningRate']!, logs['batch']!]),
      },
    });
    expect(seen).toEqual([
      [0, 0.01, 0],
      [1, 0.001, 1],
    ]);
    // Step 0 at 0.01: w = [0.6, 0.8]; step 1 at 0.001 with gradient [−30, −40]: w = [0.63, 0.84].
    expectTensorsClose(model.getWeights()[0]!, [[0.63], [0.84]], { rtol: 1e-5 });
    expect((optimizer as unknown as { learningRate: number }).learningRate).toBe(0.001); // keeps the last rate
    optimizer.dispose();
    tf.dispose([batch.xs as tf.Tensor, batch.ys]);
    model.dispose();
  });

  it('sets the rate Adam reads in applyGradients (first Adam step moves each weight by ≈ lr)', async () => {
    const model = linearModel();
    const batch = linearBatch();
    const optimizer = tf.train.adam(0.5);
    const rates: number[] = [];
    await train(model, [batch], {
      ...QUIET,
      optimizer,
      loss: 'meanSquaredError',
      learningRateSchedule: { kind: 'exponentialDecay', decaySteps: 1, decayRate: 0.5 },
      learningRate: 0.2,
      callbacks: { onBatchEnd: (_s, logs) => void rates.push(logs['learningRate']!) },
    });
    expect(rates).toEqual([0.2]);
    expectTensorsClose(model.getWeights()[0]!, [[0.2], [0.2]], { rtol: 1e-4 });
    optimizer.dispose();
    tf.dispose([batch.xs as tf.Tensor, batch.ys]);
    model.dispose();
  });

  it('uses built-in schedules with absolute epochs and initialStep', async () => {
    const model = linearModel();
    const batch = linearBatch();
    const rates: Array<[number, number]> = [];
    const history = await train(model, [batch, batch], {
      ...QUIET,
      epochs: 4,
      initialEpoch: 2,
      initialStep: 10,
      optimizer: 'sgd',
      learningRate: 0.001,
      loss: 'meanSquaredError',
      learningRateSchedule: { kind: 'stepDecay', epochsPerDrop: 3, factor: 0.5 },
      callbacks: { onBatchEnd: (step, logs) => void rates.push([step, logs['learningRate']!]) },
    });
    expect(history.epoch).toEqual([2, 3]);
    expect(rates).toEqual([
      [10, 0.001],
      [11, 0.001],
      [12, 0.0005],
      [13, 0.0005],
    ]);
    tf.dispose([batch.xs as tf.Tensor, batch.ys]);
    model.dispose();
  });
});

describe('train: gradient clipping against hand-computed updates', () => {
  // Gradient at w = 0: kernel [−60, −80] (norm 100), bias −20; global norm √10400. SGD, lr 0.1.
  const cases: Array<[string, Partial<TrainOptions>, number[], number]> = [
    ['none', {}, [6, 8], 2],
    ['clipNorm', { clipNorm: 1 }, [0.06, 0.08], 0.1],
    ['clipValue', { clipValue: 5 }, [0.5, 0.5], 0.5],
    [
      'globalClipNorm',
      { globalClipNorm: 1 },
      [6 / Math.sqrt(10400), 8 / Math.sqrt(10400)],
      2 / Math.sqrt(10400),
    ],
  ];
  for (const [name, clipping, kernel, bias] of cases) {
    it(`${name}`, async () => {
      const model = linearModel(true);
      const batch = linearBatch();
      await train(model, [batch], {
        ...QUIET,
        optimizer: 'sgd',
        learningRate: 0.1,
        loss: 'meanSquaredError',
        ...clipping,
      });
      const [k, b] = weightsOf(model);
      expectTensorsClose(k!, kernel, { rtol: 1e-5 });
      expectTensorsClose(b!, [bias], { rtol: 1e-5 });
      tf.dispose([batch.xs as tf.Tensor, batch.ys]);
      model.dispose();
    });
  }
});

describe('train: data sources and batch ownership', () => {
  it('reads tf.data-style datasets, (async) iterables and factories; disposes what it does not get as an array', async () => {
    const model = linearModel();
    const made: Batch[] = [];
    const make = () => {
      const batch = linearBatch();
      made.push(batch);
      return batch;
    };
    const dataset = {
      size: 2,
      iterator: async () => {
        let i = 0;
        return {
          next: async () => (i++ < 2 ? { value: make(), done: false } : { value: undefined, done: true }),
        };
      },
    };
    async function* generate() {
      yield make();
      yield make();
    }
    const opts = {
      ...QUIET,
      optimizer: 'sgd',
      learningRate: 0,
      loss: 'meanSquaredError',
      epochs: 2,
    } as const;
    for (const source of [dataset, () => generate(), () => [make(), make()]]) {
      made.length = 0;
      const history = await train(model, source as never, opts);
      expect(history.epoch).toEqual([0, 1]);
      expect(made).toHaveLength(4);
      expect(made.every((b) => (b.xs as tf.Tensor).isDisposed && b.ys.isDisposed)).toBe(true);
    }
    // An array is the caller's: read every epoch, never disposed.
    const array = [linearBatch()];
    await train(model, array, opts);
    expect((array[0]!.xs as tf.Tensor).isDisposed).toBe(false);
    // disposeBatches overrides both ways.
    await train(model, array, { ...opts, epochs: 1, disposeBatches: true });
    expect((array[0]!.xs as tf.Tensor).isDisposed).toBe(true);
    made.length = 0;
    await train(model, () => [make()], { ...opts, epochs: 1, disposeBatches: false });
    expect((made[0]!.xs as tf.Tensor).isDisposed).toBe(false);
    disposeAll(made);
    model.dispose();
  });

  it('fails clearly on a one-shot generator for several epochs, empty data and malformed batches', async () => {
    const model = linearModel();
    function* once() {
      yield linearBatch();
    }
    const opts = { ...QUIET, optimizer: 'sgd', loss: 'meanSquaredError' } as const;
    const error = await expectErrorCode(
      train(model, once(), { ...opts, epochs: 2 }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(error.message).toMatch(/epoch 1/);
    await expectErrorCode(train(model, [], opts), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    await expectErrorCode(
      train(model, [{ xs: [[1, 2]], ys: [[1]] }] as never, opts),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(train(model, 42 as never, opts), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    model.dispose();
  });
});

describe('train: options', () => {
  it('documents its defaults (DEFAULT_TRAIN_OPTIONS) and resolves them once', () => {
    expect(DEFAULT_TRAIN_OPTIONS).toEqual({
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
    });
    const model = linearModel();
    const resolved = buildTrainSetup(model, resolveTrainOptions(model, { loss: 'meanSquaredError' }));
    expect(resolved).toMatchObject({
      epochs: 1,
      initialEpoch: 0,
      initialStep: 0,
      ownsOptimizer: true,
      metrics: [],
      clipping: { kind: 'none' },
      earlyStopping: undefined,
      resetStatesEachEpoch: true,
      step: undefined,
      seed: undefined,
      callbacks: [],
      verbose: 1,
      output: process.stderr,
      logIntervalMs: 10_000,
      disposeBatches: 'auto',
    });
    expect(resolved.optimizer.getClassName()).toBe('Adam');
    expect(resolved.learningRate!(0, 0)).toBe(0.001);
    expect(typeof resolved.clock()).toBe('number');
    resolved.optimizer.dispose();
    model.dispose();
  });

  it('rejects invalid options with RNN_MODELS_INVALID_OPTION', () => {
    const model = linearModel();
    const bad: Array<Record<string, unknown>> = [
      { epochs: -1 },
      { epochs: 1.5 },
      { initialEpoch: 3, epochs: 2 },
      { initialStep: -1 },
      { optimizer: 'nadam' },
      { optimizer: {} },
      { learningRate: -0.1 },
      { learningRateSchedule: { kind: 'linear' } },
      { clipNorm: 1, clipValue: 1 },
      { clipNorm: 0 },
      { globalClipNorm: Number.NaN },
      { loss: 'meanSquaredErrors' },
      { metrics: ['accuracy', 'accuracy'] },
      { metrics: ['loss'] },
      { earlyStopping: { patience: -1 } },
      { earlyStopping: { monitor: 'val_loss' } },
      { resetStatesEachEpoch: 'yes' },
      { step: 'custom' },
      { seed: 1.5 },
      { callbacks: [null] },
      { verbose: 3 },
      { output: {} },
      { clock: 5 },
      { logIntervalMs: -1 },
      { signal: {} },
      { disposeBatches: 'sometimes' },
      { validationData: 7 },
      { epoch: 3 },
    ];
    for (const options of bad) {
      const call = () =>
        buildTrainSetup(
          model,
          resolveTrainOptions(model, { loss: 'meanSquaredError', ...options } as TrainOptions),
        );
      expectErrorCode(call, RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    }
    expectErrorCode(() => resolveTrainOptions(model, {}), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    model.dispose();
  });

  it('rejects a model without trainable weights and an optimizer it cannot schedule', async () => {
    const frozen = linearModel();
    frozen.layers[0]!.trainable = false;
    await expectErrorCode(
      train(frozen, [linearBatch()], { ...QUIET, loss: 'meanSquaredError' }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    const model = linearModel();
    const custom = tf.train.sgd(0.1);
    Object.defineProperty(custom, 'learningRate', { value: undefined });
    Object.defineProperty(custom, 'setLearningRate', { value: undefined });
    expect(() =>
      resolveTrainOptions(model, { optimizer: custom, loss: 'meanSquaredError', learningRate: 0.1 }),
    ).toThrow(/no numeric learningRate/);
    // Without a schedule the custom optimizer is used as it is.
    expect(
      buildSchedule(resolveTrainOptions(model, { optimizer: custom, loss: 'meanSquaredError' })),
    ).toBeNull();
    custom.dispose();
    frozen.dispose();
    model.dispose();
  });
});
