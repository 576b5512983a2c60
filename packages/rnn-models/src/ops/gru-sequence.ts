import * as tf from '@tensorflow/tfjs-core';
import { cellKernelsAvailable } from '../backend/wasm-cells.js';
import { validate } from '../errors.js';
import { type GruCandidateTerm, gruStep } from './cell-steps.js';
import type { FusedActivation, FusedActivationName } from './fused-activations.js';
import {
  checkRecurrentShapes,
  checkShape,
  columnSums,
  floatInputs,
  resolveActivation,
  runFused,
} from './fused-sequence.js';
import { gruBackwardNative, gruForwardNative } from './gru-sequence-native.js';

/** GRU weights in Keras' layout: gates in the order z (update), r (reset), h (candidate). */
export interface GruWeights {
  /** `[inputDim, 3·units]`. */
  readonly kernel: tf.Tensor2D;
  /** `[units, 3·units]`. */
  readonly recurrentKernel: tf.Tensor2D;
  /**
   * `[3·units]` when `resetAfter` is false; `[2, 3·units]` when it is true (row 0 the input
   * bias, row 1 the recurrent bias — Keras' layout). Absent: no bias (Keras' `useBias: false`).
   */
  readonly bias?: tf.Tensor;
}

/** Options of {@link gruSequence}. */
export interface GruSequenceOptions {
  /**
   * Apply the reset gate after the recurrent product (`r ⊙ (h·U_h + b)`, Keras 2's default,
   * PyTorch's and cuDNN's GRU) instead of before it (`(r ⊙ h)·U_h`, tfjs-layers' only mode).
   * @default true
   */
  readonly resetAfter?: boolean;
  /**
   * Activation of the candidate state.
   * @default 'tanh'
   */
  readonly activation?: FusedActivationName;
  /**
   * Activation of the update and reset gates.
   * @default 'sigmoid'
   */
  readonly recurrentActivation?: FusedActivationName;
  /**
   * `[batch, time]`, 1 where a step is real and 0 where it is padding. At a masked step the
   * state is carried over unchanged and the output repeats the previous hidden state
   * (tfjs-layers' and Keras' semantics). It receives a zero gradient.
   * @default undefined (every step counts)
   */
  readonly mask?: tf.Tensor2D;
  /**
   * `[batch, units]` multiplier of the previous hidden state at every step, for recurrent
   * dropout with one mask for all gates (tfjs-layers' GRU: the masked state also enters the
   * update-gate mix `z ⊙ h_{t−1}`; the unmasked state is what a masked step carries over).
   * The gradient flows through it to the state; the mask itself receives a zero gradient.
   * @default undefined (no recurrent dropout)
   */
  readonly recurrentMask?: tf.Tensor2D;
}

/** The result of {@link gruSequence}; the caller owns both tensors. */
export interface GruSequenceResult {
  /** Hidden state after every step, `[batch, time, units]`. */
  readonly outputs: tf.Tensor3D;
  /** Final hidden state, `[batch, units]`. */
  readonly h: tf.Tensor2D;
}

/**
 * Runs a GRU (Keras' math, either reset-gate placement) over a whole sequence with a
 * hand-written backward pass, differentiable with respect to `x`, `h0` and every weight.
 *
 * The input projection of all time steps is one `[time·batch, inputDim] × [inputDim, ·]`
 * product per gate group; each step then adds only the recurrent product (one with
 * `resetAfter`, two without). Backpropagation through time runs the steps in reverse with
 * elementwise derivatives taken from the saved activations and produces the weight
 * gradients as a few large products over all steps at once, instead of tfjs' generic
 * autodiff through every per-step op. Masks that are not given cost nothing.
 *
 * @param x inputs `[batch, time, inputDim]`, float32, at least one step.
 * @param h0 initial hidden state `[batch, units]`.
 * @param weights Keras-layout weights; `units` is `recurrentKernel.shape[0]`.
 * @returns new tensors owned by the caller; the arguments (and the masks) are not disposed.
 * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` when a tensor's shape does not fit the
 *   others (the message names it, its shape and the expected one), `RNN_MODELS_INVALID_OPTION`
 *   for an activation the fused kernels cannot differentiate.
 * @example
 * const { outputs, h } = gruSequence(x, h0, { kernel, recurrentKernel, bias });
 */
