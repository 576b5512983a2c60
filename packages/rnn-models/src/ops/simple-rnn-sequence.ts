import * as tf from '@tensorflow/tfjs-core';
import { validate } from '../errors.js';
import { simpleRnnStep } from './cell-steps.js';
import type { FusedActivation, FusedActivationName } from './fused-activations.js';
import {
  checkRecurrentShapes,
  type Dims,
  projectInputs,
  projectionGradients,
  projectionSaved,
  resolveActivation,
  runFused,
  timeMajorMask,
} from './fused-sequence.js';

/** SimpleRNN weights in Keras' layout. */
export interface SimpleRnnWeights {
  /** `[inputDim, units]`. */
  readonly kernel: tf.Tensor2D;
  /** `[units, units]`. */
  readonly recurrentKernel: tf.Tensor2D;
  /** `[units]`; absent means no bias (Keras' `useBias: false`). */
  readonly bias?: tf.Tensor1D;
}

/** Options of {@link simpleRnnSequence}. */
export interface SimpleRnnSequenceOptions {
  /**
   * Activation of the hidden state, `h_t = act(x_t·W + h_{t−1}·U + b)`.
   * @default 'tanh'
   */
  readonly activation?: FusedActivationName;
  /**
   * `[batch, time]`, 1 for a real step and 0 for padding (any non-zero counts as 1). A masked
   * step carries `h` over unchanged and its output repeats the previous `h`, as in
   * tfjs-layers and Keras. Receives a zero gradient.
   * @default undefined (every step is real)
   */
  readonly mask?: tf.Tensor2D;
  /**
   * `[batch, units]`, multiplies `h_{t−1}` before the recurrent product at every step (the
   * recurrent-dropout mask; scale it by `1 / (1 − rate)` yourself). Receives a zero gradient.
   * @default undefined (no recurrent dropout)
   */
  readonly recurrentMask?: tf.Tensor2D;
}

/** The result of {@link simpleRnnSequence}; the caller owns both tensors. */
export interface SimpleRnnSequenceResult {
  /** Hidden state after every step, `[batch, time, units]`. */
  readonly outputs: tf.Tensor3D;
  /** Final hidden state, `[batch, units]`. */
  readonly h: tf.Tensor2D;
}

/**
 * Runs a SimpleRNN (`h_t = act(x_t·W + h_{t−1}·U + b)`) over a whole sequence with a
 * hand-written backward pass, differentiable with respect to `x`, `h0` and every weight.
 *
 * Same design as `lstmSequence`: one input-projection product for all steps, one recurrent
 * product per step, backpropagation through time with the activation's derivative taken
 * from the saved outputs, and the weight gradients as large products over all steps. Outside
 * a gradient tape (inference) nothing is saved for the backward pass.
 *
 * @param x inputs `[batch, time ≥ 1, inputDim]`, float32.
 * @param h0 initial hidden state `[batch, units]`.
 * @param weights kernel, recurrent kernel and optional bias (Keras layout).
 * @param options activation, padding mask and recurrent-dropout mask.
 * @returns new tensors owned by the caller; the arguments are neither disposed nor kept.
 * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` when a tensor's shape does not fit the
 *   others (the message names the argument, its shape and the expected one),
 *   `RNN_MODELS_INVALID_OPTION` for an activation the fused kernel cannot differentiate.
 * @example
 * const { outputs, h } = simpleRnnSequence(x, h0, { kernel, recurrentKernel, bias }, { activation: 'relu' });
 */
export function simpleRnnSequence(
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  weights: SimpleRnnWeights,
  options: SimpleRnnSequenceOptions = {},
): SimpleRnnSequenceResult {
  const fn = 'simpleRnnSequence';
  validate.options(fn, options, ['activation', 'mask', 'recurrentMask']);
  const dims = checkRecurrentShapes(fn, x, h0, weights, 1, options);
  const activation = resolveActivation(fn, 'activation', options.activation ?? 'tanh');
  const withBias = weights.bias !== undefined;
  const inputs: SimpleRnnInputs = {
    x,
    h0,
    kernel: weights.kernel,
    recurrentKernel: weights.recurrentKernel,
    bias: weights.bias,
    mask: options.mask,
    recurrentMask: options.recurrentMask,
  };
  const { batch, time, units } = dims;
  return tf.tidy(() => {
    // Time-major [time, batch, units] hidden states.
    const hidden = runFused(
      inputs,
      (tensors, keep) => simpleRnnForward(tensors, activation, dims, keep),
      (dy, saved) => simpleRnnBackward(dy, saved, activation, dims, withBias),
    );
    return {
      outputs: tf.transpose(hidden, [1, 0, 2]) as tf.Tensor3D,
      h: tf.reshape(tf.slice(hidden, [time - 1, 0, 0], [1, batch, units]), [batch, units]) as tf.Tensor2D,
    };
  });
}

