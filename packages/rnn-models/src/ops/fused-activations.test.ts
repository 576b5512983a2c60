import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { FUSED_ACTIVATION_NAMES, fusedActivation } from './fused-activations.js';

// Away from the kinks of relu/relu6/hardSigmoid (0, ±2.5, 6), where derivatives are one-sided.
const POINTS = [-7.3, -3.1, -2.2, -1.4, -0.6, -0.05, 0.07, 0.4, 1.3, 2.1, 3.3, 5.2, 6.8];

afterAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe.each(['cpu', 'wasm'] as const)('fused activations on %s', (backend) => {
  it.each(FUSED_ACTIVATION_NAMES)(
    '%s equals the tfjs-layers activation and its autodiff derivative',
    async (name) => {
      await initBackend({ backend });
      const activation = fusedActivation(name)!;
      const z = tf.tensor1d(POINTS);
      const reference = tfl.layers.activation({ activation: name });
      const expected = reference.apply(z) as tf.Tensor;
      const y = activation.apply(z);
      expectTensorsClose(y, expected, { rtol: 1e-5, atol: 3e-7 });
      const autodiff = tf.grad((input: tf.Tensor) => reference.apply(input) as tf.Tensor)(z);
      expectTensorsClose(activation.derivativeFromOutput(y), autodiff, { rtol: 1e-4, atol: 1e-5 });
    },
  );
});

it('does not fuse activations it cannot differentiate from their output', () => {
  expect(fusedActivation('swish')).toBeUndefined();
  expect(fusedActivation('toString')).toBeUndefined();
});