export function gruSequence(
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  weights: GruWeights,
  options: GruSequenceOptions = {},
): GruSequenceResult {
  const fn = 'gruSequence';
  validate.options(fn, options, ['resetAfter', 'activation', 'recurrentActivation', 'mask', 'recurrentMask']);
  const resetAfter = validate.boolean(fn, 'options.resetAfter', options.resetAfter ?? true);
  const activation = resolveActivation(fn, 'activation', options.activation ?? 'tanh');
  const recurrentActivation = resolveActivation(
    fn,
    'recurrentActivation',
    options.recurrentActivation ?? 'sigmoid',
  );
  const { mask, recurrentMask } = options;
  // The bias is checked here: reset-after has one row for the input and one for the recurrent product.
  const { batch, time, units } = checkRecurrentShapes(fn, x, h0, { ...weights, bias: undefined }, 3, options);
  const { kernel, recurrentKernel, bias } = weights;
  if (bias !== undefined) {
    if (resetAfter)
      checkShape(
        fn,
        'weights.bias',
        bias,
        [2, 3 * units],
        '[2, 3·units] (resetAfter: input and recurrent bias)',
      );
    else checkShape(fn, 'weights.bias', bias, [3 * units], '[3·units] (resetAfter false)');
  }
  const layout: GruLayout = {
    resetAfter,
    activation,
    recurrentActivation,
    hasBias: bias !== undefined,
    hasMask: mask !== undefined,
    hasRecurrentMask: recurrentMask !== undefined,
  };
  // On wasm the reset-after cell with sigmoid gates and tanh runs each step's element-wise work
  // in one fused SIMD kernel (wasm-cells.ts); anything else composes tfjs ops.
  if (
    resetAfter &&
    activation.name === 'tanh' &&
    recurrentActivation.name === 'sigmoid' &&
    units % 4 === 0 &&
    cellKernelsAvailable()
  ) {
    const dims = { batch, time, inputDim: x.shape[2], units };
    const named = {
      x,
      h0,
      kernel,
      recurrentKernel,
      bias: bias as tf.Tensor2D | undefined,
      mask,
      recurrentMask,
    };
    return tf.tidy(() => {
      const states = runFused(
        floatInputs(named),
        (tensors, keep) => gruForwardNative(tensors, dims, keep),
        (dy, saved) => gruBackwardNative(dy, saved, dims, bias !== undefined),
      );
      return {
        outputs: tf.transpose(states, [1, 0, 2]) as tf.Tensor3D,
        h: tf.reshape(tf.slice(states, [time - 1, 0, 0], [1, batch, units]), [batch, units]) as tf.Tensor2D,
      };
    });
  }
  const inputs: tf.Tensor[] = [x, kernel, recurrentKernel, h0];
  if (bias !== undefined) inputs.push(bias);
  if (mask !== undefined) inputs.push(mask);
  if (recurrentMask !== undefined) inputs.push(recurrentMask);
  return tf.tidy(() => {
    // The final state is always the last output (a masked last step repeats the state).
    const outputs = fusedGru(layout)(...inputs) as tf.Tensor3D;
    return {
      outputs,
      h: tf.reshape(tf.slice(outputs, [0, time - 1, 0], [batch, 1, units]), [batch, units]) as tf.Tensor2D,
    };
  });
}

/** Which variant {@link fusedGru} computes and which optional inputs follow `[x, kernel, recurrentKernel, h0]`. */
interface GruLayout {
  readonly resetAfter: boolean;
  readonly activation: FusedActivation;
  readonly recurrentActivation: FusedActivation;
  readonly hasBias: boolean;
  readonly hasMask: boolean;
  readonly hasRecurrentMask: boolean;
}

/**
 * The differentiable GRU over `(x, kernel, recurrentKernel, h0[, bias][, mask][,
 * recurrentMask])`, returning every hidden state `[batch, time, units]`.
 */
