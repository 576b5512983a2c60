import * as tf from '@tensorflow/tfjs-core';
import { cellKernelsAvailable } from '../backend/wasm-cells.js';
import { validate } from '../errors.js';
import { lstmStep } from './cell-steps.js';
import {
  candidateColumnScale,
  type FusedActivation,
  type FusedActivationName,
  tanhUsesSigmoid,
} from './fused-activations.js';
import {
  checkRecurrentShapes,
  checkShape,
  columnSums,
  type Dims,
  floatInputs,
  projectInputs,
  projectionGradients,
  projectionSaved,
  resolveActivation,
  runFused,
  timeMajorMask,
} from './fused-sequence.js';
import { lstmBackwardNative, lstmForwardNative } from './lstm-sequence-native.js';

/** Peephole weights of {@link LstmWeights}: elementwise connections from the cell state to the gates. */
export interface LstmPeepholeWeights {
  /** Input gate, `[units]`: adds `input ⊙ c_{t−1}` to the input gate's pre-activation. */
  readonly input: tf.Tensor1D;
  /** Forget gate, `[units]`: adds `forget ⊙ c_{t−1}` to the forget gate's pre-activation. */
  readonly forget: tf.Tensor1D;
  /** Output gate, `[units]`: adds `output ⊙ c_t` (the *new* cell state) to the output gate's pre-activation. */
  readonly output: tf.Tensor1D;
}

/** LSTM weights in Keras' layout: gates in the order input, forget, cell, output. */
export interface LstmWeights {
  /** `[inputDim, 4·units]`. */
  readonly kernel: tf.Tensor2D;
  /** `[units, 4·units]`. */
  readonly recurrentKernel: tf.Tensor2D;
  /** `[4·units]`; absent means no bias (Keras' `useBias: false`). */
  readonly bias?: tf.Tensor1D;
  /**
   * Peephole connections as in Keras' `tf.keras.experimental.PeepholeLSTMCell`; absent means
   * a plain LSTM.
   */
  readonly peephole?: LstmPeepholeWeights;
}

/** Options of {@link lstmSequence}. */
export interface LstmSequenceOptions {
  /**
   * Activation of the candidate cell value `g` and of the cell state in `h = o ⊙ act(c)`.
   * @default 'tanh'
   */
  readonly activation?: FusedActivationName;
  /**
   * Activation of the input, forget and output gates. tfjs-layers' own LSTM defaults to
   * `'hardSigmoid'`; this function, like Keras 2+, to `'sigmoid'`.
   * @default 'sigmoid'
   */
  readonly recurrentActivation?: FusedActivationName;
  /**
   * `[batch, time]`, 1 for a real step and 0 for padding (any non-zero counts as 1). A masked
   * step carries `h` and `c` over unchanged and its output repeats the previous `h`, as in
   * tfjs-layers and Keras. Receives a zero gradient.
   * @default undefined (every step is real)
   */
  readonly mask?: tf.Tensor2D;
  /**
   * `[batch, units]`, multiplies `h_{t−1}` before the recurrent product at every step: the
   * recurrent-dropout mask (Keras' implementation 2, one mask for all four gates; scale it
   * by `1 / (1 − rate)` yourself). Receives a zero gradient.
   * @default undefined (no recurrent dropout)
   */
  readonly recurrentMask?: tf.Tensor2D;
}

/** The result of {@link lstmSequence}; the caller owns all three tensors. */
export interface LstmSequenceResult {
  /** Hidden state after every step, `[batch, time, units]`. */
  readonly outputs: tf.Tensor3D;
  /** Final hidden state, `[batch, units]`. */
  readonly h: tf.Tensor2D;
  /** Final cell state, `[batch, units]`. */
  readonly c: tf.Tensor2D;
}