/** The tensors of one {@link simpleRnnSequence} call, under the names their gradients take. */
interface SimpleRnnInputs extends Record<string, tf.Tensor | undefined> {
  x: tf.Tensor3D;
  h0: tf.Tensor2D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  bias: tf.Tensor1D | undefined;
  mask: tf.Tensor2D | undefined;
  recurrentMask: tf.Tensor2D | undefined;
}

/** What {@link simpleRnnBackward} needs; stacks are time-major `[time, batch, units]`. */
interface SimpleRnnSaved extends Record<string, tf.Tensor | undefined> {
  xs: tf.Tensor2D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  h0: tf.Tensor2D;
  /** The forward value: every (masked) hidden state. */
  packed: tf.Tensor3D;
  /** Each step's activation output before masking; mask only (else it is `packed`). */
  hNew: tf.Tensor3D | undefined;
  /** Binary mask `[time, batch, 1]`. */
  mask: tf.Tensor3D | undefined;
  recurrentMask: tf.Tensor2D | undefined;
}

function simpleRnnForward(
  t: SimpleRnnInputs,
  act: FusedActivation,
  { time, units }: Dims,
  keep: boolean,
): { value: tf.Tensor; saved: SimpleRnnSaved | undefined } {
  const { xs, steps } = projectInputs(t.x, t.kernel, t.bias, units);
  const mask = t.mask === undefined ? undefined : timeMajorMask(t.mask);
  const stepMasks = mask === undefined ? undefined : (tf.unstack(mask) as tf.Tensor2D[]);
  const { recurrentMask } = t;
  let h: tf.Tensor2D = t.h0;
  const hidden: tf.Tensor2D[] = [];
  const unmasked: tf.Tensor2D[] = [];
  for (let step = 0; step < time; step++) {
    const hIn = recurrentMask === undefined ? h : tf.mul(h, recurrentMask);
    const hNew = simpleRnnStep(tf.add(steps[step]!, tf.matMul(hIn, t.recurrentKernel)), act.apply);
    if (stepMasks === undefined) {
      h = hNew;
    } else {
      // Masked rows keep the previous state: h + m·(h_new − h) with m ∈ {0, 1}.
      h = tf.add(h, tf.mul(stepMasks[step]!, tf.sub(hNew, h)));
      if (keep) unmasked.push(hNew);
    }
    hidden.push(h);
  }
  const value = tf.stack(hidden) as tf.Tensor3D;
  if (!keep) return { value, saved: undefined };
  return {
    value,
    saved: {
      ...projectionSaved(t, xs, value),
      hNew: mask === undefined ? undefined : (tf.stack(unmasked) as tf.Tensor3D),
      mask,
      recurrentMask,
    },
  };
}

/**
 * Backpropagation through time for {@link simpleRnnForward}. With `dh` the gradient reaching
 * the state after step t (including the step's output) and m the step's mask:
 *
 *     dz = dh ⊙ m ⊙ act'(h_new)
 *     dh_{t−1} = (dz · Uᵀ) ⊙ recurrentMask + (1 − m) ⊙ dh
 */
function simpleRnnBackward(
  dy: tf.Tensor,
  s: SimpleRnnSaved,
  act: FusedActivation,
  dims: Dims,
  withBias: boolean,
): Partial<Record<keyof SimpleRnnInputs, tf.Tensor>> {
  const { time } = dims;
  const dOutputs = tf.unstack(dy) as tf.Tensor2D[];
  let factor = act.derivativeFromOutput(s.hNew ?? s.packed);
  let passes: tf.Tensor2D[] | undefined;
  if (s.mask !== undefined) {
    factor = tf.mul(factor, s.mask);
    passes = tf.unstack(tf.sub(1, s.mask)) as tf.Tensor2D[];
  }
  const factors = tf.unstack(factor) as tf.Tensor2D[];
  // Explicit transpose: the wasm backend's matMul with transpose flags is far slower.
  const recurrentT = tf.transpose(s.recurrentKernel);
  let dhPrev: tf.Tensor2D | undefined;
  const dz: tf.Tensor2D[] = new Array(time);
  for (let t = time - 1; t >= 0; t--) {
    const dh = dhPrev === undefined ? dOutputs[t]! : (tf.add(dhPrev, dOutputs[t]!) as tf.Tensor2D);
    dz[t] = tf.mul(dh, factors[t]!) as tf.Tensor2D;
    let back: tf.Tensor = tf.matMul(dz[t]!, recurrentT);
    if (s.recurrentMask !== undefined) back = tf.mul(back, s.recurrentMask);
    if (passes !== undefined) back = tf.add(back, tf.mul(dh, passes[t]!));
    dhPrev = back as tf.Tensor2D;
  }
  return { ...projectionGradients(tf.stack(dz) as tf.Tensor3D, s, dims, withBias), h0: dhPrev! };
}
