import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { gru, lstm } from '../layers/recurrent-layers.js';
import type { Batch } from './data-source.js';
import { train } from './train.js';
import type { TrainCallbacks } from './train-options.js';

const QUIET = { verbose: 0 } as const;
/** Ten quiet epochs of plain SGD at a small rate on the mean squared error. */
const SLOW_SGD = {
  ...QUIET,
  epochs: 10,
  optimizer: 'sgd',
  learningRate: 0.001,
  loss: 'meanSquaredError',
} as const;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function linearModel(): tfl.Sequential {
  return tfl.sequential({
    layers: [tfl.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros', useBias: false })],
  });
}

function linearBatch(): Batch {
  return { xs: tf.tensor2d([[3, 4]]), ys: tf.tensor2d([[10]]) };
}

function disposeBatch(batch: Batch): void {
  tf.dispose([batch.xs as tf.Tensor, batch.ys]);
}

/** Runs `test` on a fresh linear model and batch, disposing both after it. */
async function withLinear(test: (model: tfl.Sequential, batch: Batch) => Promise<void>): Promise<void> {
  const model = linearModel();
  const batch = linearBatch();
  try {
    await test(model, batch);
  } finally {
    disposeBatch(batch);
    model.dispose();
  }
}

function weights(model: tfl.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

async function rejection(promise: Promise<unknown>): Promise<RnnModelsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RnnModelsError);
  return error as RnnModelsError;
}

/** A custom step whose extra log `score` follows a script per epoch (the loss is the real MSE). */
function scriptedStep(scores: readonly number[]) {
  return (ctx: Parameters<NonNullable<import('./train-options.js').TrainOptions['step']>>[0]) => {
    const yPred = ctx.model.apply(ctx.batch.xs as tf.Tensor, { training: ctx.training }) as tf.Tensor;
    return {
      loss: ctx.computeLoss!(ctx.batch.ys, yPred),
      logs: { score: tf.scalar(scores[ctx.epoch] ?? 0) },
    };
  };
}

describe('train: early stopping', () => {
  it('stops at the epoch Keras would and restores the best epoch’s weights', () =>
    withLinear(async (model, batch) => {
      const atEpochEnd: number[][][] = [];
      const history = await train(model, [batch], {
        ...SLOW_SGD,
        step: scriptedStep([5, 4, 4.5, 4.2, 3]),
        earlyStopping: { monitor: 'score', mode: 'min', patience: 2, restoreBestWeights: true },
        callbacks: { onEpochEnd: () => void atEpochEnd.push(weights(model)) },
      });
      // Best 4 at epoch 1; epochs 2 and 3 do not improve → patience 2 exhausted at epoch 3.
      expect(history.epoch).toEqual([0, 1, 2, 3]);
      expect(history.history['score']).toEqual([5, 4, 4.5, 4.199999809265137]);
      expect(weights(model)).toEqual(atEpochEnd[1]);
      expect(atEpochEnd[3]).not.toEqual(atEpochEnd[1]);
    }));

  it('monitors val_loss by default when validation data is given', () =>
    withLinear(async (model, batch) => {
      // Validation targets far from the training ones: val_loss rises while the training loss falls.
      const validation = { xs: tf.tensor2d([[3, 4]]), ys: tf.tensor2d([[-10]]) };
      const history = await train(model, [batch], {
        ...SLOW_SGD,
        validationData: [validation],
        earlyStopping: {},
      });
      expect(history.epoch).toEqual([0, 1]);
      expect(history.history['val_loss']![1]!).toBeGreaterThan(history.history['val_loss']![0]!);
      expect(history.history['loss']![1]!).toBeLessThan(history.history['loss']![0]!);
      disposeBatch(validation);
    }));
});

describe('train: validation data', () => {
  it('evaluates in inference mode after each epoch, with val_ keys for loss and metrics', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'ones', useBias: false }),
        tfl.layers.dropout({ rate: 0.5 }),
      ],
    });
    const batch = linearBatch();
    const history = await train(model, [batch], {
      ...QUIET,
      epochs: 2,
      optimizer: 'sgd',
      learningRate: 0,
      loss: 'meanSquaredError',
      metrics: ['meanAbsoluteError'],
      validationData: () => [linearBatch()],
    });
    expect(Object.keys(history.history)).toEqual([
      'loss',
      'meanAbsoluteError',
      'val_loss',
      'val_meanAbsoluteError',
    ]);
    // Inference: no dropout, y = 3 + 4 = 7 → squared error 9, absolute error 3.
    expect(history.history['val_loss']).toEqual([9, 9]);
    expect(history.history['val_meanAbsoluteError']).toEqual([3, 3]);
    disposeBatch(batch);
    model.dispose();
  });
});