function fusedGru(layout: GruLayout): (...inputs: tf.Tensor[]) => tf.Tensor {
  const { resetAfter, activation, recurrentActivation } = layout;
  const activations = { activation: activation.apply, recurrentActivation: recurrentActivation.apply };
  return tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as (tensors: tf.Tensor[]) => void;
    const [x, kernel, recurrentKernel, h0, ...optional] = args as [
      tf.Tensor3D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      ...tf.Tensor[],
    ];
    const bias = layout.hasBias ? optional.shift() : undefined;
    const mask = layout.hasMask ? (optional.shift() as tf.Tensor2D) : undefined;
    const recurrentMask = layout.hasRecurrentMask ? (optional.shift() as tf.Tensor2D) : undefined;
    const [batch, time, inputDim] = x.shape;
    const units = recurrentKernel.shape[0];

    // Time-major from here on: row t·batch + b is example b at step t. The input projection
    // is split by gate group up front (z and r activate together), so no step slices it.
    const xs = tf.reshape(tf.transpose(x, [1, 0, 2]), [time * batch, inputDim]);
    const [kernelZR, kernelH] = tf.split(kernel, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
    let projectedZR = tf.matMul(xs, kernelZR);
    let projectedH = tf.matMul(xs, kernelH);
    let recurrentBiasH: tf.Tensor1D | undefined;
    if (bias !== undefined) {
      if (resetAfter) {
        // z and r see input and recurrent bias summed, so fold the recurrent part in once; only
        // the candidate's recurrent bias sits inside the reset product.
        const [inputBias, recurrentBias] = tf.unstack(bias) as [tf.Tensor1D, tf.Tensor1D];
        const [inputZR, inputH] = tf.split(inputBias, [2 * units, units]);
        const [recurrentZR, recurrentH] = tf.split(recurrentBias, [2 * units, units]);
        projectedZR = tf.add(projectedZR, tf.add(inputZR!, recurrentZR!));
        projectedH = tf.add(projectedH, inputH!);
        recurrentBiasH = recurrentH as tf.Tensor1D;
      } else {
        const [biasZR, biasH] = tf.split(bias, [2 * units, units]);
        projectedZR = tf.add(projectedZR, biasZR!);
        projectedH = tf.add(projectedH, biasH!);
      }
    }
    const stepsZR = tf.unstack(tf.reshape(projectedZR, [time, batch, 2 * units])) as tf.Tensor2D[];
    const stepsH = tf.unstack(tf.reshape(projectedH, [time, batch, units])) as tf.Tensor2D[];
    // Sequence mask, time-major [time, batch, 1]: keep = 1 − mask selects the carried state.
    const maskTimeMajor = mask === undefined ? undefined : tf.expandDims(tf.transpose(mask), 2);
    const maskSteps = maskTimeMajor && (tf.unstack(maskTimeMajor) as tf.Tensor2D[]);
    const keepSteps = maskTimeMajor && (tf.unstack(tf.sub(1, maskTimeMajor)) as tf.Tensor2D[]);
    // Without resetAfter the reset gate multiplies h before its product, so U is cut in two once.
    const [recurrentZR, recurrentH] = resetAfter
      ? []
      : (tf.split(recurrentKernel, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D]);

    let h = h0;
    const hiddenPrevious: tf.Tensor2D[] = []; // h_{t−1}, times the recurrent mask if any
    const updates: tf.Tensor2D[] = [];
    const resets: tf.Tensor2D[] = [];
    const candidates: tf.Tensor2D[] = [];
    // resetAfter: the candidate's recurrent term r multiplies (h·U_h + b); otherwise r ⊙ h.
    const resetOperands: tf.Tensor2D[] = [];
    const hidden: tf.Tensor2D[] = [];
    for (let t = 0; t < time; t++) {
      // One tidy per step: only what the backward pass saves outlives the step, which keeps
      // long sequences (the POS tagger's 271 steps × 128 × 256) within the wasm heap.
      const step = tf.tidy(() => {
        const hp = recurrentMask === undefined ? h : (tf.mul(h, recurrentMask) as tf.Tensor2D);
        let innerZR: tf.Tensor2D;
        let term: GruCandidateTerm;
        if (resetAfter) {
          let innerH: tf.Tensor2D;
          [innerZR, innerH] = tf.split(tf.matMul(hp, recurrentKernel), [2 * units, units], 1) as [
            tf.Tensor2D,
            tf.Tensor2D,
          ];
          term = {
            resetAfter: true,
            recurrentH:
              recurrentBiasH === undefined ? innerH : (tf.add(innerH, recurrentBiasH) as tf.Tensor2D),
          };
        } else {
          innerZR = tf.matMul(hp, recurrentZR!);
          term = { resetAfter: false, product: (resetState) => tf.matMul(resetState, recurrentH!) };
        }
        const {
          z,
          r,
          candidate,
          resetOperand: operand,
          h: hNew,
        } = gruStep(
          { inputZR: stepsZR[t]!, inputH: stepsH[t]!, recurrentZR: innerZR, h: hp },
          term,
          activations,
        );
        let next = hNew;
        if (maskSteps !== undefined && keepSteps !== undefined) {
          next = tf.add(tf.mul(next, maskSteps[t]!), tf.mul(h, keepSteps[t]!)) as tf.Tensor2D;
        }
        return { hp, z, r, candidate, operand, next };
      });
      hiddenPrevious.push(step.hp);
      updates.push(step.z);
      resets.push(step.r);
      candidates.push(step.candidate);
      resetOperands.push(step.operand);
      hidden.push(step.next);
      h = step.next;
    }
    // z and r are stacked apart: splitting one [time, batch, 2·units] stack costs more than both stacks.
    const saved = [
      xs,
      kernel,
      recurrentKernel,
      tf.stack(hiddenPrevious),
      tf.stack(updates),
      tf.stack(resets),
      tf.stack(candidates),
      tf.stack(resetOperands),
    ];
    if (maskTimeMajor !== undefined) saved.push(maskTimeMajor);
    if (recurrentMask !== undefined) saved.push(recurrentMask);
    save(saved);
    const value = tf.stack(hidden, 1); // [batch, time, units]
    const gradFunc = (dy: tf.Tensor, savedTensors: tf.Tensor[]) => {
      const [xsSaved, kernelSaved, recurrentSaved, hp, z, r, candidate, resetOperand, ...masks] =
        savedTensors as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor3D,
          tf.Tensor3D,
          tf.Tensor3D,
          tf.Tensor3D,
          tf.Tensor3D,
          ...tf.Tensor[],
        ];
      const savedMask = layout.hasMask ? (masks.shift() as tf.Tensor3D) : undefined;
      const savedRecurrentMask = layout.hasRecurrentMask ? (masks.shift() as tf.Tensor2D) : undefined;
      const forward = { xs: xsSaved, kernel: kernelSaved, recurrentKernel: recurrentSaved };
      return backward(
        dy as tf.Tensor3D,
        { ...forward, hp, z, r, candidate, resetOperand },
        savedMask,
        savedRecurrentMask,
        layout,
        [batch, time, inputDim, units],
      );
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...inputs: tf.Tensor[]) => tf.Tensor;
}

