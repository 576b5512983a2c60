// gruSequence's path on the wasm backend: the reset-after GRU with sigmoid gates and tanh
// (Keras 2's and PyTorch's GRU; units divisible by 4) runs each step's element-wise work in
// one fused SIMD kernel (backend/wasm-cells.ts), as the LSTM does.
import * as tf from '@tensorflow/tfjs-core';
import { emptyStack, gruBackwardStep, gruForwardStep } from '../backend/wasm-cells.js';
import { wholeSequences } from '../backend/wasm-gemm.js';
import {
  columnSums,
  type Dims,
  projectInputsStacked,
  projectionGradients,
  projectionSaved,
  timeMajorMask,
  timeMajorRows,
} from './fused-sequence.js';

/** The tensors of one native GRU call, under the names their gradients take. @internal */
export interface GruInputs extends Record<string, tf.Tensor | undefined> {
  x: tf.Tensor3D;
  h0: tf.Tensor2D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  /** `[2, 3·units]`: input bias, recurrent bias (Keras' reset-after layout). */
  bias: tf.Tensor2D | undefined;
  mask: tf.Tensor2D | undefined;
  recurrentMask: tf.Tensor2D | undefined;
}

/** What {@link gruBackwardNative} needs; stacks are time-major. */
interface GruNativeSaved extends Record<string, tf.Tensor | undefined> {
  xs: tf.Tensor2D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  h0: tf.Tensor2D;
  /** h after every step `[time, batch, units]` (the op's value). */
  packed: tf.Tensor3D;
  /** z, r, c and `a = hp·U_h + b_h` of every step `[time, batch, 4·units]`. */
  gates: tf.Tensor3D;
  mask: tf.Tensor3D | undefined;
  recurrentMask: tf.Tensor2D | undefined;
}

/**
 * The forward pass: as one native call that projects each step's input too (without recurrent
 * dropout, where rnnkit's product runs), else one input projection for all steps, then per step
 * a recurrent product and one kernel; the kernels write the state (and, when training, the saved
 * activations) straight into stacks allocated here. Returns every hidden state, time-major
 * `[time, batch, units]`. @internal
 */
