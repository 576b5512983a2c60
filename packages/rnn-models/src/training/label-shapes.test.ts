import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import type { Batch } from './data-source.js';
import { evaluate } from './evaluate.js';
import { train } from './train.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A binary classifier with fixed weights: sigmoid(x·[1, −1]). */
function classifier(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid', useBias: false })],
  });
  model.setWeights([tf.tensor2d([[1], [-1]])]);
  return model;
}

const X = [
  [2, 0],
  [0, 1],
  [1, 1],
];
const LABELS = [1, 0, 1];

function batchOf(ys: tf.Tensor): Batch {
  return { xs: tf.tensor2d(X), ys };
}
const disposeAll = (batches: Batch[]) => tf.dispose(batches.flatMap((b) => [b.xs as tf.Tensor, b.ys]));

describe('targets without the output’s unit axis', () => {
  it('evaluate: [batch] labels for a [batch, 1] sigmoid output equal [batch, 1] ones (hand computation)', async () => {
    const model = classifier();
    const flat = [batchOf(tf.tensor1d(LABELS))];
    const column = [batchOf(tf.tensor2d(LABELS, [3, 1]))];
    const options = { loss: 'binaryCrossentropy', metrics: ['accuracy'] } as const;
    const before = tf.memory().numTensors;
    const a = await evaluate(model, flat, options);
    expect(tf.memory().numTensors).toBe(before);
    const b = await evaluate(model, column, options);
    const p = X.map(([x0, x1]) => 1 / (1 + Math.exp(-(x0! - x1!))));
    const expected = -LABELS.reduce((s, y, i) => s + (y ? Math.log(p[i]!) : Math.log(1 - p[i]!)), 0) / 3;
    expect(a.loss).toBeCloseTo(expected, 5);
    expect(a).toEqual(b);
    // p = 0.88, 0.27, 0.5 → predicted 1, 0, 0 (0.5 is not > 0.5): 2 of 3 right.
    expect(a.metrics['accuracy']).toBeCloseTo(2 / 3, 6);
    disposeAll([...flat, ...column]);
    model.dispose();
  });

  it('train: [batch] labels train exactly as [batch, 1] labels, also for a custom loss function', async () => {
    const histories: number[][] = [];
    const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)), -1);
    for (const loss of ['binaryCrossentropy', mse] as const) {
      for (const ys of [tf.tensor1d(LABELS), tf.tensor2d(LABELS, [3, 1])]) {
        const model = classifier();
        const data = [batchOf(ys)];
        const { history } = await train(model, data, { loss, optimizer: 'sgd', epochs: 3, verbose: 0 });
        histories.push(history['loss']!);
        disposeAll(data);
        model.dispose();
      }
    }
    expect(histories[1]).toEqual(histories[0]);
    // Without the reshape, [3] − [3, 1] broadcasts to [3, 3] and the loss differs.
    expect(histories[3]).toEqual(histories[2]);
  });
});

describe('targets that do not fit the output', () => {
  const softmax = () =>
    tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [2], activation: 'softmax' })] });

  it('fail up front with RNN_MODELS_SHAPE_MISMATCH saying what to do (train and evaluate)', async () => {
    const cases: [string, () => tf.Tensor, RegExp][] = [
      [
        'sparseCategoricalCrossentropy',
        () => tf.oneHot(tf.tensor1d([0, 3, 1], 'int32'), 4),
        /categoricalCrossentropy/,
      ],
      ['categoricalCrossentropy', () => tf.tensor1d([0, 3, 1], 'int32'), /sparseCategoricalCrossentropy/],
      ['categoricalCrossentropy', () => tf.zeros([3, 5]), /\[batch, 4\]/],
    ];
    const model = softmax();
    for (const [loss, makeYs, fix] of cases) {
      const data = [batchOf(makeYs())];
      const before = tf.memory().numTensors;
      const error = await expectErrorCode(
        evaluate(model, data, { loss: loss as never }),
        RnnModelsError,
        'RNN_MODELS_SHAPE_MISMATCH',
      );
      expect(error.message).toMatch(fix);
      expect(error.message).toContain(`[${data[0]!.ys.shape.join(', ')}]`);
      await expectErrorCode(
        train(model, data, { loss: loss as never, verbose: 0 }),
        RnnModelsError,
        'RNN_MODELS_SHAPE_MISMATCH',
      );
      expect(tf.memory().numTensors).toBe(before);
      disposeAll(data);
    }
    const binary = classifier();
    const wide = [batchOf(tf.zeros([3, 2]))];
    await expectErrorCode(
      evaluate(binary, wide, { loss: 'binaryCrossentropy' }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    await expectErrorCode(
      train(binary, wide, { loss: 'binaryCrossentropy', verbose: 0 }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    disposeAll(wide);
    binary.dispose();
    model.dispose();
  });
});
