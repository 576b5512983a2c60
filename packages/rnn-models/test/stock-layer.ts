/**
 * A stock tfjs-layers recurrent layer as the reference of a fused op or layer: built with given
 * weights, and its gradients. Import as a namespace: `stockRnn.build(…)`, `stockRnn.gradients(…)`.
 * Test-only: outside src, so it is neither built into dist nor published.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Applies the stock `layer` once to `x` with `initialState` (which builds its weights), then sets `weights`. */
export function build<L extends tfl.layers.Layer>(
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
export function gradients(
  layer: tfl.layers.Layer,
  inputs: tf.Tensor[],
  loss: (...inputs: tf.Tensor[]) => tf.Scalar,
): tf.Tensor[] {
  const ofInputs = tf.grads((...args: tf.Tensor[]) => loss(...args))(inputs);
  const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => loss(...inputs), variables);
  return [...ofInputs, ...variables.map((variable) => grads[variable.name]!)];
}
