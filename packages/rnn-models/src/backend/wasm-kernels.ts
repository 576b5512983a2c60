import * as tf from '@tensorflow/tfjs-core';
import { LSTM_CELL_KERNELS, nativeHelpers } from './wasm-cells.js';

/** The part of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(tensor: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * `UnsortedSegmentSum` for the wasm backend, which lacks it — and Embedding training
 * needs it, as the gradient of `gather`. Same semantics as tfjs' cpu kernel: `segmentIds`
 * indexes the leading dimensions of `x`; ids outside `[0, numSegments)` are dropped.
 * float32 with int32 ids runs natively (native/lstm-cells.c); other dtypes in JavaScript on the
 * wasm heap (reads and writes in place, no copies).
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
 * Slicing on the wasm backend without its hidden cost: tfjs-backend-wasm 4.22's `Slice`
 * reads the *whole* input with `readSync` (a copy of the entire tensor) on every slice,
 * and `Unpack` (`unstack`) and `SplitV` (`split`) slice through it, so cutting one time
 * step out of a `[time, batch, features]` tensor costs a copy of all of it and unstacking
 * is quadratic — tfjs-layers' recurrent layers pay this on every step. These kernels read
 * the input in place on the wasm heap and copy only what is cut. Strings keep tfjs' kernels.
 */
function sliceOut(
  wasm: WasmBackendLike,
  x: tf.TensorInfo,
  start: number[],
  extent: number[],
  outShape: number[] = extent,
): tf.TensorInfo {
  // Allocate first: a growing heap would invalidate views taken before.
  const out = wasm.makeOutput(outShape, x.dtype);
  const source = wasm.typedArrayFromHeap(x);
  const target = wasm.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, start, extent)) {
    const offset = tf.slice_util.computeFlatOffset(start, strides);
    target.set(source.subarray(offset, offset + target.length));
  } else {
    copyStrided(source, target, start, extent, strides);
  }
  return out;
}

const originals = new Map<string, tf.KernelFunc>();

const slice: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originals.get(tf.Slice)!(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [
      number[],
      number[],
    ];
    return sliceOut(args.backend as unknown as WasmBackendLike, x, start, extent);
  },
};

const unpack: tf.KernelConfig = {
  kernelName: tf.Unpack,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { value: tf.TensorInfo }).value;
    if (x.dtype === 'string') return originals.get(tf.Unpack)!(args);
    const rank = x.shape.length;
    const axis = ((args.attrs as unknown as { axis: number }).axis + rank) % rank;
    const count = x.shape[axis]!;
    const outShape = x.shape.filter((_, d) => d !== axis);
    const extent = x.shape.map((dim, d) => (d === axis ? 1 : dim));
    const wasm = args.backend as unknown as WasmBackendLike;
    return Array.from({ length: count }, (_, k) =>
      sliceOut(
        wasm,
        x,
        x.shape.map((_, d) => (d === axis ? k : 0)),
        extent,
        outShape,
      ),
    );
  },
};

const splitV: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originals.get(tf.SplitV)!(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as {
      numOrSizeSplits: number | number[];
      axis: number;
    };
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
    const wasm = args.backend as unknown as WasmBackendLike;
    let offset = 0;
    return sizes.map((size) => {
      const start = x.shape.map((_, d) => (d === $axis ? offset : 0));
      const extent = x.shape.map((dim, d) => (d === $axis ? size : dim));
      offset += size;
      return sliceOut(wasm, x, start, extent);
    });
  },
};

/** Copies the box `start … start + extent` of a row-major array with `strides` into `target`, one innermost run at a time. */
function copyStrided(
  source: Float32Array | Int32Array | Uint8Array,
  target: Float32Array | Int32Array | Uint8Array,
  start: number[],
  extent: number[],
  strides: number[],
): void {
  const rank = extent.length;
  const run = extent[rank - 1]!;
  if (target.length === 0) return;
  const index = new Array<number>(rank - 1).fill(0);
  for (let written = 0; written < target.length; written += run) {
    let offset = start[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) offset += (start[d]! + index[d]!) * strides[d]!;
    target.set(source.subarray(offset, offset + run), written);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < extent[d]!) break;
      index[d] = 0;
    }
  }
}

/** Kernels rnnkit adds to the wasm backend: ones it lacks, and rnnkit's fused LSTM steps. */
export const WASM_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSum, ...LSTM_CELL_KERNELS];

/**
 * Matrix products with a transposed operand, without the slow path: tfjs-backend-wasm 4.22
 * hands XNNPACK a transposed operand it handles ~40× (A) / ~12× (B) slower than a plain
 * product — measured [1024, 256]ᵀ·[1024, 1024]: 867 ms against 20 ms with an explicit
 * transpose first. Every Dense and recurrent weight gradient is such a product. This kernel
 * transposes explicitly (one cheap copy) and runs the plain product.
 */
