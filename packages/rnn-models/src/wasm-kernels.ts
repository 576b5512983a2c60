import * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(tensor: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * `UnsortedSegmentSum` for the wasm backend, which lacks it — and Embedding training
 * needs it, as the gradient of `gather`. Same semantics as tfjs' cpu kernel: `segmentIds`
 * indexes the leading dimensions of `x`; ids outside `[0, numSegments)` are dropped.
 * Runs in JavaScript on the wasm heap (reads and writes in place, no copies).
 */
const unsortedSegmentSum: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as { numSegments: number };
    const wasm = backend as unknown as WasmBackendLike;
    const outerRank = segmentIds.shape.length;
    const out = wasm.makeOutput([numSegments, ...x.shape.slice(outerRank)], x.dtype);
    const values = wasm.typedArrayFromHeap(x);
    const ids = wasm.typedArrayFromHeap(segmentIds);
    const sums = wasm.typedArrayFromHeap(out);
    sums.fill(0);
    const inner = ids.length === 0 ? 0 : values.length / ids.length;
    for (let row = 0; row < ids.length; row++) {
      const segment = ids[row]!;
      if (segment < 0 || segment >= numSegments) continue;
      const from = row * inner;
      const to = segment * inner;
      for (let k = 0; k < inner; k++) sums[to + k]! += values[from + k]!;
    }
    return out;
  },
};

/** Kernels rnnkit adds to the wasm backend. */
export const WASM_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSum];

/**
 * Registers {@link WASM_KERNELS} for any of them the wasm backend does not have.
 * Idempotent; a kernel tfjs later ships itself is left alone.
 * @returns the names of the kernels registered by this call.
 */
export function registerWasmKernels(): string[] {
  const registered: string[] = [];
  for (const kernel of WASM_KERNELS) {
    if (tf.getKernel(kernel.kernelName, 'wasm')) continue;
    tf.registerKernel(kernel);
    registered.push(kernel.kernelName);
  }
  return registered;
}