/**
 * Runs an LSTM (Keras gate order i, f, c, o) over a whole sequence with a hand-written
 * backward pass, differentiable with respect to `x`, `h0`, `c0` and every weight.
 *
 * The input projection of all time steps is one `[time·batch, inputDim] × [inputDim,
 * 4·units]` product; each step then adds only the recurrent product. Backpropagation
 * through time runs the steps in reverse with elementwise gate derivatives computed from
 * the saved activations, and produces the weight gradients as large products over all
 * steps at once, instead of tfjs' generic autodiff through every per-step op. Outside a
 * gradient tape (inference) nothing is saved for the backward pass.
 *
 * @param x inputs `[batch, time ≥ 1, inputDim]`, float32.
 * @param h0 initial hidden state `[batch, units]`.
 * @param c0 initial cell state `[batch, units]`.
 * @param weights kernel, recurrent kernel, optional bias and peephole weights (Keras layout).
 * @param options activations, padding mask and recurrent-dropout mask.
 * @returns new tensors owned by the caller; the arguments are neither disposed nor kept.
 * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` when a tensor's shape does not fit the
 *   others (the message names the argument, its shape and the expected one),
 *   `RNN_MODELS_INVALID_OPTION` for an activation the fused kernels cannot differentiate.
 * @example
 * const { outputs, h, c } = lstmSequence(x, h0, c0, { kernel, recurrentKernel, bias }, { mask });
 */
export function lstmSequence(
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  weights: LstmWeights,
  options: LstmSequenceOptions = {},
): LstmSequenceResult {
  const fn = 'lstmSequence';
  validate.options(fn, options, ['activation', 'recurrentActivation', 'mask', 'recurrentMask']);
  const { batch, time, inputDim, units } = checkRecurrentShapes(fn, x, h0, weights, 4, options);
  checkShape(fn, 'c0', c0, [batch, units], '[batch, units]');
  const { peephole } = weights;
  if (peephole !== undefined) {
    checkShape(fn, 'weights.peephole.input', peephole.input, [units], '[units]');
    checkShape(fn, 'weights.peephole.forget', peephole.forget, [units], '[units]');
    checkShape(fn, 'weights.peephole.output', peephole.output, [units], '[units]');
  }
  const activation = resolveActivation(fn, 'activation', options.activation ?? 'tanh');
  const recurrentActivation = resolveActivation(
    fn,
    'recurrentActivation',
    options.recurrentActivation ?? 'sigmoid',
  );
  const dims: Dims = { batch, time, inputDim, units };
  const inputs: LstmInputs = {
    x,
    h0,
    c0,
    kernel: weights.kernel,
    recurrentKernel: weights.recurrentKernel,
    bias: weights.bias,
    peepholeInput: peephole?.input,
    peepholeForget: peephole?.forget,
    peepholeOutput: peephole?.output,
    mask: options.mask,
    recurrentMask: options.recurrentMask,
  };
  return tf.tidy(() => {
    // Time-major [time + 1, batch, units]: every hidden state, then the final cell state
    // (one tensor, because a custom-gradient op has one output).
    const withBias = weights.bias !== undefined;
    // On wasm the usual cell (sigmoid gates, tanh) runs each step's element-wise work in one
    // fused SIMD kernel (wasm-cells.ts); anything else composes tfjs ops.
    const native =
      peephole === undefined &&
      activation.name === 'tanh' &&
      recurrentActivation.name === 'sigmoid' &&
      units % 4 === 0 &&
      cellKernelsAvailable();
    // The native kernels read float32 from the heap; tfjs' ops cast int32 operands themselves.
    const floats = floatInputs(inputs);
    const packed = native
      ? runFused(
          floats,
          (tensors, keep) => lstmForwardNative(tensors, dims, keep),
          (dy, saved) => lstmBackwardNative(dy, saved, dims, withBias),
        )
      : runFused(
          floats,
          (tensors, keep) => lstmForward(tensors, activation, recurrentActivation, dims, keep),
          (dy, saved) => lstmBackward(dy, saved, activation, recurrentActivation, dims, withBias),
        );
    return {
      outputs: tf.transpose(tf.slice(packed, [0, 0, 0], [time, batch, units]), [1, 0, 2]) as tf.Tensor3D,
      h: tf.reshape(tf.slice(packed, [time - 1, 0, 0], [1, batch, units]), [batch, units]) as tf.Tensor2D,
      c: tf.reshape(tf.slice(packed, [time, 0, 0], [1, batch, units]), [batch, units]) as tf.Tensor2D,
    };
  });
}

