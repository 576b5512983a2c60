import * as tf from '@tensorflow/tfjs-core';

/**
 * An activation the fused recurrent kernels can differentiate by hand: its derivative is a
 * function of its *output*, so the backward pass needs only the activations saved in the
 * forward pass (no pre-activations).
 */
export interface FusedActivation {
  readonly name: FusedActivationName;
  /** Applies the activation; returns a new tensor. */
  apply(z: tf.Tensor): tf.Tensor;
  /** dy/dz expressed through y = apply(z); returns a new tensor. */
  derivativeFromOutput(y: tf.Tensor): tf.Tensor;
}

/** Activation names (tfjs-layers spelling) that the fused kernels support. */
export type FusedActivationName =
  | 'tanh'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'relu'
  | 'relu6'
  | 'linear'
  | 'elu'
  | 'selu'
  | 'softsign'
  | 'softplus';

// tfjs-layers' (and Keras 2's) SELU constants.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Where `0 < y < upper` the slope is `slope`, elsewhere 0 (for clipped linear activations). */
function insideOpenInterval(y: tf.Tensor, upper: number, slope: number): tf.Tensor {
  const inside = tf.logicalAnd(tf.greater(y, 0), tf.less(y, upper));
  return tf.mul(tf.cast(inside, 'float32'), slope);
}

/**
 * tanh(z) = 2·sigmoid(2z) − 1: tfjs-backend-wasm 4.22's Tanh kernel is scalar code, several times
 * slower than its Sigmoid (README), and the LSTM calls it twice per step. The two agree within 2e-7; other backends keep their own Tanh.
 */
function tanh(z: tf.Tensor): tf.Tensor {
  if (!tanhUsesSigmoid()) return tf.tanh(z);
  return tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.mul(z, 2)), 2), 1));
}

/** Whether the fused `tanh` is computed as 2·sigmoid(2z) − 1 on the active backend. @internal */
export function tanhUsesSigmoid(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * `[gates·units]` column factors that are 1 except 2 on the third (candidate) block — the LSTM's
 * `c` gate, the GRU's `h` — so one sigmoid over all gates yields σ(2z) there. @internal
 */
export function candidateColumnScale(units: number, gates = 4): tf.Tensor1D {
  return tf.tidy(() => {
    const factors = new Float32Array(gates * units).fill(1);
    factors.fill(2, 2 * units, 3 * units);
    return tf.tensor1d(factors);
  });
}

const ACTIVATIONS: Record<FusedActivationName, Omit<FusedActivation, 'name'>> = {
  tanh: { apply: tanh, derivativeFromOutput: (y) => tf.sub(1, tf.square(y)) },
  sigmoid: { apply: (z) => tf.sigmoid(z), derivativeFromOutput: (y) => tf.mul(y, tf.sub(1, y)) },
  // tfjs-layers' hard sigmoid: clip(0.2·z + 0.5, 0, 1).
  hardSigmoid: {
    apply: (z) => tf.clipByValue(tf.add(tf.mul(z, 0.2), 0.5), 0, 1),
    derivativeFromOutput: (y) => insideOpenInterval(y, 1, 0.2),
  },
  relu: { apply: (z) => tf.relu(z), derivativeFromOutput: (y) => tf.cast(tf.greater(y, 0), 'float32') },
  relu6: { apply: (z) => tf.relu6(z), derivativeFromOutput: (y) => insideOpenInterval(y, 6, 1) },
  linear: { apply: (z) => tf.clone(z), derivativeFromOutput: (y) => tf.onesLike(y) },
  // elu (alpha 1): y = e^z − 1 for z ≤ 0, so dy/dz = y + 1 there.
  elu: {
    apply: (z) => tf.elu(z),
    derivativeFromOutput: (y) => tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1)),
  },
  selu: {
    apply: (z) => tf.selu(z),
    derivativeFromOutput: (y) =>
      tf.where(tf.greater(y, 0), tf.fill(y.shape, SELU_SCALE), tf.add(y, SELU_SCALE * SELU_ALPHA)),
  },
  // softsign: y = z / (1 + |z|), dy/dz = (1 − |y|)².
  softsign: {
    apply: (z) => tf.div(z, tf.add(1, tf.abs(z))),
    derivativeFromOutput: (y) => tf.square(tf.sub(1, tf.abs(y))),
  },
  // softplus: y = log(1 + e^z), dy/dz = sigmoid(z) = 1 − e^−y.
  softplus: { apply: (z) => tf.softplus(z), derivativeFromOutput: (y) => tf.sub(1, tf.exp(tf.neg(y))) },
};

/** Every activation name the fused kernels support. */
export const FUSED_ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as readonly FusedActivationName[];

/** The fused activation called `name`, or `undefined` when the kernels cannot fuse it. */
export function fusedActivation(name: string): FusedActivation | undefined {
  if (!Object.hasOwn(ACTIVATIONS, name)) return undefined;
  const key = name as FusedActivationName;
  return { name: key, ...ACTIVATIONS[key] };
}
