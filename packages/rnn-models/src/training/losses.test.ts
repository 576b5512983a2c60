import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { getLoss, LOSS_NAMES, type LossFunction, weightedMean } from './losses.js';
import { resolveMetrics } from './metrics.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** The loss function tfjs-layers' compile picks for a name (the reference). */
function tfjsLoss(name: string): LossFunction {
  const input = tfl.input({ shape: [3] });
  const model = tfl.model({
    inputs: input,
    outputs: tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor,
  });
  model.compile({ optimizer: 'sgd', loss: name });
  const fn = model.lossFunctions[0]!;
  model.dispose();
  return fn;
}

describe('getLoss', () => {
  it('matches tfjs-layers’ own loss for every name', () => {
    const probabilities = tf.tensor2d([
      [0.2, 0.5, 0.3],
      [0.7, 0.2, 0.1],
      [0.1, 0.1, 0.8],
      [0.3, 0.3, 0.4],
    ]);
    const targets = tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    const regression = tf.tensor2d([
      [1.5, -2, 0.3],
      [0.2, 3, -1],
      [2, 2, 2],
      [-0.5, 0.1, 4],
    ]);
    const ids = tf.tensor1d([1, 0, 2, 1]);
    for (const name of LOSS_NAMES) {
      const [yTrue, yPred] =
        name === 'sparseCategoricalCrossentropy'
          ? [ids, probabilities]
          : name.endsWith('Crossentropy') || name === 'kullbackLeiblerDivergence' || name === 'poisson'
            ? [targets, probabilities]
            : [targets, regression];
      const ours = getLoss(name)(yTrue, yPred);
      const reference = tfjsLoss(name)(yTrue, yPred);
      expect(ours.shape, name).toEqual([4]);
      expectTensorsClose(ours, reference, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([ours, reference]);
    }
    // int32 ids (what datasets produce) give the same values.
    const intIds = tf.cast(ids, 'int32');
    const fromInt = getLoss('sparseCategoricalCrossentropy')(intIds, probabilities);
    expectTensorsClose(fromInt, [-Math.log(0.5), -Math.log(0.7), -Math.log(0.8), -Math.log(0.3)], {
      rtol: 1e-5,
    });
    tf.dispose([probabilities, targets, regression, ids, intIds, fromInt]);
  });

  it('rejects unknown names', () => {
    expect(() => getLoss('crossEntropy' as never)).toThrow(RnnModelsError);
    expect(() => getLoss('toString' as never)).toThrow(RnnModelsError);
  });
});

describe('weightedMean', () => {
  it('is the plain mean without a mask and Σ(v·m)/Σm with one (0 for an all-zero mask)', () => {
    const values = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const mask = tf.tensor2d([
      [1, 1, 0],
      [0, 1, 0],
    ]);
    const zeros = tf.zeros([2, 3]);
    const results = [
      weightedMean(values, undefined, 'x'),
      weightedMean(values, mask, 'x'),
      weightedMean(values, zeros, 'x'),
    ];
    expect(results.map((r) => r.dataSync()[0])).toEqual([3.5, 8 / 3, 0].map(Math.fround));
    tf.dispose([values, mask, zeros, ...results]);
  });

  it('requires the mask to have the values’ shape', () => {
    const values = tf.ones([2, 3]);
    const scalar = tf.scalar(1);
    const mask = tf.ones([2]);
    expect(() => weightedMean(values, mask, 'the loss')).toThrow(
      expect.objectContaining({ code: 'RNN_MODELS_SHAPE_MISMATCH' }),
    );
    expect(() => weightedMean(scalar, mask, 'metric precision')).toThrow(/metric precision/);
    tf.dispose([values, scalar, mask]);
  });
});

describe('resolveMetrics', () => {
  const sparse = getLoss('sparseCategoricalCrossentropy');
  const binary = getLoss('binaryCrossentropy');

  it('picks the accuracy kind from the loss and output size, as tfjs-layers’ compile does', () => {
    const [a, b, c, d] = [
      resolveMetrics(['accuracy'], { loss: sparse, outputUnits: 10 }),
      resolveMetrics(['acc'], { loss: binary, outputUnits: 10 }),
      resolveMetrics(['accuracy'], { loss: getLoss('meanSquaredError'), outputUnits: 1 }),
      resolveMetrics(['accuracy'], { loss: getLoss('categoricalCrossentropy'), outputUnits: 10 }),
    ];
    expect(a[0]).toEqual({ name: 'accuracy', fn: tfl.metrics.sparseCategoricalAccuracy });
    expect(b[0]).toEqual({ name: 'acc', fn: tfl.metrics.binaryAccuracy });
    expect(c[0]!.fn).toBe(tfl.metrics.binaryAccuracy);
    expect(d[0]!.fn).toBe(tfl.metrics.categoricalAccuracy);
  });

  it('accepts explicit accuracies, precision/recall, loss names, named functions and { name, fn }', () => {
    function perplexity(yTrue: tf.Tensor, yPred: tf.Tensor) {
      return tf.exp(sparse(yTrue, yPred));
    }
    const resolved = resolveMetrics(
      [
        'sparseCategoricalAccuracy',
        'precision',
        'meanAbsoluteError',
        perplexity,
        { name: 'twice', fn: (t) => tf.mul(t, 2) },
      ],
      { loss: sparse, outputUnits: 3 },
    );
    expect(resolved.map((m) => m.name)).toEqual([
      'sparseCategoricalAccuracy',
      'precision',
      'meanAbsoluteError',
      'perplexity',
      'twice',
    ]);
    expect(resolved[2]!.fn).toBe(getLoss('meanAbsoluteError'));
  });

  it('rejects unknown names, anonymous functions, duplicates and reserved names', () => {
    const context = { loss: sparse, outputUnits: 3 };
    const bad: unknown[] = [
      ['f1'],
      [(t: tf.Tensor) => t],
      ['accuracy', 'accuracy'],
      ['loss'],
      [{ name: 'val_acc', fn: (t: tf.Tensor) => t }],
      [{ name: 'learningRate', fn: (t: tf.Tensor) => t }],
      [{ name: '', fn: (t: tf.Tensor) => t }],
      [42],
      'accuracy',
    ];
    for (const metrics of bad) {
      expect(() => resolveMetrics(metrics as never, context), String(metrics)).toThrow(
        expect.objectContaining({ code: 'RNN_MODELS_INVALID_OPTION' }),
      );
    }
  });
});
