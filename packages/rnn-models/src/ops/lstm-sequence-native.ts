// lstmSequence's path on the wasm backend: the usual cell (sigmoid gates, tanh, units divisible
// by 4) runs each step's element-wise work in one fused SIMD kernel (backend/wasm-cells.ts).
import * as tf from '@tensorflow/tfjs-core';
import { emptyStack, lstmBackwardStep, lstmForwardStep } from '../backend/wasm-cells.js';
import { wholeSequences } from '../backend/wasm-gemm.js';
import {
  type Dims,
  projectInputsStacked,
  projectionGradients,
  projectionSaved,
  timeMajorMask,
  timeMajorRows,
} from './fused-sequence.js';
import type { LstmInputs } from './lstm-sequence.js';

/** What {@link lstmBackwardNative} needs; stacks are time-major. */
interface LstmNativeSaved extends Record<string, tf.Tensor | undefined> {
  xs: tf.Tensor2D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  h0: tf.Tensor2D;
  packed: tf.Tensor3D;
  /** Cell state entering each step, then the final one `[time + 1, batch, units]`. */
  cells: tf.Tensor3D;
  /** Activated gates i, f, g, o of each step `[time, batch, 4·units]`. */
  gates: tf.Tensor3D;
  /** `tanh(c)` of each step's new (unmasked) cell state. */
  actC: tf.Tensor3D;
  mask: tf.Tensor3D | undefined;
  recurrentMask: tf.Tensor2D | undefined;
}

/**
 * `lstmSequence`'s forward pass for sigmoid gates and tanh with the fused step kernel: as one
 * native call that projects each step's input too (without recurrent dropout, where rnnkit's
 * product runs), else one projection for all steps, then a product and one kernel per step. The
 * kernels write the states and saved activations straight into stacks allocated here, so
 * nothing is sliced or stacked per step. @internal
 */
export function lstmForwardNative(
  t: LstmInputs,
  { batch, time, units }: Dims,
  keep: boolean,
): { value: tf.Tensor; saved: LstmNativeSaved | undefined } {
  const mask = t.mask === undefined ? undefined : timeMajorMask(t.mask);
  const { recurrentMask } = t;
  let xs: tf.Tensor2D | undefined;
  // Filled in place by the step kernels; every element is written before any is read.
  const states = emptyStack([time + 1, batch, units]) as tf.Tensor3D;
  const cells = emptyStack([time + 1, batch, units]) as tf.Tensor3D;
  const gates = keep ? (emptyStack([time, batch, 4 * units]) as tf.Tensor3D) : undefined;
  const actC = keep ? (emptyStack([time, batch, units]) as tf.Tensor3D) : undefined;
  const whole = recurrentMask === undefined ? wholeSequences() : null;
  if (whole !== null) {
    // The input projection step by step in the sequence: no [time, batch, 4·units] stack.
    whole.runSequence({
      cell: 'lstm',
      x: t.x,
      kernel: t.kernel,
      bias: t.bias,
      recurrentKernel: t.recurrentKernel,
      h0: t.h0,
      c0: t.c0,
      mask,
      saved: gates,
      actC,
      states,
      cells,
    });
    if (keep) xs = timeMajorRows(t.x);
  } else {
    const stacked = projectInputsStacked(t.x, t.kernel, t.bias, 4 * units);
    const { projected } = stacked;
    xs = stacked.xs;
    let h: tf.Tensor2D = t.h0;
    for (let step = 0; step < time; step++) {
      const previous = h;
      h = tf.tidy(() => {
        const hIn = recurrentMask === undefined ? previous : tf.mul(previous, recurrentMask);
        const hz = tf.matMul(hIn, t.recurrentKernel) as tf.Tensor2D;
        return lstmForwardStep(
          { xz: projected, hz, c0: t.c0, h: previous, mask, states, cells, gates, actC },
          step,
        );
      });
      if (previous !== t.h0) previous.dispose();
    }
    if (h !== t.h0) h.dispose();
  }
  if (!keep) {
    cells.dispose();
    return { value: states, saved: undefined };
  }
  return {
    value: states,
    saved: { ...projectionSaved(t, xs!, states), cells, gates: gates!, actC: actC!, mask, recurrentMask },
  };
}

/**
 * The backward pass of {@link lstmForwardNative}: as one native call where the forward pass can run
 * whole, else one fused kernel and one product per step (the same bits). @internal
 */
export function lstmBackwardNative(
  dy: tf.Tensor,
  s: LstmNativeSaved,
  dims: Dims,
  withBias: boolean,
): Partial<Record<keyof LstmInputs, tf.Tensor>> {
  const { time, batch, units } = dims;
  // dy: time outputs, then the final cell state. The kernels read each step from the stacks.
  // Filled in place, step by step, by the kernels.
  const dzAll = emptyStack([time, batch, 4 * units]) as tf.Tensor3D;
  const whole = wholeSequences();
  let states: { dh0: tf.Tensor; dc0: tf.Tensor };
  if (whole !== null) {
    states = { dh0: emptyStack([batch, units]), dc0: emptyStack([batch, units]) };
    whole.runSequenceBackward({
      cell: 'lstm',
      dOut: dy,
      recurrentKernel: s.recurrentKernel,
      recurrentMask: s.recurrentMask,
      mask: s.mask,
      saved: s.gates,
      actC: s.actC,
      cells: s.cells,
      dz: dzAll,
      ...states,
    });
  } else {
    states = lstmBackwardSteps(dy, s, dzAll);
  }
  return { ...projectionGradients(dzAll, s, dims, withBias), h0: states.dh0, c0: states.dc0 };
}

/** {@link lstmBackwardNative}'s step-by-step loop: fills `dzAll`, returns the gradients of h0 and c0. */
function lstmBackwardSteps(
  dy: tf.Tensor,
  s: LstmNativeSaved,
  dzAll: tf.Tensor3D,
): { dh0: tf.Tensor; dc0: tf.Tensor } {
  const [time, batch, width] = dzAll.shape;
  const units = width / 4;
  const withPass = s.mask !== undefined;
  // Explicit transpose: the wasm backend's matMul with transposeA/B leaves XNNPACK's fast path.
  const recurrentT = tf.transpose(s.recurrentKernel);
  let dc = tf.reshape(tf.slice(dy, [time, 0, 0], [1, batch, units]), [batch, units]) as tf.Tensor2D;
  let back: tf.Tensor2D | undefined;
  let pass: tf.Tensor2D | undefined;
  for (let t = time - 1; t >= 0; t--) {
    const step = lstmBackwardStep(
      {
        back,
        recurrentMask: back === undefined ? undefined : s.recurrentMask,
        passIn: pass,
        dOut: dy as tf.Tensor3D,
        dc,
        gates: s.gates,
        actC: s.actC,
        cells: s.cells,
        mask: s.mask,
        dzAll,
      },
      t,
      withPass,
    );
    tf.dispose([dc, back, pass]);
    dc = step.dc;
    pass = step.pass;
    back = tf.matMul(step.dz, recurrentT) as tf.Tensor2D;
    step.dz.dispose();
  }
  let dh0: tf.Tensor = back!;
  if (s.recurrentMask !== undefined) dh0 = tf.mul(dh0, s.recurrentMask);
  if (pass !== undefined) dh0 = tf.add(dh0, pass);
  return { dh0, dc0: dc };
}
