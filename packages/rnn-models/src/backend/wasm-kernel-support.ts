import type * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-wasm's `BackendWasm` rnnkit's kernels use. @internal */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(tensor: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId): void;
}

/** tfjs' own wasm kernels that rnnkit's replacements fall back to, by kernel name (set by `registerWasmKernels`). */
const originals = new Map<string, tf.KernelFunc>();

/** Remembers tfjs' kernel `name` before a replacement takes its place. @internal */
export function keepOriginalKernel(name: string, kernel: tf.KernelFunc): void {
  originals.set(name, kernel);
}

/** tfjs' own kernel `name`, which a replacement calls where it does not apply (strings, other dtypes). @internal */
export function originalKernel(name: string): tf.KernelFunc {
  return originals.get(name)!;
}
