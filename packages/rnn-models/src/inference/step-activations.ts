import * as tf from '@tensorflow/tfjs-core';
import type { StepActivation } from '../ops/cell-steps.js';
import { fusedActivation } from '../ops/fused-activations.js';

/** The part of a tfjs-layers `Activation` object we use. */
export interface LayerActivation {
  getClassName(): string;
  apply(z: tf.Tensor): tf.Tensor;
}

/**
 * Above this many elements the wasm backend's scalar `Tanh` kernel costs more than the four ops of
 * `2σ(2z) − 1` (fused-activations.ts); below it one op beats four (measured: the README).
 * Other backends keep their own `tanh` either way.
 */
const WASM_NATIVE_TANH_MAX_SIZE = 1536;

const fusedTanh = fusedActivation('tanh')!.apply;

function stepTanh(z: tf.Tensor): tf.Tensor {
  return z.size > WASM_NATIVE_TANH_MAX_SIZE ? fusedTanh(z) : tf.tanh(z);
}

const identity: StepActivation = (z) => z;

/**
 * The step function of a layer's activation: the fused kernels' implementation where there is
 * one (same numbers as the layer's fused sequence path), identity for `linear`, and tfjs-layers'
 * own `apply` for the rest (e.g. `swish`, `gelu`, `softmax`). Returns new tensors (or `z` itself
 * for `linear`); call inside a `tf.tidy`.
 */
export function stepActivation(activation: LayerActivation): StepActivation {
  const name = activation.getClassName();
  if (name === 'linear') return identity;
  if (name === 'tanh') return stepTanh;
  return fusedActivation(name)?.apply ?? ((z) => activation.apply(z));
}

/** Activations `tf.fused.matMul` applies inside the product on every backend (tfjs-layers names). */
export type MatMulActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid';

const MATMUL_ACTIVATIONS: ReadonlySet<string> = new Set<MatMulActivation>([
  'linear',
  'relu',
  'relu6',
  'elu',
  'sigmoid',
]);

/** Whether `tf.fused.matMul` can apply `activation` itself (one op instead of two). */
export function isMatMulActivation(activation: LayerActivation): boolean {
  return MATMUL_ACTIVATIONS.has(activation.getClassName());
}
