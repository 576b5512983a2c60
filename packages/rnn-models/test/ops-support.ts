/**
 * What the fused sequence-op tests (src/ops/{simple-rnn,lstm,gru}-sequence.test.ts) share besides
 * support.ts and stock-layer.ts: the padding mask, seeded random tensors and the zero-gradient check
 * of the masks. Test-only: outside src, so it is neither built into dist nor published.
 */
import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';

/** `[3, 5]`: row 0 unmasked; row 1 masked at the first step (its output repeats h0) and in the middle; row 2 padded at the end. */
export const MASK = [
  [1, 1, 1, 1, 1],
  [0, 1, 0, 1, 1],
  [1, 1, 1, 0, 0],
];

/** `uniform(shape, k)`: values in [-0.6, 0.6) drawn with seed `seed · 10 + k`. The caller disposes them. */
export function seededUniform(seed: number): (shape: number[], k: number) => tf.Tensor {
  return (shape, k) => tf.randomUniform(shape, -0.6, 0.6, 'float32', seed * 10 + k);
}

/** A recurrent-dropout mask at rate 0.3 (entries 0 or 1/0.7), drawn with `seed`. The caller disposes it. */
export function dropoutMask(shape: [number, number], seed: number): tf.Tensor2D {
  return tf.mul(
    tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', seed), 0.3), 'float32'),
    1 / 0.7,
  ) as tf.Tensor2D;
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