const batchMatMul: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const original = originals.get(tf.BatchMatMul)!;
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
 * `reverse` on the wasm backend as block copies on the heap. tfjs-backend-wasm 4.22's kernel
 * took ~10 ms to reverse the time axis of a [64, 64, 64] batch — every `goBackwards` layer
 * (the backward half of each `Bidirectional`) does that on its input and again in its gradient.
 */
const reverse: tf.KernelConfig = {
  kernelName: tf.Reverse,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originals.get(tf.Reverse)!(args);
    const { dims } = args.attrs as unknown as { dims: number | number[] };
    const axes = new Set(tf.util.parseAxisParam(dims, x.shape));
    const wasm = args.backend as unknown as WasmBackendLike & { disposeData(dataId: tf.DataId): void };
    const out = wasm.makeOutput([...x.shape], x.dtype);
    const rows = reversedRowOrder(x.shape, axes);
    const native = x.dtype !== 'bool' && rows.run >= 4 ? nativeHelpers(args.backend) : null;
    if (native === null) {
      copyRows(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(out), rows);
      return out;
    }
    // The source row of every output row, on the heap for the native copy.
    const ids = wasm.makeOutput([rows.sources.length], 'int32');
    wasm.typedArrayFromHeap(ids).set(rows.sources);
    native.gatherRows(x, ids, out, 1, rows.sources.length, rows.run);
    wasm.disposeData(ids.dataId);
    return out;
  },
};

/**
 * Reversing along `axes` as a reordering of contiguous rows: `run` elements per row (the
 * innermost axes that keep their order), and for every output row the row it comes from.
 */
function reversedRowOrder(shape: number[], axes: Set<number>): { run: number; sources: Int32Array } {
  let split = shape.length;
  while (split > 0 && !axes.has(split - 1)) split--;
  const run = shape.slice(split).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, split);
  const count = outer.reduce((a, b) => a * b, 1);
  const strides = tf.util.computeStrides(outer).concat(1);
  const sources = new Int32Array(count);
  const index = new Array<number>(outer.length).fill(0);
  for (let row = 0; row < count; row++) {
    let from = 0;
    for (let d = 0; d < outer.length; d++) {
      from += (axes.has(d) ? outer[d]! - 1 - index[d]! : index[d]!) * strides[d]!;
    }
    sources[row] = from;
    for (let d = outer.length - 1; d >= 0; d--) {
      if (++index[d]! < outer[d]!) break;
      index[d] = 0;
    }
  }
  return { run, sources };
}

/** Copies `source` into `target` row by row in the order {@link reversedRowOrder} gives. */
function copyRows(
  source: Float32Array | Int32Array | Uint8Array,
  target: Float32Array | Int32Array | Uint8Array,
  { run, sources }: { run: number; sources: Int32Array },
): void {
  for (let row = 0, written = 0; row < sources.length && run > 0; row++, written += run) {
    const from = sources[row]! * run;
    if (run >= 32) target.set(source.subarray(from, from + run), written);
    else for (let k = 0; k < run; k++) target[written + k] = source[from + k]!;
  }
}

/**
 * `transpose` of matrices on the wasm backend as native 4×4 SIMD block transposes. tfjs-backend-
 * wasm 4.22 writes the result element by element, column by column; when an output row is a
 * multiple of 1 KiB (rows divisible by 256) every write of a column lands in the same cache set
 * and the copy runs at ~7 ns per element (`[10240, 512]` 37 ms, `[4096, 256]` 7.3 ms — every
 * weight gradient of a fused recurrent layer transposes its `[batch·time, gates·units]`
 * gradients, and batch·time is usually such a number). Native: 3.4 ms and 0.5 ms. Transposes
 * that swap two axes of 32-bit data (size-1 axes aside) take this path; the rest keep tfjs'.
 */
const transpose: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const original = originals.get(tf.Transpose)!;
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
 * `tile` on the wasm backend as row copies. tfjs-backend-wasm 4.22 computes every output
 * element's source index separately: broadcasting BatchNormalization's `[128]` gradient to
 * `[1024, 128]` (tfjs-layers does it in every BatchNormalization backward pass) took ~10 ms.
 * This kernel copies each innermost row of the input into place, `reps[last]` times over.
 */
const tile: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originals.get(tf.Tile)!(args);
    const { reps } = args.attrs as unknown as { reps: number[] };
    const wasm = args.backend as unknown as WasmBackendLike;
    const outShape = x.shape.map((dim, d) => dim * reps[d]!);
    const out = wasm.makeOutput(outShape, x.dtype);
    const source = wasm.typedArrayFromHeap(x);
    const target = wasm.typedArrayFromHeap(out);
    if (target.length === 0) return out;
    const rank = x.shape.length;
    if (rank === 0) {
      target.set(source);
      return out;
    }
    const run = x.shape[rank - 1]!;
    const inStrides = tf.util.computeStrides(x.shape).concat(1);
    const outerShape = outShape.slice(0, rank - 1);
    const index = new Array<number>(rank - 1).fill(0);
    for (let written = 0; written < target.length; ) {
      let from = 0;
      for (let d = 0; d < rank - 1; d++) from += (index[d]! % x.shape[d]!) * inStrides[d]!;
      const row = source.subarray(from, from + run);
      for (let r = 0; r < reps[rank - 1]!; r++, written += run) {
        if (run >= 32) target.set(row, written);
        else for (let k = 0; k < run; k++) target[written + k] = row[k]!;
      }
      for (let d = rank - 2; d >= 0; d--) {
        if (++index[d]! < outerShape[d]!) break;
        index[d] = 0;
      }
    }
    return out;
  },
};

