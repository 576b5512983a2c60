// Data-movement kernels rnnkit puts in place of tfjs-backend-wasm 4.22's own: slices, reverse,
// tile, gather and clone as block copies on the wasm heap (measurements: see the README).
import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';
import { nativeHelpers } from './wasm-cells.js';
import { originalKernel, type WasmBackendLike } from './wasm-kernel-support.js';

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

export const slice: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originalKernel(tf.Slice)(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [
      number[],
      number[],
    ];
    return sliceOut(args.backend as unknown as WasmBackendLike, x, start, extent);
  },
};

export const unpack: tf.KernelConfig = {
  kernelName: tf.Unpack,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { value: tf.TensorInfo }).value;
    if (x.dtype === 'string') return originalKernel(tf.Unpack)(args);
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

export const splitV: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originalKernel(tf.SplitV)(args);
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

/**
 * `reverse` on the wasm backend as block copies on the heap. tfjs-backend-wasm 4.22's kernel
 * is slow at reversing the time axis of a batch — every `goBackwards` layer
 * (the backward half of each `Bidirectional`) does that on its input and again in its gradient.
 */
export const reverse: tf.KernelConfig = {
  kernelName: tf.Reverse,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originalKernel(tf.Reverse)(args);
    const { dims } = args.attrs as unknown as { dims: number | number[] };
    const axes = new Set(tf.util.parseAxisParam(dims, x.shape));
    const wasm = args.backend as unknown as WasmBackendLike;
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
 * `tile` on the wasm backend as row copies. tfjs-backend-wasm 4.22 computes every output
 * element's source index separately: broadcasting BatchNormalization's `[128]` gradient to
 * `[1024, 128]` (tfjs-layers does it in every BatchNormalization backward pass) is slow.
 * This kernel copies each innermost row of the input into place, `reps[last]` times over.
 */
export const tile: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originalKernel(tf.Tile)(args);
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
 * by element, which makes Embedding lookups slow. Same
 * semantics as tfjs' cpu kernel (an index out of range fails, here with `RNN_MODELS_INVALID_OPTION`); `batchDims > 0` keeps tfjs' kernel.
 */
export const gatherV2: tf.KernelConfig = {
  kernelName: tf.GatherV2,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    if (x.dtype === 'string' || batchDims !== 0) return originalKernel(tf.GatherV2)(args);
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const axisSize = x.shape[$axis]!;
    const wasm = args.backend as unknown as WasmBackendLike;
    const ids = wasm.typedArrayFromHeap(indices);
    for (const id of ids) {
      if (id < 0 || id >= axisSize) {
        throw new RnnModelsError(
          'RNN_MODELS_INVALID_OPTION',
          `GatherV2: the index value ${id} is not in [0, ${axisSize - 1}]. An Embedding's ids must be below its inputDim.`,
        );
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
 * `clone` on the wasm backend without a copy: the result shares the input's memory and counts
 * a reference, as tfjs' cpu and webgl backends do (tensors are immutable). tfjs-backend-wasm
 * 4.22 copied — and tfjs clones every tensor a gradient saves for the backward pass, so each
 * fused recurrent layer copied its saved activations every training step.
 */
export const identity: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return originalKernel(tf.Identity)(args);
    (args.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  },
};
