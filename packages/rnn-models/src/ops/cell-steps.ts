// The one TypeScript definition of each recurrent cell's step — gate pre-activations in, new
// state out — shared by the cells' per-step `call` (layers/recurrent-cells.ts), the composed
// (non-native) sequence paths (lstm-, gru-, simple-rnn-sequence.ts) and one-token inference
// (inference/recurrent-step.ts). Callers build the pre-activations their own way (bias folded
// into the input projection, fused into the product, or added after) and pass the activations
// they run with. The wasm step kernel (native/recurrent-cells.c) is the one other implementation.
import * as tf from '@tensorflow/tfjs-core';

/** An activation applied to one step's tensor; returns a new tensor (or `z` itself for `linear`). */
export type StepActivation = (z: tf.Tensor) => tf.Tensor;

/** A cell's two activations: of the candidate and state (`activation`), and of the gates. */
export interface CellActivations {
  readonly activation: StepActivation;
  readonly recurrentActivation: StepActivation;
}

/** Keras' peephole weights, `[units]` each: from `c_{t−1}` to the input and forget gates, from `c_t` to the output gate. */
export interface PeepholeWeights {
  readonly input: tf.Tensor;
  readonly forget: tf.Tensor;
  readonly output: tf.Tensor;
}

/** One LSTM step's activations and new state, each `[batch, units]`. */
export interface LstmStepResult {
  readonly i: tf.Tensor2D;
  readonly f: tf.Tensor2D;
  readonly g: tf.Tensor2D;
  readonly o: tf.Tensor2D;
  /** `activation(c)` of the new cell state. */
  readonly actC: tf.Tensor2D;
  readonly c: tf.Tensor2D;
  readonly h: tf.Tensor2D;
}

/** How {@link lstmStep} reads its pre-activations. */
export interface LstmStepOptions {
  /** Peephole connections (Keras' `PeepholeLSTMCell`); absent for a plain LSTM. */
  readonly peephole?: PeepholeWeights;
  /**
   * The candidate block of `z` holds `2·z_g`, the gates are sigmoid and the activation is tanh
   * computed as `2σ(2z) − 1`: all four blocks then take one sigmoid (fused-activations.ts).
   * @default false
   */
  readonly oneSigmoid?: boolean;
}

/**
 * One LSTM step (Keras' gates i, f, c, o): `c = f ⊙ c_{t−1} + i ⊙ g`, `h = o ⊙ act(c)`, with
 * peephole terms added to the gates' pre-activations when given. Creates new tensors: call
 * inside a `tf.tidy`; disposes nothing.
 *
 * @param z `[batch, 4·units]` pre-activations `x·W + h_{t−1}·U + b`.
 * @param c `[batch, units]` the cell state entering the step.
 */
export function lstmStep(
  z: tf.Tensor2D,
  c: tf.Tensor2D,
  { activation, recurrentActivation }: CellActivations,
  { peephole, oneSigmoid = false }: LstmStepOptions = {},
): LstmStepResult {
  let i: tf.Tensor2D;
  let f: tf.Tensor2D;
  let g: tf.Tensor2D;
  let o: tf.Tensor2D;
  let cNew: tf.Tensor2D;
  if (oneSigmoid) {
    let sg: tf.Tensor2D;
    [i, f, sg, o] = tf.split(tf.sigmoid(z), 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    g = tf.sub(tf.mul(sg, 2), 1);
    cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
  } else {
    let [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    if (peephole !== undefined) {
      zi = tf.add(zi, tf.mul(peephole.input, c));
      zf = tf.add(zf, tf.mul(peephole.forget, c));
    }
    i = recurrentActivation(zi) as tf.Tensor2D;
    f = recurrentActivation(zf) as tf.Tensor2D;
    g = activation(zg) as tf.Tensor2D;
    cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
    if (peephole !== undefined) zo = tf.add(zo, tf.mul(peephole.output, cNew));
    o = recurrentActivation(zo) as tf.Tensor2D;
  }
  const actC = activation(cNew) as tf.Tensor2D;
  return { i, f, g, o, actC, c: cNew, h: tf.mul(o, actC) };
}

/**
 * The candidate's recurrent term of a GRU step. Reset after the product (Keras 2's default,
 * PyTorch's and cuDNN's GRU): `r ⊙ recurrentH` with `recurrentH = h·U_h + b_h`. Reset before it
 * (the original GRU, tfjs-layers' only mode): `product(r ⊙ h)`, i.e. `(r ⊙ h)·U_h`.
 */
export type GruCandidateTerm =
  | { readonly resetAfter: true; readonly recurrentH: tf.Tensor2D }
  | { readonly resetAfter: false; product(resetState: tf.Tensor2D): tf.Tensor2D };

/** One GRU step's activations and new state, each `[batch, units]`. */
export interface GruStepResult {
  readonly z: tf.Tensor2D;
  readonly r: tf.Tensor2D;
  readonly candidate: tf.Tensor2D;
  /** The candidate's recurrent input: `recurrentH`, which `r` multiplied (reset after), or `r ⊙ h`, the product's input (reset before). */
  readonly resetOperand: tf.Tensor2D;
  readonly h: tf.Tensor2D;
}

/**
 * One GRU step (Keras' gates z, r, h): `h_t = z ⊙ h + (1 − z) ⊙ candidate`, computed as
 * `candidate + z ⊙ (h − candidate)`. Creates new tensors: call inside a `tf.tidy`; disposes
 * nothing.
 *
 * @param inputZR `[batch, 2·units]` the input part of the update and reset pre-activations.
 * @param inputH `[batch, units]` the input part of the candidate's pre-activation.
 * @param recurrentZR `[batch, 2·units]` `h·U_zr` (plus any recurrent bias).
 * @param h `[batch, units]` the previous state as the cell sees it (times any recurrent-dropout mask).
 */
export function gruStep(
  {
    inputZR,
    inputH,
    recurrentZR,
    h,
  }: {
    readonly inputZR: tf.Tensor2D;
    readonly inputH: tf.Tensor2D;
    readonly recurrentZR: tf.Tensor2D;
    readonly h: tf.Tensor2D;
  },
  term: GruCandidateTerm,
  { activation, recurrentActivation }: CellActivations,
): GruStepResult {
  const [z, r] = tf.split(recurrentActivation(tf.add(inputZR, recurrentZR)), 2, 1) as [
    tf.Tensor2D,
    tf.Tensor2D,
  ];
  let candidate: tf.Tensor2D;
  let resetOperand: tf.Tensor2D;
  if (term.resetAfter) {
    resetOperand = term.recurrentH;
    candidate = activation(tf.add(inputH, tf.mul(r, resetOperand))) as tf.Tensor2D;
  } else {
    resetOperand = tf.mul(r, h);
    candidate = activation(tf.add(inputH, term.product(resetOperand))) as tf.Tensor2D;
  }
  return { z, r, candidate, resetOperand, h: tf.add(candidate, tf.mul(z, tf.sub(h, candidate))) };
}

/**
 * One SimpleRNN step: `h_t = activation(z)`.
 *
 * @param z `[batch, units]` pre-activations `x·W + h_{t−1}·U + b`.
 */
export function simpleRnnStep(z: tf.Tensor2D, activation: StepActivation): tf.Tensor2D {
  return activation(z) as tf.Tensor2D;
}
