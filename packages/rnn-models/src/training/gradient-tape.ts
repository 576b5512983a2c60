import * as tf from '@tensorflow/tfjs-core';

/**
 * Disposes the tensors tfjs saved for the backward pass when the forward pass inside
 * `tf.variableGrads` threw: tfjs keeps them on its active tape (outside every tidy) and frees
 * them only after a completed backward pass, so without this each failed step leaks them.
 */
export function discardGradientTape(): void {
  const state = (
    tf.engine() as unknown as {
      state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
    }
  ).state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose();
  state.activeTape = null;
}