/** The tensors of one {@link lstmSequence} call, under the names their gradients take. @internal */
export interface LstmInputs extends Record<string, tf.Tensor | undefined> {
  x: tf.Tensor3D;
  h0: tf.Tensor2D;
  c0: tf.Tensor2D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  bias: tf.Tensor1D | undefined;
  peepholeInput: tf.Tensor1D | undefined;
  peepholeForget: tf.Tensor1D | undefined;
  peepholeOutput: tf.Tensor1D | undefined;
  mask: tf.Tensor2D | undefined;
  recurrentMask: tf.Tensor2D | undefined;
}

/** What {@link lstmBackward} needs; stacks are time-major `[time, batch, units]`. */
interface LstmSaved extends Record<string, tf.Tensor | undefined> {
  xs: tf.Tensor2D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  h0: tf.Tensor2D;
  /** The forward value: hidden states, then the final cell state. */
  packed: tf.Tensor3D;
  /** Cell state entering each step (after masking). */
  cPrev: tf.Tensor3D;
  i: tf.Tensor3D;
  f: tf.Tensor3D;
  g: tf.Tensor3D;
  o: tf.Tensor3D;
  /** `act(c)` of each step's new (unmasked) cell state. */
  actC: tf.Tensor3D;
  /** Each step's new (unmasked) cell state; peephole only. */
  cNew: tf.Tensor3D | undefined;
  peepholeInput: tf.Tensor1D | undefined;
  peepholeForget: tf.Tensor1D | undefined;
  peepholeOutput: tf.Tensor1D | undefined;
  /** Binary mask `[time, batch, 1]`. */
  mask: tf.Tensor3D | undefined;
  recurrentMask: tf.Tensor2D | undefined;
}

