/**
 * The scaffold the fused sequence-op tests (src/ops/{simple-rnn,lstm,gru}-sequence.test.ts) share:
 * sizes, tolerance, the padding mask, seeded random tensors, and the stock tfjs-layers layer they
 * are checked against. Test-only: outside src, so it is neither built into dist nor published.
 */
import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll } from 'vitest';
import { initBackend } from '../src/backend/backend.js';

export const [BATCH, TIME, INPUT, UNITS] = [3, 5, 4, 6];

/** Tolerance of float comparisons between equal computations on different paths. */
export const CLOSE = { rtol: 1e-4, atol: 1e-5 };

/** No tolerance at all. */
export const EXACT = { rtol: 0, atol: 0 };

/** Row 0 unmasked; row 1 masked at the first step (its output repeats h0) and in the middle; row 2 padded at the end. */
export const MASK = [
  [1, 1, 1, 1, 1],
  [0, 1, 0, 1, 1],
  [1, 1, 1, 0, 0],
];

/** The cpu backend before the file's tests. Call once at the top of a test file. */
export function useCpuBackend(): void {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });
}

/** `uniform(shape, k)`: values in [-0.6, 0.6) drawn with seed `seed · 10 + k`. The caller disposes them. */
export function seededUniform(seed: number): (shape: number[], k: number) => tf.Tensor {
  return (shape, k) => tf.randomUniform(shape, -0.6, 0.6, 'float32', seed * 10 + k);
}

/** A recurrent-dropout mask `[BATCH, UNITS]` at rate 0.3 (entries 0 or 1/0.7), drawn with seed `seed · 10 + k`. */
export function dropoutMask(seed: number, k: number): tf.Tensor2D {
  return tf.mul(
    tf.cast(tf.greater(tf.randomUniform([BATCH, UNITS], 0, 1, 'float32', seed * 10 + k), 0.3), 'float32'),
    1 / 0.7,
  ) as tf.Tensor2D;
}

/** Applies the stock `layer` once to `x` with `initialState` (which builds its weights), then sets `weights`. */
export function builtStockLayer<L extends tfl.layers.Layer>(
  layer: L,
  x: tf.Tensor,
  initialState: tf.Tensor[],
  weights: tf.Tensor[],
): L {
  tf.dispose(layer.apply(x, { initialState }) as tf.Tensor[]); // builds the weights
  layer.setWeights(weights);
  return layer;
}

/**
 * Gradients of `loss` through a stock layer: with respect to `inputs` (in their order), then to
 * the layer's trainable weights (in its order).
 */
export function stockGradients(
  layer: tfl.layers.Layer,
  inputs: tf.Tensor[],
  loss: (...inputs: tf.Tensor[]) => tf.Scalar,
): tf.Tensor[] {
  const ofInputs = tf.grads((...args: tf.Tensor[]) => loss(...args))(inputs);
  const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => loss(...inputs), variables);
  return [...ofInputs, ...variables.map((variable) => grads[variable.name]!)];
}

/** Expects zero gradients of `loss` with respect to both masks (default tolerance unless given). */
export function expectZeroMaskGradients(
  masks: { readonly mask: tf.Tensor2D; readonly recurrentMask: tf.Tensor2D },
  loss: (mask: tf.Tensor2D, recurrentMask: tf.Tensor2D) => tf.Scalar,
  tolerance?: { rtol: number; atol: number },
): void {
  const [dMask, dRecurrentMask] = tf.grads((mask, recurrentMask) =>
    loss(mask as tf.Tensor2D, recurrentMask as tf.Tensor2D),
  )([masks.mask, masks.recurrentMask]);
  expectTensorsClose(dMask!, tf.zerosLike(masks.mask), tolerance);
  expectTensorsClose(dRecurrentMask!, tf.zerosLike(masks.recurrentMask), tolerance);
}
