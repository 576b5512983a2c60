import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, type AdamUpdateAttrs, cellKernelsAvailable } from '../backend/wasm-cells.js';

/** The fields of tfjs-core 4.22's AdamOptimizer that its applyGradients reads and writes. */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/**
 * Applies `gradients` with `optimizer`. A plain `tf.train.adam` (its own class, not a subclass)
 * on the wasm backend takes one native pass per variable instead of its 13 element-wise ops,
 * with bit-identical results and the same state (moments, iterations, accumulated betas), so
 * its getWeights/setWeights and later updates are unchanged; any other optimizer runs its own
 * `applyGradients`. The gradients stay the caller's: nothing here disposes them.
 */
export function applyGradients(optimizer: tf.Optimizer, gradients: tf.NamedTensorMap): void {
  if (!canFuse(optimizer, gradients)) {
    optimizer.applyGradients(gradients);
    return;
  }
  const adam = optimizer as unknown as AdamInternals;
  const names = Object.keys(gradients);
  const f = Math.fround;
  const attrs: AdamUpdateAttrs = {
    beta1: f(adam.beta1),
    oneMinusBeta1: f(1 - adam.beta1),
    beta2: f(adam.beta2),
    oneMinusBeta2: f(1 - adam.beta2),
    epsilon: f(adam.epsilon),
    negativeRate: f(-adam.learningRate),
  };
  tf.tidy(() => {
    const c1 = tf.sub(1, adam.accBeta1);
    const c2 = tf.sub(1, adam.accBeta2);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name]!;
      // As tfjs: moments are kept by position in the gradient map, created on first use.
      adam.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: zerosVariable(value) };
      adam.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: zerosVariable(value) };
      const gradient = gradients[name];
      if (gradient == null) return;
      const m = adam.accumulatedFirstMoment[i]!.variable;
      const v = adam.accumulatedSecondMoment[i]!.variable;
      const [w2, m2, v2] = tf
        .engine()
        .runKernel(
          ADAM_UPDATE,
          { w: value, m, v, g: gradient, c1, c2 },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      m.assign(m2!);
      v.assign(v2!);
      value.assign(w2!);
    });
    adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
    adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
  });
  adam.incrementIterations();
}

function zerosVariable(like: tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.zerosLike(like).variable(false));
}

function canFuse(optimizer: tf.Optimizer, gradients: tf.NamedTensorMap): boolean {
  if (Object.getPrototypeOf(optimizer) !== tf.AdamOptimizer.prototype || !cellKernelsAvailable())
    return false;
  const variables = tf.engine().registeredVariables;
  return Object.entries(gradients).every(([name, gradient]) => {
    const value = variables[name];
    return (
      value !== undefined &&
      value.dtype === 'float32' &&
      (gradient == null || (gradient.dtype === 'float32' && tf.util.arraysEqual(gradient.shape, value.shape)))
    );
  });
}