function lstmForward(
  t: LstmInputs,
  act: FusedActivation,
  gate: FusedActivation,
  { time, units }: Dims,
  keep: boolean,
): { value: tf.Tensor; saved: LstmSaved | undefined } {
  const { recurrentMask, peepholeInput, peepholeForget, peepholeOutput } = t;
  const peephole =
    peepholeInput !== undefined && peepholeForget !== undefined && peepholeOutput !== undefined;
  // Where tanh is computed as 2σ(2z) − 1, all four gates take one sigmoid: the candidate's
  // columns of the weights are doubled (exact in floating point), so z carries 2·z_g.
  const oneSigmoid = !peephole && gate.name === 'sigmoid' && act.name === 'tanh' && tanhUsesSigmoid();
  const columnScale = oneSigmoid ? candidateColumnScale(units) : undefined;
  const activations = { activation: act.apply, recurrentActivation: gate.apply };
  const weights = peephole
    ? { input: peepholeInput, forget: peepholeForget, output: peepholeOutput }
    : undefined;
  const scaled = <T extends tf.Tensor>(w: T): T => (columnScale === undefined ? w : tf.mul(w, columnScale));
  const { xs, steps } = projectInputs(
    t.x,
    scaled(t.kernel),
    t.bias === undefined ? undefined : scaled(t.bias),
    4 * units,
  );
  const recurrentKernel = scaled(t.recurrentKernel);
  const mask = t.mask === undefined ? undefined : timeMajorMask(t.mask);
  const stepMasks = mask === undefined ? undefined : (tf.unstack(mask) as tf.Tensor2D[]);
  let h: tf.Tensor2D = t.h0;
  let c: tf.Tensor2D = t.c0;
  const hidden: tf.Tensor2D[] = [];
  const cPrev: tf.Tensor2D[] = [];
  const is: tf.Tensor2D[] = [];
  const fs: tf.Tensor2D[] = [];
  const gs: tf.Tensor2D[] = [];
  const os: tf.Tensor2D[] = [];
  const actCs: tf.Tensor2D[] = [];
  const cNews: tf.Tensor2D[] = [];
  for (let step = 0; step < time; step++) {
    // One tidy per step: only the states and what the backward pass saves outlive the step,
    // which keeps long sequences within the wasm heap.
    const out = tf.tidy(() => {
      const hIn = recurrentMask === undefined ? h : tf.mul(h, recurrentMask);
      const z = tf.add(steps[step]!, tf.matMul(hIn, recurrentKernel)) as tf.Tensor2D;
      const {
        i,
        f,
        g,
        o,
        actC,
        c: cNew,
        h: hNew,
      } = lstmStep(z, c, activations, { peephole: weights, oneSigmoid });
      let hNext = hNew;
      let cNext = cNew;
      if (stepMasks !== undefined) {
        // Masked rows keep the previous state: s + m·(s_new − s) with m ∈ {0, 1}.
        const m = stepMasks[step]!;
        hNext = tf.add(h, tf.mul(m, tf.sub(hNew, h)));
        cNext = tf.add(c, tf.mul(m, tf.sub(cNew, c)));
      }
      return keep ? { i, f, g, o, actC, cNew, hNext, cNext } : { hNext, cNext };
    }) as Record<string, tf.Tensor2D>;
    if (keep) {
      cPrev.push(c);
      is.push(out.i!);
      fs.push(out.f!);
      gs.push(out.g!);
      os.push(out.o!);
      actCs.push(out.actC!);
      if (peephole) cNews.push(out.cNew!);
    }
    h = out.hNext!;
    c = out.cNext!;
    hidden.push(h);
  }
  hidden.push(c);
  const value = tf.stack(hidden) as tf.Tensor3D;
  if (!keep) return { value, saved: undefined };
  return {
    value,
    saved: {
      ...projectionSaved(t, xs, value),
      cPrev: stackSteps(cPrev),
      i: stackSteps(is),
      f: stackSteps(fs),
      g: stackSteps(gs),
      o: stackSteps(os),
      actC: stackSteps(actCs),
      cNew: peephole ? stackSteps(cNews) : undefined,
      peepholeInput,
      peepholeForget,
      peepholeOutput,
      mask,
      recurrentMask,
    },
  };
}

/**
 * Backpropagation through time for {@link lstmForward}. With `dc` and `dh` the gradients
 * reaching the state after step t (`dh` including the step's output), and m the step's mask:
 *
 *     dc' = dc + dh ⊙ o ⊙ act'(c) [+ dh ⊙ act(c) ⊙ σ'(o) ⊙ p_o]
 *     dz  = [dc', dc', dc', dh] ⊙ m ⊙ [g ⊙ σ'(i), c_{t−1} ⊙ σ'(f), i ⊙ act'(g), act(c) ⊙ σ'(o)]
 *     dc_{t−1} = dc' ⊙ m ⊙ (f [+ g⊙σ'(i)⊙p_i + c_{t−1}⊙σ'(f)⊙p_f]) + (1 − m) ⊙ dc
 *     dh_{t−1} = (dz · Uᵀ) ⊙ recurrentMask + (1 − m) ⊙ dh
 *
 * Every factor that does not depend on the incoming gradient is computed for all steps at
 * once before the loop, so each step costs a handful of elementwise ops and one product.
 */
