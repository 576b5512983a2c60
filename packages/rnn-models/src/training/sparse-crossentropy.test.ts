import { expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { SPARSE_CE_BACKWARD, SPARSE_CE_FORWARD } from '../backend/wasm-cells.js';
import { sparseCategoricalCrossentropy } from './sparse-crossentropy.js';

/** tfjs-layers' own sparse cross-entropy, as `compile({ loss: 'sparseCategoricalCrossentropy' })` picks it. */
function reference(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const input = tfl.input({ shape: [3] });
  const model = tfl.model({
    inputs: input,
    outputs: tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor,
  });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const fn = model.lossFunctions[0]!;
  model.dispose();
  return fn(yTrue, yPred);
}

/** Loss values and the gradient of a weighted sum of them with respect to the predictions. */
function lossAndGradient(fn: typeof reference, yTrue: tf.Tensor, yPred: tf.Tensor) {
  return tf.tidy(() => {
    const weights = tf.randomUniform(yPred.shape.slice(0, -1), 0.5, 2, 'float32', 7);
    const values = fn(yTrue, yPred);
    const gradient = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(fn(yTrue, p), weights)))(yPred);
    return { values: Array.from(values.dataSync()), gradient: Array.from(gradient.dataSync()) };
  });
}

function cases(): { name: string; yTrue: tf.Tensor; yPred: tf.Tensor }[] {
  const softmax = tf.softmax(tf.mul(tf.randomNormal([37, 53], 0, 1, 'float32', 1), 4));
  const ids = tf.randomUniform([37], 0, 53, 'int32', 2);
  // Rows with exact 0s and 1s, values at the clip bounds and an unnormalised row.
  const edges = tf.tensor2d([
    [0, 1, 0, 0, 0, 0],
    [1e-7, 0.5, 0.5 - 1e-7, 0, 0, 0],
    [0.9999999, 1e-8, 1e-8, 0, 0, 0],
    [0.3, 0.3, 0.3, 0.3, 0.3, 0.3],
    [0.1, 0.2, 0.3, 0.1, 0.2, 0.1],
    [0.1, 0.2, 0.3, 0.1, 0.2, 0.1],
  ]);
  const sequence = tf.softmax(tf.randomNormal([3, 5, 12], 0, 2, 'float32', 3));
  return [
    { name: 'softmax rows, 53 classes', yTrue: ids, yPred: softmax },
    { name: 'edges: 0, 1, bounds, unnormalised', yTrue: tf.tensor1d([1, 0, 0, 4, 5, 2]), yPred: edges },
    {
      name: 'ids outside [0, classes): 0 and no gradient',
      yTrue: tf.tensor1d([-1, 6, 6, 0, 1, 2]),
      yPred: edges.clone(),
    },
    {
      name: '[batch, time, classes] with [batch, time, 1] ids',
      yTrue: tf.randomUniform([3, 5, 1], 0, 12, 'int32', 4),
      yPred: sequence,
    },
  ];
}

describe.each(['cpu', 'wasm'] as const)('sparseCategoricalCrossentropy on %s', (backend) => {
  it('equals tfjs-layers’ loss and gradient', async () => {
    await initBackend({ backend });
    for (const { name, yTrue, yPred } of cases()) {
      const ours = lossAndGradient(sparseCategoricalCrossentropy, yTrue, yPred);
      // tfjs-layers' own needs float ids.
      const theirs = lossAndGradient((t, p) => reference(tf.cast(t, 'float32'), p), yTrue, yPred);
      expect(ours.values.length, name).toBe(yPred.size / yPred.shape[yPred.shape.length - 1]!);
      expectTensorsClose(ours.values, theirs.values, { rtol: 1e-5, atol: 1e-6 });
      expectTensorsClose(ours.gradient, theirs.gradient, { rtol: 1e-4, atol: 1e-5 });
      tf.dispose([yTrue, yPred]);
    }
  });

  it('keeps the per-step shape, carries NaN through and leaks nothing', async () => {
    await initBackend({ backend });
    await expectNoLeaks(() => {
      const yPred = tf.tensor3d([
        [
          [0.2, 0.8, Number.NaN],
          [0.5, 0.25, 0.25],
        ],
      ]);
      const yTrue = tf.tensor2d([[1, 0]]);
      const loss = sparseCategoricalCrossentropy(yTrue, yPred);
      expect(loss.shape).toEqual([1, 2]);
      const [nan, half] = Array.from(loss.dataSync());
      expect(nan).toBeNaN();
      expect(half).toBeCloseTo(-Math.log(0.5), 6);
      tf.dispose([yPred, yTrue, loss]);
    });
  });

  if (backend === 'wasm') {
    it('runs one native kernel forward and one backward', async () => {
      await initBackend({ backend });
      const yPred = tf.softmax(tf.randomNormal([8, 30], 0, 1, 'float32', 5));
      const yTrue = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], 'int32');
      const info = await tf.profile(() =>
        tf.grad((p: tf.Tensor) => tf.sum(sparseCategoricalCrossentropy(yTrue, p)))(yPred),
      );
      const names = info.kernels.map((k) => k.name);
      expect(names.filter((n) => n === SPARSE_CE_FORWARD)).toHaveLength(1);
      expect(names.filter((n) => n === SPARSE_CE_BACKWARD)).toHaveLength(1);
      expect(names).not.toContain('OneHot');
      tf.dispose([yPred, yTrue]);
    });
  }
});