describe('train: stateful models', () => {
  it('resets states before every epoch and every validation pass, not between batches', async () => {
    const model = tfl.sequential({
      layers: [gru({ units: 3, stateful: true, batchInputShape: [2, 4, 1] }), tfl.layers.dense({ units: 1 })],
    });
    expect((model as unknown as { stateful: boolean }).stateful).toBe(true);
    const events: string[] = [];
    const resetStates = model.resetStates.bind(model);
    vi.spyOn(model, 'resetStates').mockImplementation(() => {
      events.push('reset');
      resetStates();
    });
    const make = () => ({ xs: tf.ones([2, 4, 1]), ys: tf.zeros([2, 1]) });
    const callbacks: TrainCallbacks = {
      onEpochBegin: (epoch) => void events.push(`epoch ${epoch}`),
      onBatchEnd: (step) => void events.push(`step ${step}`),
      onEpochEnd: (epoch) => void events.push(`end ${epoch}`),
    };
    await train(model, () => [make(), make()], {
      ...QUIET,
      epochs: 2,
      loss: 'meanSquaredError',
      validationData: () => [make()],
      callbacks,
    });
    expect(events).toEqual([
      'reset',
      'epoch 0',
      'step 0',
      'step 1',
      'reset',
      'end 0',
      'reset',
      'epoch 1',
      'step 2',
      'step 3',
      'reset',
      'end 1',
    ]);
    events.length = 0;
    await train(model, () => [make()], {
      ...QUIET,
      epochs: 2,
      loss: 'meanSquaredError',
      resetStatesEachEpoch: false,
    });
    expect(events).not.toContain('reset');
    model.dispose();
  });

  it('does not call resetStates on a model without stateful layers', async () => {
    const model = linearModel();
    const spy = vi.spyOn(model, 'resetStates');
    const batch = linearBatch();
    await train(model, [batch], { ...QUIET, epochs: 2, loss: 'meanSquaredError' });
    expect(spy).not.toHaveBeenCalled();
    disposeBatch(batch);
    model.dispose();
  });
});

describe('train: custom step', () => {
  it('replaces the forward pass and loss, inside the gradient computation and for validation', () =>
    withLinear(async (model, batch) => {
      const calls: Array<{ training: boolean; epoch: number; step: number }> = [];
      const history = await train(model, [batch, batch], {
        ...QUIET,
        epochs: 1,
        optimizer: 'sgd',
        learningRate: 0.01,
        loss: 'meanSquaredError',
        metrics: ['meanAbsoluteError'],
        validationData: [batch],
        step: (ctx) => {
          calls.push({ training: ctx.training, epoch: ctx.epoch, step: ctx.step });
          // Half the usual loss, plus an auxiliary log.
          const yPred = ctx.model.apply(ctx.batch.xs as tf.Tensor, { training: ctx.training }) as tf.Tensor;
          const loss = tf.mul(ctx.computeLoss!(ctx.batch.ys, yPred), 0.5) as tf.Scalar;
          return { loss, yPred, logs: { prediction: tf.mean(yPred) as tf.Scalar } };
        },
      });
      expect(calls).toEqual([
        { training: true, epoch: 0, step: 0 },
        { training: true, epoch: 0, step: 1 },
        { training: false, epoch: 0, step: 1 },
      ]);
      // Step 0: loss 50, gradient [−30, −40] → w = [0.3, 0.4], prediction 2.5; step 1: loss 28.125.
      expect(history.history['loss']![0]).toBeCloseTo((50 + 28.125) / 2, 4);
      expect(history.history['prediction']![0]).toBeCloseTo(1.25, 5);
      expect(Object.keys(history.history)).toEqual([
        'loss',
        'meanAbsoluteError',
        'prediction',
        'val_loss',
        'val_meanAbsoluteError',
        'val_prediction',
      ]);
      expectTensorsClose(model.getWeights()[0]!, [
        [0.3 + 0.01 * 0.5 * 2 * (10 - 2.5) * 3],
        [0.4 + 0.01 * 0.5 * 2 * 7.5 * 4],
      ]);
    }));

  it('rejects a step that is async, returns a non-scalar loss, or omits yPred while metrics are set', () =>
    withLinear(async (model, batch) => {
      const opts = { ...QUIET, loss: 'meanSquaredError' } as const;
      const asyncStep = (async () => ({ loss: tf.scalar(1) })) as never;
      expect((await rejection(train(model, [batch], { ...opts, step: asyncStep }))).code).toBe(
        'RNN_MODELS_INVALID_OPTION',
      );
      const vectorLoss = () => ({ loss: tf.ones([2]) as unknown as tf.Scalar });
      expect((await rejection(train(model, [batch], { ...opts, step: vectorLoss }))).message).toMatch(
        /scalar/,
      );
      const noPrediction = (ctx: { model: tfl.LayersModel; batch: Batch }) => ({
        loss: tf.mean(ctx.model.apply(ctx.batch.xs as tf.Tensor) as tf.Tensor) as tf.Scalar,
      });
      expect(
        (await rejection(train(model, [batch], { ...opts, step: noPrediction, metrics: ['mae' as never] })))
          .code,
      ).toBe('RNN_MODELS_INVALID_OPTION');
    }));
});

