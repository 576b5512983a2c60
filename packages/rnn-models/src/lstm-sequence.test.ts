import { expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { lstmSequence } from './lstm-sequence.js';

const [BATCH, TIME, INPUT, UNITS] = [3, 5, 4, 6];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function fixture(seed: number) {
  const uniform = (shape: number[], k: number) =>
    tf.randomUniform(shape, -0.6, 0.6, 'float32', seed * 10 + k);
  return {
    x: uniform([BATCH, TIME, INPUT], 1) as tf.Tensor3D,
    h0: uniform([BATCH, UNITS], 2) as tf.Tensor2D,
    c0: uniform([BATCH, UNITS], 3) as tf.Tensor2D,
    kernel: uniform([INPUT, 4 * UNITS], 4) as tf.Tensor2D,
    recurrentKernel: uniform([UNITS, 4 * UNITS], 5) as tf.Tensor2D,
    bias: uniform([4 * UNITS], 6) as tf.Tensor1D,
    // Random projections of outputs and final cell state make every gradient entry matter.
    outputWeights: uniform([BATCH, TIME, UNITS], 7),
    cellWeights: uniform([BATCH, UNITS], 8),
  };
}

function stockLayer(f: ReturnType<typeof fixture>) {
  const layer = tfl.layers.lstm({
    units: UNITS,
    returnSequences: true,
    returnState: true,
    recurrentActivation: 'sigmoid',
  });
  tf.dispose(layer.apply(f.x, { initialState: [f.h0, f.c0] }) as tf.Tensor[]); // builds the weights
  layer.setWeights([f.kernel, f.recurrentKernel, f.bias]);
  return layer;
}

describe('lstmSequence', () => {
  it('equals stock tfjs-layers LSTM outputs and states', () => {
    const f = fixture(1);
    const ours = lstmSequence(f.x, f.h0, f.c0, f);
    const layer = stockLayer(f);
    const [outputs, h, c] = layer.apply(f.x, { initialState: [f.h0, f.c0] }) as tf.Tensor[];
    expectTensorsClose(ours.outputs, outputs!, { rtol: 1e-4, atol: 1e-5 });
    expectTensorsClose(ours.h, h!, { rtol: 1e-4, atol: 1e-5 });
    expectTensorsClose(ours.c, c!, { rtol: 1e-4, atol: 1e-5 });
    layer.dispose();
  });

  it('has the gradients of stock tfjs-layers for inputs, states and weights', () => {
    const f = fixture(2);
    const loss = (outputs: tf.Tensor, c: tf.Tensor) =>
      tf.add(tf.sum(tf.mul(outputs, f.outputWeights)), tf.sum(tf.mul(c, f.cellWeights))) as tf.Scalar;
    const ours = tf.grads((x, kernel, recurrentKernel, bias, h0, c0) => {
      const result = lstmSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, c0 as tf.Tensor2D, {
        kernel: kernel as tf.Tensor2D,
        recurrentKernel: recurrentKernel as tf.Tensor2D,
        bias: bias as tf.Tensor1D,
      });
      return loss(result.outputs, result.c);
    })([f.x, f.kernel, f.recurrentKernel, f.bias, f.h0, f.c0]);

    const layer = stockLayer(f);
    const stockInputs = tf.grads((x, h0, c0) => {
      const [outputs, , c] = layer.apply(x!, { initialState: [h0!, c0!] }) as tf.Tensor[];
      return loss(outputs!, c!);
    })([f.x, f.h0, f.c0]);
    const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => {
      const [outputs, , c] = layer.apply(f.x, { initialState: [f.h0, f.c0] }) as tf.Tensor[];
      return loss(outputs!, c!);
    }, variables);
    const stockWeights = variables.map((variable) => grads[variable.name]!);

    const tolerance = { rtol: 1e-4, atol: 1e-5 };
    expectTensorsClose(ours[0]!, stockInputs[0]!, tolerance); // x
    expectTensorsClose(ours[1]!, stockWeights[0]!, tolerance); // kernel
    expectTensorsClose(ours[2]!, stockWeights[1]!, tolerance); // recurrent kernel
    expectTensorsClose(ours[3]!, stockWeights[2]!, tolerance); // bias
    expectTensorsClose(ours[4]!, stockInputs[1]!, tolerance); // h0
    expectTensorsClose(ours[5]!, stockInputs[2]!, tolerance); // c0
    layer.dispose();
  });

  it('matches finite differences on a tiny cell', () => {
    const f = fixture(3);
    const lossOf = (kernel: tf.Tensor2D) =>
      tf.tidy(() => {
        const result = lstmSequence(f.x, f.h0, f.c0, { ...f, kernel });
        return tf.sum(tf.mul(result.outputs, f.outputWeights)).dataSync()[0]!;
      });
    const analytic = tf
      .grad((kernel: tf.Tensor) =>
        tf.sum(
          tf.mul(
            lstmSequence(f.x, f.h0, f.c0, { ...f, kernel: kernel as tf.Tensor2D }).outputs,
            f.outputWeights,
          ),
        ),
      )(f.kernel)
      .dataSync();
    const base = f.kernel.dataSync();
    const epsilon = 1e-2;
    for (const index of [0, 5, 13, 27, 4 * UNITS * INPUT - 1]) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[index]! += epsilon;
      minus[index]! -= epsilon;
      const numeric =
        (lossOf(tf.tensor2d(plus, f.kernel.shape)) - lossOf(tf.tensor2d(minus, f.kernel.shape))) /
        (2 * epsilon);
      expect(Math.abs(numeric - analytic[index]!)).toBeLessThan(2e-3 + 1e-2 * Math.abs(numeric));
    }
  });

  it('leaks no tensors in forward or backward passes', async () => {
    const f = fixture(4);
    await expectNoLeaks(() => {
      const result = lstmSequence(f.x, f.h0, f.c0, f);
      tf.dispose([result.outputs, result.h, result.c]);
      const gradients = tf.grads((x, kernel) =>
        tf.sum(lstmSequence(x as tf.Tensor3D, f.h0, f.c0, { ...f, kernel: kernel as tf.Tensor2D }).outputs),
      )([f.x, f.kernel]);
      tf.dispose(gradients);
    });
  });
});
