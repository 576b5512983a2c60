import * as tf from '@tensorflow/tfjs-core';
import { CELL_KERNELS } from './wasm-cells.js';
import { gatherV2, identity, reverse, slice, splitV, tile, unpack } from './wasm-copy-kernels.js';
import { keepOriginalKernel } from './wasm-kernel-support.js';
import {
  abs,
  add,
  batchMatMul,
  ceil,
  floor,
  fusedMatMul,
  mean,
  multiply,
  neg,
  realDiv,
  relu,
  sqrt,
  square,
  sub,
  sum,
  transpose,
  unsortedSegmentSum,
} from './wasm-math-kernels.js';

/** Kernels rnnkit adds to the wasm backend: ones it lacks, and rnnkit's fused LSTM steps. @internal */
export const WASM_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSum, ...CELL_KERNELS];

/** Kernels rnnkit puts in place of the wasm backend's own. */
export const WASM_KERNEL_REPLACEMENTS: readonly tf.KernelConfig[] = [
  slice,
  unpack,
  splitV,
  batchMatMul,
  fusedMatMul,
  reverse,
  transpose,
  gatherV2,
  tile,
  sum,
  mean,
  identity,
  add,
  sub,
  multiply,
  realDiv,
  neg,
  abs,
  floor,
  ceil,
  relu,
  square,
  sqrt,
];

/**
 * Registers {@link WASM_KERNELS} the wasm backend does not have, and the
 * {@link WASM_KERNEL_REPLACEMENTS} in place of its own. Idempotent; a missing kernel tfjs
 * later ships itself is left alone.
 * @returns the names of the kernels registered by this call.
 */
export function registerWasmKernels(): string[] {
  const registered: string[] = [];
  for (const kernel of WASM_KERNELS) {
    if (tf.getKernel(kernel.kernelName, 'wasm')) continue;
    tf.registerKernel(kernel);
    registered.push(kernel.kernelName);
  }
  for (const kernel of WASM_KERNEL_REPLACEMENTS) {
    const current = tf.getKernel(kernel.kernelName, 'wasm');
    if (current?.kernelFunc === kernel.kernelFunc) continue;
    if (current) {
      keepOriginalKernel(kernel.kernelName, current.kernelFunc);
      tf.unregisterKernel(kernel.kernelName, 'wasm');
    }
    // The original's setupFunc binds its wasm function when the backend starts; keep it.
    tf.registerKernel(current?.setupFunc ? { ...kernel, setupFunc: current.setupFunc } : kernel);
    registered.push(kernel.kernelName);
  }
  return registered;
}
