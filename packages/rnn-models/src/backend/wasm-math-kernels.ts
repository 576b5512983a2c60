// Arithmetic kernels rnnkit adds to tfjs-backend-wasm 4.22 (UnsortedSegmentSum, which it lacks)
// or puts in place of its own (products with a transposed operand, matrix transposes, sums and
// means over leading axes), native where rnnkit's module runs (native/recurrent-cells.c).
import * as tf from '@tensorflow/tfjs-core';
import { nativeHelpers } from './wasm-cells.js';
import { originalKernel, type WasmBackendLike } from './wasm-kernel-support.js';

/**
 * `UnsortedSegmentSum` for the wasm backend, which lacks it — and Embedding training
 * needs it, as the gradient of `gather`. Same semantics as tfjs' cpu kernel: `segmentIds`
 * indexes the leading dimensions of `x`; ids outside `[0, numSegments)` are dropped.
 * float32 with int32 ids runs natively (native/recurrent-cells.c); other dtypes in JavaScript on the
 * wasm heap (reads and writes in place, no copies).
 */
export const unsortedSegmentSum: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as { numSegments: number };
    const wasm = backend as unknown as WasmBackendLike;
    const outerRank = segmentIds.shape.length;
    const out = wasm.makeOutput([numSegments, ...x.shape.slice(outerRank)], x.dtype);
    const native = x.dtype === 'float32' && segmentIds.dtype === 'int32' ? nativeHelpers(backend) : null;
    if (native !== null) {
      native.unsortedSegmentSum(x, segmentIds, out, numSegments);
      return out;
    }
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

/**
 * Matrix products with a transposed operand, without the slow path: tfjs-backend-wasm 4.22
 * hands XNNPACK a transposed operand it handles many times slower than a plain product, even
 * counting an explicit transpose first (figures in the README). Every Dense and recurrent weight gradient is such a product. This kernel
 * transposes explicitly (one cheap copy) and runs the plain product.
 */
export const batchMatMul: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const original = originalKernel(tf.BatchMatMul);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original(args);
    const transpose = tf.getKernel(tf.Transpose, 'wasm')!.kernelFunc;
    const backend = args.backend as unknown as { disposeData(dataId: tf.DataId): void };
    const swapLastTwo = (x: tf.TensorInfo) => {
      const perm = x.shape.map((_, axis) => axis);
      perm.splice(-2, 2, x.shape.length - 1, x.shape.length - 2);
      return transpose({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const left = transposeA ? swapLastTwo(a) : a;
    const right = transposeB ? swapLastTwo(b) : b;
    try {
      return original({
        ...args,
        inputs: { a: left, b: right },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      if (left !== a) backend.disposeData(left.dataId);
      if (right !== b) backend.disposeData(right.dataId);
    }
  },
};

/**
 * `transpose` of matrices on the wasm backend as native 4×4 SIMD block transposes. tfjs-backend-
 * wasm 4.22 writes the result element by element, column by column; when an output row is a
 * multiple of 1 KiB (rows divisible by 256) every write of a column lands in the same cache set
 * and the copy crawls (every weight gradient of a fused recurrent layer transposes its
 * `[batch·time, gates·units]` gradients, and batch·time is usually such a number). Transposes
 * that swap two axes of 32-bit data (size-1 axes aside) take this path; the rest keep tfjs'.
 */
export const transpose: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const original = originalKernel(tf.Transpose);
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const { perm } = args.attrs as unknown as { perm: number[] };
    // Size-1 axes do not move data: what matters is whether the rest is a matrix swap.
    const moved = perm.filter((axis) => x.shape[axis] !== 1);
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || moved.length !== 2 || moved[0]! < moved[1]!) {
      return original(args);
    }
    const native = nativeHelpers(args.backend);
    if (native === null) return original(args);
    const out = (args.backend as unknown as WasmBackendLike).makeOutput(
      perm.map((axis) => x.shape[axis]!),
      x.dtype,
    );
    native.transpose2d(x, out, x.shape[moved[1]!]!, x.shape[moved[0]!]!);
    return out;
  },
};

/**
 * `sum` and `mean` over leading axes on the wasm backend as native column sums. tfjs-backend-wasm
 * 4.22 transposes the reduced axes to the end and reduces scalar by scalar: the gradients of
 * BatchNormalization (tfjs-layers sums `[1024, 128]` over the batch four times per layer and
 * step) were slow. float32 reductions whose reduced axes all come before the
 * kept ones (size-1 axes aside) take this path; the rest keep tfjs' kernels.
 */
function leadingAxesReduction(kernelName: typeof tf.Sum | typeof tf.Mean): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const original = originalKernel(kernelName);
      const x = (args.inputs as { x: tf.TensorInfo }).x;
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
      if (x.dtype !== 'float32') return original(args);
      const reduced = new Set(tf.util.parseAxisParam(axis, x.shape));
      let rows = 1;
      let cols = 1;
      for (let d = 0; d < x.shape.length; d++) {
        const size = x.shape[d]!;
        if (size === 1) continue;
        if (!reduced.has(d)) cols *= size;
        else if (cols > 1)
          return original(args); // a reduced axis after a kept one
        else rows *= size;
      }
      // Whole-tensor and no-op reductions are contiguous: tfjs' kernel is fine.
      if (rows === 1 || cols === 1) return original(args);
      const outShape = keepDims
        ? x.shape.map((size, d) => (reduced.has(d) ? 1 : size))
        : x.shape.filter((_, d) => !reduced.has(d));
      const wasm = args.backend as unknown as WasmBackendLike;
      const native = nativeHelpers(args.backend);
      if (native === null) return original(args);
      const out = wasm.makeOutput(outShape, 'float32');
      native.columnSums(x, out, rows, cols);
      if (kernelName === tf.Mean) {
        const means = wasm.typedArrayFromHeap(out);
        for (let j = 0; j < cols; j++) means[j] = means[j]! / rows;
      }
      return out;
    },
  };
}

export const sum = leadingAxesReduction(tf.Sum);

export const mean = leadingAxesReduction(tf.Mean);

/** Whether `tf.sum` over leading axes runs as {@link leadingAxesReduction}'s native column sums now. @internal */
export function fastLeadingSumsActive(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(tf.Sum, 'wasm')?.kernelFunc === sum.kernelFunc;
}