function lstmBackward(
  dy: tf.Tensor,
  s: LstmSaved,
  act: FusedActivation,
  gate: FusedActivation,
  dims: Dims,
  withBias: boolean,
): Partial<Record<keyof LstmInputs, tf.Tensor>> {
  const { time } = dims;
  const dPacked = tf.unstack(dy) as tf.Tensor2D[]; // time outputs, then the final cell state
  const gateI = tf.mul(s.g, gate.derivativeFromOutput(s.i));
  const gateF = tf.mul(s.cPrev, gate.derivativeFromOutput(s.f));
  const gateG = tf.mul(s.i, act.derivativeFromOutput(s.g));
  const gateO = tf.mul(s.actC, gate.derivativeFromOutput(s.o));
  let fromH = tf.mul(s.o, act.derivativeFromOutput(s.actC)); // dc' per dh
  let carry: tf.Tensor = s.f; // dc_{t−1} per dc'
  const { peepholeInput, peepholeForget, peepholeOutput } = s;
  if (peepholeInput !== undefined && peepholeForget !== undefined && peepholeOutput !== undefined) {
    fromH = tf.add(fromH, tf.mul(gateO, peepholeOutput));
    carry = tf.add(carry, tf.add(tf.mul(gateI, peepholeInput), tf.mul(gateF, peepholeForget)));
  }
  let factors = tf.concat([gateI, gateF, gateG, gateO], 2);
  let passes: tf.Tensor2D[] | undefined;
  if (s.mask !== undefined) {
    factors = tf.mul(factors, s.mask);
    carry = tf.mul(carry, s.mask);
    passes = tf.unstack(tf.sub(1, s.mask)) as tf.Tensor2D[];
  }
  const fromHs = tf.unstack(fromH) as tf.Tensor2D[];
  const factorSteps = tf.unstack(factors) as tf.Tensor2D[];
  const carries = tf.unstack(carry) as tf.Tensor2D[];
  // Transposes are explicit: the wasm backend's matMul with transposeA/B falls off XNNPACK's
  // fast path (~40× slower here), while a transpose is one cheap copy.
  const recurrentT = tf.transpose(s.recurrentKernel);
  let dc = dPacked[time]!;
  let dhPrev: tf.Tensor2D | undefined;
  const dz: tf.Tensor2D[] = new Array(time);
  for (let t = time - 1; t >= 0; t--) {
    const dh = dhPrev === undefined ? dPacked[t]! : (tf.add(dhPrev, dPacked[t]!) as tf.Tensor2D);
    const dcIn = tf.add(dc, tf.mul(dh, fromHs[t]!));
    dz[t] = tf.mul(tf.concat([dcIn, dcIn, dcIn, dh], 1), factorSteps[t]!) as tf.Tensor2D;
    let back: tf.Tensor = tf.matMul(dz[t]!, recurrentT);
    if (s.recurrentMask !== undefined) back = tf.mul(back, s.recurrentMask);
    if (passes === undefined) {
      dc = tf.mul(dcIn, carries[t]!) as tf.Tensor2D;
    } else {
      dc = tf.add(tf.mul(dcIn, carries[t]!), tf.mul(dc, passes[t]!)) as tf.Tensor2D;
      back = tf.add(back, tf.mul(dh, passes[t]!));
    }
    dhPrev = back as tf.Tensor2D;
  }
  const dZ = tf.stack(dz) as tf.Tensor3D;
  const grads: Partial<Record<keyof LstmInputs, tf.Tensor>> = {
    ...projectionGradients(dZ, s, dims, withBias),
    h0: dhPrev!,
    c0: dc,
  };
  if (peepholeInput !== undefined) {
    const { batch, units } = dims;
    const [dzi, dzf, , dzo] = tf.split(dZ, 4, 2);
    const sums = (a: tf.Tensor, b: tf.Tensor) => columnSums(tf.reshape(tf.mul(a, b), [time * batch, units]));
    grads.peepholeInput = sums(dzi!, s.cPrev);
    grads.peepholeForget = sums(dzf!, s.cPrev);
    grads.peepholeOutput = sums(dzo!, s.cNew!);
  }
  return grads;
}

/** Per-step `[batch, n]` tensors → one time-major `[time, batch, n]` stack. */
function stackSteps(tensors: tf.Tensor2D[]): tf.Tensor3D {
  return tf.stack(tensors) as tf.Tensor3D;
}