/**
 * `gather` on the wasm backend as row copies on the heap. tfjs-backend-wasm 4.22 copies element
 * by element: an Embedding lookup of 4,096 ids in a `[5272, 64]` table took ~10 ms. Same
 * semantics and error as tfjs' cpu kernel; `batchDims > 0` keeps tfjs' kernel.
 */
const gatherV2: tf.KernelConfig = {
  kernelName: tf.GatherV2,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    if (x.dtype === 'string' || batchDims !== 0) return originals.get(tf.GatherV2)!(args);
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const axisSize = x.shape[$axis]!;
    const wasm = args.backend as unknown as WasmBackendLike;
    const ids = wasm.typedArrayFromHeap(indices);
    for (const id of ids) {
      if (id < 0 || id >= axisSize) {
        throw new Error(`GatherV2: the index value ${id} is not in [0, ${axisSize - 1}]`);
      }
    }
    const outer = x.shape.slice(0, $axis).reduce((a, b) => a * b, 1);
    const inner = x.shape.slice($axis + 1).reduce((a, b) => a * b, 1);
    const out = wasm.makeOutput(
      [...x.shape.slice(0, $axis), ...indices.shape, ...x.shape.slice($axis + 1)],
      x.dtype,
    );
    const native = x.dtype !== 'bool' && indices.dtype === 'int32' ? nativeHelpers(args.backend) : null;
    if (native !== null) {
      native.gatherRows(x, indices, out, outer, axisSize, inner);
      return out;
    }
    // Views after the allocation: a growing heap invalidates earlier ones.
    const source = wasm.typedArrayFromHeap(x);
    const target = wasm.typedArrayFromHeap(out);
    const idView = wasm.typedArrayFromHeap(indices);
    let written = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * axisSize * inner;
      for (let k = 0; k < idView.length; k++, written += inner) {
        const from = base + idView[k]! * inner;
        if (inner >= 32) target.set(source.subarray(from, from + inner), written);
        else for (let j = 0; j < inner; j++) target[written + j] = source[from + j]!;
      }
    }
    return out;
  },
};

/**
 * `sum` and `mean` over leading axes on the wasm backend as native column sums. tfjs-backend-wasm
 * 4.22 transposes the reduced axes to the end and reduces scalar by scalar: the gradients of
 * BatchNormalization (tfjs-layers sums `[1024, 128]` over the batch four times per layer and
 * step) took ~1 ms each, ~0.05 ms now. float32 reductions whose reduced axes all come before the
 * kept ones (size-1 axes aside) take this path; the rest keep tfjs' kernels.
 */
function leadingAxesReduction(kernelName: typeof tf.Sum | typeof tf.Mean): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const original = originals.get(kernelName)!;
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

const sum = leadingAxesReduction(tf.Sum);

/**
 * `clone` on the wasm backend without a copy: the result shares the input's memory and counts
 * a reference, as tfjs' cpu and webgl backends do (tensors are immutable). tfjs-backend-wasm
 * 4.22 copied — and tfjs clones every tensor a gradient saves for the backward pass, so each
 * fused recurrent layer copied its saved activations every training step (poetry-char: ~4.6 ms
 * per step, 100 clones).
 */
const identity: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originals.get(tf.Identity)!(args);
    (args.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  },
};

/** Whether `tf.sum` over leading axes runs as {@link leadingAxesReduction}'s native column sums now. @internal */
export function fastLeadingSumsActive(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(tf.Sum, 'wasm')?.kernelFunc === sum.kernelFunc;
}

/** Kernels rnnkit puts in place of the wasm backend's own. */
export const WASM_KERNEL_REPLACEMENTS: readonly tf.KernelConfig[] = [
  slice,
  unpack,
  splitV,
  batchMatMul,
  reverse,
  transpose,
  gatherV2,
  tile,
  sum,
  leadingAxesReduction(tf.Mean),
  identity,
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
      originals.set(kernel.kernelName, current.kernelFunc);
      tf.unregisterKernel(kernel.kernelName, 'wasm');
    }
    // The original's setupFunc binds its wasm function when the backend starts; keep it.
    tf.registerKernel(current?.setupFunc ? { ...kernel, setupFunc: current.setupFunc } : kernel);
    registered.push(kernel.kernelName);
  }
  return registered;
}