export function gruForwardNative(
  t: GruInputs,
  { batch, time, units }: Dims,
  keep: boolean,
): { value: tf.Tensor; saved: GruNativeSaved | undefined } {
  // z and r see the input and recurrent bias summed: fold the recurrent part into the
  // projection once; only the candidate's recurrent bias sits inside the reset product.
  let foldedBias: tf.Tensor1D | undefined;
  let bh: tf.Tensor1D;
  if (t.bias === undefined) {
    bh = tf.zeros([units]);
  } else {
    const [inputBias, recurrentBias] = tf.unstack(t.bias) as [tf.Tensor1D, tf.Tensor1D];
    const [recurrentZR, recurrentH] = tf.split(recurrentBias, [2 * units, units]) as [
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    foldedBias = tf.add(inputBias, tf.concat([recurrentZR, tf.zeros([units])])) as tf.Tensor1D;
    bh = recurrentH;
  }
  const mask = t.mask === undefined ? undefined : timeMajorMask(t.mask);
  const { recurrentMask } = t;
  let xs: tf.Tensor2D | undefined;
  // Filled in place by the step kernels; every element is written before any is read.
  const states = emptyStack([time, batch, units]) as tf.Tensor3D;
  const gates = keep ? (emptyStack([time, batch, 4 * units]) as tf.Tensor3D) : undefined;
  const whole = recurrentMask === undefined ? wholeSequences() : null;
  if (whole !== null) {
    // The input projection step by step in the sequence: no [time, batch, 3·units] stack.
    whole.runSequence({
      cell: 'gru',
      x: t.x,
      kernel: t.kernel,
      bias: foldedBias,
      recurrentKernel: t.recurrentKernel,
      h0: t.h0,
      mask,
      saved: gates,
      states,
      bh,
    });
    if (keep) xs = timeMajorRows(t.x);
  } else {
    const stacked = projectInputsStacked(t.x, t.kernel, foldedBias, 3 * units);
    const { projected } = stacked;
    xs = stacked.xs;
    let h: tf.Tensor2D = t.h0;
    for (let step = 0; step < time; step++) {
      const previous = h;
      h = tf.tidy(() => {
        const hp = recurrentMask === undefined ? undefined : (tf.mul(previous, recurrentMask) as tf.Tensor2D);
        const hz = tf.matMul(hp ?? previous, t.recurrentKernel) as tf.Tensor2D;
        return gruForwardStep({ xz: projected, hz, bh, h: previous, hp, mask, saved: gates, states }, step);
      });
      if (previous !== t.h0) previous.dispose();
    }
    if (h !== t.h0) h.dispose();
  }
  if (!keep) return { value: states, saved: undefined };
  return {
    value: states,
    saved: { ...projectionSaved(t, xs!, states), gates: gates!, mask, recurrentMask },
  };
}

/**
 * The backward pass of {@link gruForwardNative}: as one native call where the forward pass can run
 * whole, else one fused kernel and one product per step (the same bits). @internal
 */
export function gruBackwardNative(
  dy: tf.Tensor,
  s: GruNativeSaved,
  dims: Dims,
  withBias: boolean,
): Partial<Record<keyof GruInputs, tf.Tensor>> {
  const { time, batch, units } = dims;
  // Filled in place, step by step, by the kernels.
  const dProjAll = emptyStack([time, batch, 3 * units]) as tf.Tensor3D;
  const dInnerAll = emptyStack([time, batch, 3 * units]) as tf.Tensor3D;
  const whole = wholeSequences();
  let dh0: tf.Tensor;
  if (whole !== null) {
    dh0 = emptyStack([batch, units]);
    whole.runSequenceBackward({
      cell: 'gru',
      dOut: dy,
      recurrentKernel: s.recurrentKernel,
      recurrentMask: s.recurrentMask,
      mask: s.mask,
      saved: s.gates,
      h0: s.h0,
      states: s.packed,
      dProj: dProjAll,
      dInner: dInnerAll,
      dh0,
    });
  } else {
    dh0 = gruBackwardSteps(dy, s, dProjAll, dInnerAll);
  }
  const { bias: dInputBias, ...gradients } = projectionGradients(dProjAll, s, dims, withBias, dInnerAll);
  return {
    ...gradients,
    ...(withBias
      ? {
          bias: tf.stack([
            dInputBias!,
            columnSums(tf.reshape(dInnerAll, [time * batch, 3 * units]) as tf.Tensor2D),
          ]),
        }
      : {}),
    h0: dh0,
  };
}

/** {@link gruBackwardNative}'s step-by-step loop: fills `dProjAll` and `dInnerAll`, returns h0's gradient. */
function gruBackwardSteps(
  dy: tf.Tensor,
  s: GruNativeSaved,
  dProjAll: tf.Tensor3D,
  dInnerAll: tf.Tensor3D,
): tf.Tensor {
  const time = dProjAll.shape[0];
  const withPass = s.mask !== undefined;
  // Explicit transpose: the wasm backend's matMul with transposeA/B leaves XNNPACK's fast path.
  const recurrentT = tf.transpose(s.recurrentKernel);
  let back: tf.Tensor2D | undefined;
  let carry: tf.Tensor2D | undefined;
  let pass: tf.Tensor2D | undefined;
  for (let t = time - 1; t >= 0; t--) {
    const step = gruBackwardStep(
      {
        back,
        carryIn: carry,
        passIn: pass,
        recurrentMask: s.recurrentMask,
        dOut: dy as tf.Tensor3D,
        saved: s.gates,
        h0: s.h0,
        states: s.packed,
        mask: s.mask,
        dProjAll,
        dInnerAll,
      },
      t,
      withPass,
    );
    tf.dispose([back, carry, pass]);
    carry = step.carry;
    pass = step.pass;
    back = tf.matMul(step.dInner, recurrentT) as tf.Tensor2D;
    step.dInner.dispose();
  }
  // The gradient reaching h0, as the kernel would combine it for a step before the first.
  let dh0: tf.Tensor = tf.add(back!, carry!);
  if (s.recurrentMask !== undefined) dh0 = tf.mul(dh0, s.recurrentMask);
  if (pass !== undefined) dh0 = tf.add(dh0, pass);
  return dh0;
}