/** What the forward pass of {@link fusedGru} saves for {@link backward}; stacks are `[time, batch, ·]`. */
interface GruSaved {
  /** Inputs, time-major `[time·batch, inputDim]`. */
  readonly xs: tf.Tensor2D;
  readonly kernel: tf.Tensor2D;
  readonly recurrentKernel: tf.Tensor2D;
  /** The previous state as the cell saw it (times the recurrent mask). */
  readonly hp: tf.Tensor3D;
  /** Update gate activations. */
  readonly z: tf.Tensor3D;
  /** Reset gate activations. */
  readonly r: tf.Tensor3D;
  /** Candidate activations. */
  readonly candidate: tf.Tensor3D;
  /** What r multiplied: `hp·U_h + b_h` (resetAfter) or `r ⊙ hp` (the candidate product's input). */
  readonly resetOperand: tf.Tensor3D;
}

/**
 * Backpropagation through time for {@link fusedGru}; returns gradients for (x, kernel,
 * recurrentKernel, h0[, bias][, mask][, recurrentMask]), the masks' gradients zero.
 */
function backward(
  dy: tf.Tensor3D,
  saved: GruSaved,
  maskTimeMajor: tf.Tensor3D | undefined,
  recurrentMask: tf.Tensor2D | undefined,
  layout: GruLayout,
  [batch, time, inputDim, units]: [number, number, number, number],
): tf.Tensor[] {
  const { xs, kernel, recurrentKernel, hp, z, r, candidate, resetOperand } = saved;
  const { resetAfter, activation, recurrentActivation } = layout;
  // Every factor of the per-step chain rule that does not depend on the incoming gradient is
  // computed for all steps at once (a few large elementwise ops instead of many small ones):
  //   dL/d(z pre-activation) = dh ⊙ (hp − hh) ⊙ σ'(z)            = dh ⊙ updateScale
  //   dL/d(hh pre-activation) = dh ⊙ (1 − z) ⊙ act'(hh)           = dh ⊙ candidateScale
  //   dL/d(r pre-activation) = d(r ⊙ operand)/dr ⊙ σ'(r)          = (·) ⊙ operand ⊙ σ'(r)
  // Each [time, batch, units] factor is built in a tidy and freed once split into steps.
  const perStep = (factor: () => tf.Tensor) => tf.tidy(() => tf.unstack(factor()) as tf.Tensor2D[]);
  const updateScale = perStep(() =>
    tf.mul(tf.sub(hp, candidate), recurrentActivation.derivativeFromOutput(z)),
  );
  const candidateScale = perStep(() => tf.mul(tf.sub(1, z), activation.derivativeFromOutput(candidate)));
  // resetAfter: r multiplied (hp·U_h + b); otherwise r multiplied hp (its operand is r ⊙ hp).
  const resetScale = perStep(() =>
    tf.mul(resetAfter ? resetOperand : hp, recurrentActivation.derivativeFromOutput(r)),
  );
  const zSteps = tf.unstack(z) as tf.Tensor2D[];
  const rSteps = tf.unstack(r) as tf.Tensor2D[];
  const maskSteps = maskTimeMajor && (tf.unstack(maskTimeMajor) as tf.Tensor2D[]);
  const keepSteps = maskTimeMajor && perStep(() => tf.sub(1, maskTimeMajor));
  const dOutputs = tf.unstack(dy, 1) as tf.Tensor2D[];
  // Transposes are explicit: the wasm backend's matMul with transposeA/B falls off XNNPACK's
  // fast path (~40× slower here), while a transpose is one cheap copy.
  const [recurrentZR, recurrentH] = resetAfter
    ? []
    : (tf.split(recurrentKernel, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D]);
  const recurrentT = resetAfter ? tf.transpose(recurrentKernel) : undefined;
  const recurrentZRT = recurrentZR && tf.transpose(recurrentZR);
  const recurrentHT = recurrentH && tf.transpose(recurrentH);

  // resetAfter: gradient of the recurrent product's output [z | r | h]; otherwise of [z | r].
  const dInner: tf.Tensor2D[] = new Array(time);
  const dCandidate: tf.Tensor2D[] = new Array(time); // of the candidate pre-activation
  let dh = dOutputs[time - 1]!;
  for (let t = time - 1; t >= 0; t--) {
    // One tidy per step: only dInner, dCandidate and the carried dh outlive it (the POS
    // tagger's 271 steps otherwise pile up ~300 MB of step temporaries on the wasm heap).
    const dhIn = dh;
    const step = tf.tidy(() => {
      const dhStep = t < time - 1 ? (tf.add(dhIn, dOutputs[t]!) as tf.Tensor2D) : dhIn;
      // A masked step passes dh straight to the previous state; the cell sees dh ⊙ mask.
      const dCell = maskSteps === undefined ? dhStep : (tf.mul(dhStep, maskSteps[t]!) as tf.Tensor2D);
      const dZ = tf.mul(dCell, updateScale[t]!);
      const dH = tf.mul(dCell, candidateScale[t]!) as tf.Tensor2D;
      let inner: tf.Tensor2D;
      let dhp: tf.Tensor2D;
      if (resetAfter) {
        inner = tf.concat([dZ, tf.mul(dH, resetScale[t]!), tf.mul(dH, rSteps[t]!)], 1) as tf.Tensor2D;
        dhp = tf.add(tf.mul(dCell, zSteps[t]!), tf.matMul(inner, recurrentT!)) as tf.Tensor2D;
      } else {
        const dResetHidden = tf.matMul(dH, recurrentHT!); // gradient of r ⊙ hp
        inner = tf.concat([dZ, tf.mul(dResetHidden, resetScale[t]!)], 1) as tf.Tensor2D;
        dhp = tf.addN([
          tf.mul(dCell, zSteps[t]!),
          tf.mul(dResetHidden, rSteps[t]!),
          tf.matMul(inner, recurrentZRT!),
        ]) as tf.Tensor2D;
      }
      if (recurrentMask !== undefined) dhp = tf.mul(dhp, recurrentMask) as tf.Tensor2D;
      const dhNext =
        keepSteps === undefined ? dhp : (tf.add(dhp, tf.mul(dhStep, keepSteps[t]!)) as tf.Tensor2D);
      return { inner, dH, dhNext };
    });
    dInner[t] = step.inner;
    dCandidate[t] = step.dH;
    if (dh !== dOutputs[time - 1]) dh.dispose();
    dh = step.dhNext;
  }
  // The per-step factors are spent; free them before the large weight-gradient products.
  tf.dispose([
    ...updateScale,
    ...candidateScale,
    ...resetScale,
    ...zSteps,
    ...rSteps,
    ...dOutputs,
    ...(maskSteps ?? []),
    ...(keepSteps ?? []),
  ]);

  // Weight gradients over all steps at once: rows are (step, example) in time-major order.
  const rows = time * batch;
  const innerWidth = resetAfter ? 3 * units : 2 * units;
  const dInnerAll = tf.reshape(tf.stack(dInner), [rows, innerWidth]);
  const dCandidateAll = tf.reshape(tf.stack(dCandidate), [rows, units]);
  tf.dispose([...dInner, ...dCandidate]);
  // The input projection's gradient: [z | r] as for the recurrent product, then the candidate.
  const dProjected = tf.concat(
    [resetAfter ? tf.slice(dInnerAll, [0, 0], [rows, 2 * units]) : dInnerAll, dCandidateAll],
    1,
  );
  // Weight gradients are computed transposed (dZᵀ·h rather than hᵀ·dZ): XNNPACK packs the
  // right operand, and packing the [time·batch, 3·units] gradient (106 MB for the POS tagger)
  // exhausted the wasm heap, while h, x and a column of ones are small to pack.
  const dInnerT = tf.transpose(dInnerAll);
  const dProjectedT = tf.transpose(dProjected);
  const transposedProduct = (left: tf.Tensor, right: tf.Tensor) =>
    tf.transpose(tf.matMul(left as tf.Tensor2D, right as tf.Tensor2D));
  const hpFlat = tf.reshape(hp, [rows, units]);
  const dRecurrent = resetAfter
    ? transposedProduct(dInnerT, hpFlat)
    : tf.concat(
        [
          transposedProduct(dInnerT, hpFlat),
          transposedProduct(tf.transpose(dCandidateAll), tf.reshape(resetOperand, [rows, units])),
        ],
        1,
      );
  const dKernel = transposedProduct(dProjectedT, xs);
  const dxTimeMajor = tf.reshape(tf.matMul(dProjected, tf.transpose(kernel)), [time, batch, inputDim]);
  const gradients: tf.Tensor[] = [tf.transpose(dxTimeMajor, [1, 0, 2]), dKernel, dRecurrent, dh];
  if (layout.hasBias) {
    const dInputBias = tf.reshape(columnSums(dProjected as tf.Tensor2D), [1, 3 * units]);
    const dBias = resetAfter
      ? tf.concat([dInputBias, tf.reshape(columnSums(dInnerAll as tf.Tensor2D), [1, 3 * units])])
      : dInputBias;
    gradients.push(resetAfter ? dBias : tf.reshape(dBias, [3 * units]));
  }
  if (maskTimeMajor !== undefined) gradients.push(tf.zeros([batch, time]));
  if (recurrentMask !== undefined) gradients.push(tf.zerosLike(recurrentMask));
  return gradients;
}