describe('train: NaN/Inf guard', () => {
  it('stops before applying the update of a non-finite loss, leaving the last good weights', () =>
    withLinear(async (model, batch) => {
      let calls = 0;
      const loss = (yTrue: tf.Tensor, yPred: tf.Tensor) => {
        calls += 1;
        const squared = tf.square(tf.sub(yPred, yTrue));
        return calls === 4 ? tf.mul(squared, Number.NaN) : squared; // NaN at global step 3
      };
      let good: number[][] = [];
      const error = await rejection(
        train(model, () => [batch, batch], {
          ...QUIET,
          epochs: 3,
          optimizer: 'sgd',
          learningRate: 0.001,
          loss,
          disposeBatches: false,
          callbacks: {
            onBatchEnd: () => {
              good = weights(model);
            },
          },
        }),
      );
      expect(error.code).toBe('RNN_MODELS_NON_FINITE_LOSS');
      expect(error.message).toMatch(/epoch 1, batch 1 \(global step 3\)/);
      expect(error.message).toMatch(/NaN/);
      expect(error.message).toMatch(/learning rate \(now 0\.001\)/);
      expect(error.message).toMatch(/clipNorm/);
      expect(weights(model)).toEqual(good);
    }));

  it('also stops on a non-finite gradient norm with a finite loss', () =>
    withLinear(async (model, batch) => {
      const before = weights(model);
      // sqrt at 0: the loss is 0 but its gradient is infinite (NaN after the chain rule).
      const loss = (_yTrue: tf.Tensor, yPred: tf.Tensor) => tf.sqrt(tf.sub(yPred, yPred));
      const error = await rejection(train(model, [batch], { ...QUIET, loss }));
      expect(error.code).toBe('RNN_MODELS_NON_FINITE_LOSS');
      expect(error.message).toMatch(/gradient norm is NaN \(loss 0\)/);
      expect(weights(model)).toEqual(before);
    }));
});

describe('train: callbacks', () => {
  it('calls every hook in order with plain numbers (several callback objects, async ones awaited)', () =>
    withLinear(async (model, batch) => {
      const events: unknown[][] = [];
      const record =
        (name: string) =>
        async (...args: unknown[]) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          events.push([name, ...args]);
        };
      const first: TrainCallbacks = {
        onTrainBegin: record('trainBegin'),
        onEpochBegin: record('epochBegin'),
        onBatchEnd: record('batchEnd'),
        onEpochEnd: record('epochEnd'),
        onTrainEnd: record('trainEnd'),
      };
      const second: TrainCallbacks = { onEpochEnd: record('second.epochEnd') };
      await train(model, [batch], {
        ...QUIET,
        epochs: 2,
        optimizer: 'sgd',
        learningRate: 0.001,
        loss: 'meanSquaredError',
        callbacks: [first, second],
      });
      expect(events.map((e) => e[0])).toEqual([
        'trainBegin',
        'epochBegin',
        'batchEnd',
        'epochEnd',
        'second.epochEnd',
        'epochBegin',
        'batchEnd',
        'epochEnd',
        'second.epochEnd',
        'trainEnd',
      ]);
      const [, step, batchLogs] = events[2]!;
      expect(step).toBe(0);
      expect(batchLogs).toEqual({ loss: 100, batch: 0, size: 1, learningRate: 0.001 });
      for (const [, ...args] of events) {
        for (const arg of args) {
          if (arg === undefined || typeof arg === 'number') continue;
          expect(Object.values(arg as object).every((v) => typeof v === 'number')).toBe(true);
        }
      }
      expect(events.at(-1)![1]).toEqual(events[7]![2]); // onTrainEnd gets the last epoch's logs
    }));
});

describe('train: AbortSignal', () => {
  it('stops after the current step, resolves with the completed epochs and closes the data', async () => {
    const model = tfl.sequential({
      layers: [lstm({ units: 4, inputShape: [3, 2] }), tfl.layers.dense({ units: 1 })],
    });
    const controller = new AbortController();
    let closed = 0;
    let made = 0;
    function* batches() {
      try {
        for (let i = 0; i < 3; i++) {
          made += 1;
          yield { xs: tf.ones([2, 3, 2]), ys: tf.ones([2, 1]) };
        }
      } finally {
        closed += 1;
      }
    }
    const ended = vi.fn();
    const steps: number[] = [];
    const before = tf.memory().numTensors;
    const history = await train(model, () => batches(), {
      ...QUIET,
      epochs: 5,
      loss: 'meanSquaredError',
      signal: controller.signal,
      callbacks: {
        onBatchEnd: (step) => {
          steps.push(step);
          if (step === 4) controller.abort();
        },
        onTrainEnd: ended,
      },
    });
    expect(steps).toEqual([0, 1, 2, 3, 4]);
    expect(history.epoch).toEqual([0]); // epoch 1 was cut short: not recorded
    expect(closed).toBe(2);
    expect(made).toBe(5);
    expect(ended).toHaveBeenCalledOnce();
    // Adam's slots (created and disposed by train), batches: nothing left behind.
    expect(tf.memory().numTensors).toBe(before);
    // An already aborted signal trains nothing.
    const none = await train(model, () => batches(), {
      ...QUIET,
      loss: 'meanSquaredError',
      signal: controller.signal,
    });
    expect(none.epoch).toEqual([]);
    model.dispose();
  });
});
