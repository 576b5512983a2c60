// Arithmetic kernels rnnkit adds to tfjs-backend-wasm 4.22 (UnsortedSegmentSum, which it lacks)
// or puts in place of its own (products with a transposed operand, matrix transposes, sums and
// means over leading axes), native where rnnkit's module runs (native/recurrent-cells.c).
import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';
import { type BinaryOp, heapAddress, nativeHelpers, type UnaryOp } from './wasm-cells.js';
import { nativeProduct } from './wasm-gemm.js';
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

/** When {@link batchMatMul} and {@link fusedMatMul} split a product into blocks. @internal */
export interface SplitLimits {
  /**
   * Above this many bytes of right operand (`[k, n]`), XNNPACK's GEMM streams the whole operand
   * through the cache again for every few rows of the left one and slows down markedly (figures:
   * the README's "Second pass"; seq2seq-gru's output layer, pos-bigru's recurrent-weight gradient).
   */
  readonly aboveBytes: number;
  /**
   * …and only with this many rows on the left: with fewer, the streaming costs little, while the
   * blocks' copies and XNNPACK's repacking of each block (it keeps a whole operand packed
   * between calls, as a recurrent kernel is across steps) cost more.
   */
  readonly minRows: number;
  /** Bytes of right operand per block. */
  readonly blockBytes: number;
}

const DEFAULT_SPLIT_LIMITS: SplitLimits = { aboveBytes: 8 << 20, minRows: 512, blockBytes: 2 << 20 };
let splitLimits: SplitLimits | null = DEFAULT_SPLIT_LIMITS;

/**
 * Turns the block split of large products off (or back on, with other limits), so tests and
 * benchmarks can compare. @internal
 */
export function setProductSplitting(on: boolean, limits: Partial<SplitLimits> = {}): void {
  splitLimits = on ? { ...DEFAULT_SPLIT_LIMITS, ...limits } : null;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * Matrix products on the wasm backend without tfjs-backend-wasm 4.22's two slow paths:
 * - a transposed operand, which it hands XNNPACK in a form many times slower than a plain
 *   product even counting an explicit transpose first (figures in the README) — every Dense
 *   and recurrent weight gradient is one: this kernel transposes explicitly (one cheap copy);
 * - a large right operand ({@link SplitLimits}; unbatched products only): split
 *   into blocks of output columns (concatenated; exact) or, when the inner dimension is the
 *   larger, of the inner dimension (the partial products summed; float32 rounding of a
 *   different summation order). Transposed operands are transposed block by block.
 */
export const batchMatMul: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: (args) => product(args, tf.BatchMatMul),
};

/**
 * `fusedMatMul` (Dense layers' forward product with bias and activation) with the same block
 * split for large right operands; everything else runs tfjs' own kernel.
 */
export const fusedMatMul: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'wasm',
  kernelFunc: (args) => product(args, tf._FusedMatMul),
};

function product(
  args: KernelArgs,
  kernelName: typeof tf.BatchMatMul | typeof tf._FusedMatMul,
): tf.TensorInfo {
  const original = originalKernel(kernelName);
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { transposeA, transposeB, activation } = args.attrs as unknown as {
    transposeA: boolean;
    transposeB: boolean;
    activation?: string;
  };
  const [m, k] = matrixShape(a!, transposeA);
  const n = matrixShape(b!, transposeB)[1];
  const native = nativeProductOf(args, m, k, n);
  if (native !== null) return native;
  const ops = new BlockOps(args.backend);
  const elements = (x: tf.TensorInfo) => tf.util.sizeFromShape(x.shape);
  const unbatched = elements(a!) === m * k && elements(b!) === k * n;
  const limits = splitLimits;
  const large =
    limits !== null &&
    unbatched &&
    a!.dtype === 'float32' &&
    m >= limits.minRows &&
    k * n * 4 > limits.aboveBytes &&
    !preluActivationWeights;
  const plainBias = bias === undefined || (bias.shape.length === 1 && bias.shape[0] === n);
  const run = (left: tf.TensorInfo, right: tf.TensorInfo, blockBias = bias) =>
    original({
      ...args,
      inputs: { ...args.inputs, a: left, b: right, ...(blockBias === undefined ? {} : { bias: blockBias }) },
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
  try {
    if (large && n > k && plainBias) {
      // Blocks of output columns: each needs all of the left operand, once.
      const left = ops.whole(a!, transposeA);
      const width = blockLength(k, n, limits.blockBytes);
      const parts: tf.TensorInfo[] = [];
      for (let start = 0; start < n; start += width) {
        const length = Math.min(width, n - start);
        const right = ops.block(b!, transposeB, 'columns', start, length);
        parts.push(ops.keep(run(left, right, bias && ops.slice(bias, [start], [length]))));
      }
      return ops.concat(parts);
    }
    // Bias and activation apply to the sum: only products without them split this way.
    if (large && k >= n && bias === undefined && (activation === undefined || activation === 'linear')) {
      // Blocks of the inner dimension: partial products of the whole output, summed.
      const depth = blockLength(n, k, limits.blockBytes);
      let sum: tf.TensorInfo | null = null;
      for (let start = 0; start < k; start += depth) {
        const length = Math.min(depth, k - start);
        const left = ops.block(a!, transposeA, 'columns', start, length);
        const right = ops.block(b!, transposeB, 'rows', start, length);
        const part = ops.keep(run(left, right));
        sum = sum === null ? part : ops.keep(ops.add(sum, part));
      }
      return ops.release(sum!);
    }
    if (!transposeA && !transposeB) return original(args) as tf.TensorInfo;
    return run(ops.whole(a!, transposeA), ops.whole(b!, transposeB));
  } finally {
    ops.disposeAll();
  }
}

/**
 * The product by rnnkit's own kernel (wasm-gemm.ts), or `null` where it does not apply: float32
 * operands with equal batch shapes or one unbatched, a bias of `[n]` values, no activation or
 * relu.
 */
function nativeProductOf(args: KernelArgs, m: number, k: number, n: number): tf.TensorInfo | null {
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { transposeA, transposeB, activation } = args.attrs as unknown as {
    transposeA: boolean;
    transposeB: boolean;
    activation?: string;
  };
  if (a!.dtype !== 'float32' || b!.dtype !== 'float32' || preluActivationWeights !== undefined) return null;
  if (activation !== undefined && activation !== 'linear' && activation !== 'relu') return null;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n))
    return null;
  const batchShapeA = a!.shape.slice(0, -2);
  const batchShapeB = b!.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(batchShapeA);
  const batchB = tf.util.sizeFromShape(batchShapeB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const batchShape = tf.backend_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
  if (tf.util.sizeFromShape(batchShape) !== Math.max(batchA, batchB)) return null;
  const wasm = args.backend as unknown as WasmBackendLike;
  if (k === 0) {
    // An empty sum: the bias (after the activation) or zeros — tfjs 4.22's own kernel leaves the output unwritten.
    const out = wasm.makeOutput([...batchShape, m, n], 'float32');
    const values = wasm.typedArrayFromHeap(out);
    const row = bias === undefined ? new Float32Array(n) : wasm.typedArrayFromHeap(bias);
    for (let offset = 0; offset < values.length; offset += n) {
      for (let j = 0; j < n; j++) values[offset + j] = activation === 'relu' ? Math.max(0, row[j]!) : row[j]!;
    }
    return out;
  }
  const runner = nativeProduct(args.backend);
  if (runner === null) return null;
  const out = wasm.makeOutput([...batchShape, m, n], 'float32');
  const at = (x: tf.TensorInfo) => heapAddress(args.backend, x);
  // A transposed right operand would be read one column at a time while packing, for every block
  // of rows: one explicit transpose first is cheaper.
  const copier =
    (transposeB && batchB === 1) || (transposeA && batchA === 1) ? nativeHelpers(args.backend) : null;
  const copyB = transposeB && batchB === 1 && copier !== null;
  // Read in place, a transposed left operand costs little unless many panels reread it (measured
  // in the README's "Third pass"): copy it transposed first for wide products.
  const copyA = transposeA && batchA === 1 && copier !== null && n >= 256;
  const made: tf.TensorInfo[] = [];
  const temporary = (shape: number[]) => {
    const info = wasm.makeOutput(shape, 'float32');
    made.push(info);
    return info;
  };
  try {
    const right = copyB ? temporary([k, n]) : b!;
    if (copyB) copier.transpose2d(b!, right, n, k);
    const left = copyA ? temporary([m, k]) : a!;
    if (copyA) copier.transpose2d(a!, left, k, m);
    const [aRow, aInner] = transposeA && !copyA ? [1, m] : [k, 1];
    const [bInner, bCol] = transposeB && !copyB ? [1, k] : [n, 1];
    for (let index = 0; index < Math.max(batchA, batchB); index++) {
      runner.run({
        a: at(left) + 4 * (batchA === 1 ? 0 : index) * m * k,
        aRow,
        aInner,
        b: at(right) + 4 * (batchB === 1 ? 0 : index) * k * n,
        bInner,
        bCol,
        c: at(out) + 4 * index * m * n,
        m,
        k,
        n,
        bias: bias === undefined ? 0 : at(bias),
        relu: activation === 'relu',
      });
    }
  } catch (error) {
    wasm.disposeData(out.dataId);
    throw error;
  } finally {
    for (const info of made) wasm.disposeData(info.dataId);
  }
  return out;
}

/** `[rows, cols]` of the matrix an operand stands for (its last two axes, swapped if transposed). */
function matrixShape(x: tf.TensorInfo, transposed: boolean): [number, number] {
  const rows = x.shape[x.shape.length - 2]!;
  const cols = x.shape[x.shape.length - 1]!;
  return transposed ? [cols, rows] : [rows, cols];
}

/**
 * Block length along an axis of `length` so that a block times `other` floats is about `bytes`:
 * at least 2 blocks, a multiple of 8 (XNNPACK's column tile) on long axes.
 */
function blockLength(other: number, length: number, bytes: number): number {
  const blocks = Math.max(2, Math.round((other * length * 4) / bytes));
  const align = length >= 64 ? 8 : 1;
  return Math.min(length, Math.ceil(length / blocks / align) * align);
}

/** Slices, transposes, concatenations and sums of kernel-level tensors, disposing every intermediate at the end. */
class BlockOps {
  private readonly made: tf.TensorInfo[] = [];
  constructor(private readonly backend: KernelArgs['backend']) {}

  /** The operand as a plain matrix (a transposed copy when `transposed`, else itself). */
  whole(x: tf.TensorInfo, transposed: boolean): tf.TensorInfo {
    return transposed ? this.keep(this.swapLastTwo(x)) : x;
  }

  /** Rows or columns `[start, start + length)` of the matrix the operand stands for, as a plain matrix. */
  block(
    x: tf.TensorInfo,
    transposed: boolean,
    along: 'rows' | 'columns',
    start: number,
    length: number,
  ): tf.TensorInfo {
    const rank = x.shape.length;
    const begin = x.shape.map(() => 0);
    const size = [...x.shape];
    // Rows of a transposed operand are columns of the stored one, and the other way round.
    const storedAxis = (along === 'rows') !== transposed ? rank - 2 : rank - 1;
    begin[storedAxis] = start;
    size[storedAxis] = length;
    const sliced = this.slice(x, begin, size);
    return transposed ? this.keep(this.swapLastTwo(sliced)) : sliced;
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.keep(this.kernel(tf.Slice)({ inputs: { x }, backend: this.backend, attrs: { begin, size } }));
  }

  concat(parts: tf.TensorInfo[]): tf.TensorInfo {
    const axis = parts[0]!.shape.length - 1;
    // Concat takes its inputs as a list.
    return this.kernel(tf.Concat)({
      inputs: parts as unknown as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs: { axis },
    }) as tf.TensorInfo;
  }

  add(a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
    return this.kernel(tf.Add)({ inputs: { a, b }, backend: this.backend, attrs: {} }) as tf.TensorInfo;
  }

  keep(x: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
    const info = x as tf.TensorInfo;
    this.made.push(info);
    return info;
  }

  /** Takes `x` out of what {@link disposeAll} frees: the kernel's result. */
  release(x: tf.TensorInfo): tf.TensorInfo {
    this.made.splice(this.made.indexOf(x), 1);
    return x;
  }

  disposeAll(): void {
    const backend = this.backend as unknown as WasmBackendLike;
    for (const x of this.made) backend.disposeData(x.dataId);
    this.made.length = 0;
  }

  private swapLastTwo(x: tf.TensorInfo): tf.TensorInfo {
    const perm = x.shape.map((_, axis) => axis);
    perm.splice(-2, 2, x.shape.length - 1, x.shape.length - 2);
    return this.kernel(tf.Transpose)({
      inputs: { x },
      backend: this.backend,
      attrs: { perm },
    }) as tf.TensorInfo;
  }

  private kernel(name: string): tf.KernelFunc {
    return tf.getKernel(name, 'wasm')!.kernelFunc;
  }
}

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

/**
 * Below this many output values, the element-wise kernels below run on the calling thread
 * (native `binary_op`, `unary_op`); above, tfjs' own XNNPACK kernels share the work with its
 * thread pool.
 */
const MAX_SINGLE_THREAD_VALUES = 1 << 18;

/** How an operand is read in a {@link BinaryPlan}: a whole `[outer, inner]`, a row, a column or one value. */
interface OperandLayout {
  readonly dependsOnOuter: boolean;
  readonly dependsOnInner: boolean;
}

/** A broadcast of two operands as one `[outer, inner]` loop. @internal */
export interface BinaryPlan {
  readonly outer: number;
  readonly inner: number;
  readonly a: OperandLayout;
  readonly b: OperandLayout;
}

/**
 * Lays out the broadcast of shapes `a` and `b` as `[outer, inner]`: the output's dimensions split
 * at one point, each operand either varying with or constant along all of the (non-unit)
 * dimensions on each side — a whole tensor, a row repeated, a column repeated or one value.
 * `null` for other broadcasts (say `[4, 1, 3]` with `[1, 5, 1]`). The split leaves `inner` as
 * long as possible. @internal
 */
export function binaryPlan(a: readonly number[], b: readonly number[]): BinaryPlan | null {
  const out = tf.backend_util.assertAndGetBroadcastShape(a as number[], b as number[]);
  const rank = out.length;
  const padded = (shape: readonly number[]) => [...new Array<number>(rank - shape.length).fill(1), ...shape];
  // Per output dimension of size > 1: whether the operand varies along it.
  const dims = out.flatMap((size, d) => (size > 1 ? [d] : []));
  const varies = (shape: number[]) => dims.map((d) => shape[d] === out[d]);
  const va = varies(padded(a));
  const vb = varies(padded(b));
  const uniform = (flags: boolean[]) => flags.every((f) => f === flags[0]);
  for (let split = 0; split <= dims.length; split++) {
    const sides = [va, vb].map((flags) => [flags.slice(0, split), flags.slice(split)]);
    if (!sides.every(([before, after]) => uniform(before!) && uniform(after!))) continue;
    const layout = ([before, after]: boolean[][]): OperandLayout => ({
      dependsOnOuter: before![0] ?? false,
      dependsOnInner: after![0] ?? false,
    });
    const sizeOf = (ds: number[]) => ds.reduce((product, d) => product * out[d]!, 1);
    return {
      outer: sizeOf(dims.slice(0, split)),
      inner: sizeOf(dims.slice(split)),
      a: layout(sides[0]!),
      b: layout(sides[1]!),
    };
  }
  return null;
}

/**
 * A new float32 output of `shape` that `fill` writes natively; freed again if `fill` throws (a
 * wasm trap becomes an `RnnModelsError`, as in rnnkit's product).
 */
function intoNewOutput(backend: unknown, shape: number[], fill: (out: tf.TensorInfo) => void): tf.TensorInfo {
  const wasm = backend as WasmBackendLike;
  const out = wasm.makeOutput(shape, 'float32');
  try {
    fill(out);
  } catch (error) {
    wasm.disposeData(out.dataId);
    if (error instanceof RnnModelsError) throw error;
    throw new RnnModelsError(
      'RNN_MODELS_BACKEND_UNAVAILABLE',
      'native kernel: it failed on the calling thread.',
      {
        cause: error,
      },
    );
  }
  return out;
}

/**
 * Add, Sub, Multiply and RealDiv of float32 tensors below {@link MAX_SINGLE_THREAD_VALUES} on the
 * calling thread (see native `binary_op` for why); the same IEEE operations as tfjs' kernel, so the
 * same bits. Other dtypes, larger outputs and broadcasts {@link binaryPlan} cannot lay out run
 * tfjs' own kernel.
 */
function binaryKernel(kernelName: string, op: BinaryOp): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const native = nativeHelpers(args.backend);
      if (a.dtype === 'float32' && b.dtype === 'float32' && native !== null) {
        const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
        const size = tf.util.sizeFromShape(shape);
        const plan = size > 0 && size <= MAX_SINGLE_THREAD_VALUES ? binaryPlan(a.shape, b.shape) : null;
        if (plan !== null) {
          const operand = (tensor: tf.TensorInfo, layout: OperandLayout) => ({
            tensor,
            outer: layout.dependsOnOuter ? (layout.dependsOnInner ? plan.inner : 1) : 0,
            vector: layout.dependsOnInner,
          });
          return intoNewOutput(args.backend, shape, (out) =>
            native.binary(op, operand(a, plan.a), operand(b, plan.b), out, plan.outer, plan.inner),
          );
        }
      }
      return originalKernel(kernelName)(args) as tf.TensorInfo;
    },
  };
}

export const add = binaryKernel(tf.Add, 'add');
export const sub = binaryKernel(tf.Sub, 'sub');
export const multiply = binaryKernel(tf.Multiply, 'mul');
export const realDiv = binaryKernel(tf.RealDiv, 'div');

/**
 * Neg, Abs, Floor, Ceil, Relu, Square and Sqrt of float32 tensors below
 * {@link MAX_SINGLE_THREAD_VALUES} on the calling thread, as {@link binaryKernel} does: exact IEEE
 * operations, so the same bits as tfjs' kernels (Relu as the cpu kernel's max(0, x): NaN stays NaN).
 */
function unaryKernel(kernelName: string, op: UnaryOp): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const native = nativeHelpers(args.backend);
      const size = tf.util.sizeFromShape(x.shape);
      if (x.dtype === 'float32' && native !== null && size > 0 && size <= MAX_SINGLE_THREAD_VALUES) {
        return intoNewOutput(args.backend, x.shape, (out) => native.unary(op, x, out));
      }
      return originalKernel(kernelName)(args) as tf.TensorInfo;
    },
  };
}

export const neg = unaryKernel(tf.Neg, 'neg');
export const abs = unaryKernel(tf.Abs, 'abs');
export const floor = unaryKernel(tf.Floor, 'floor');
export const ceil = unaryKernel(tf.Ceil, 'ceil');
export const relu = unaryKernel(tf.Relu, 'relu');
export const square = unaryKernel(tf.Square, 'square');
export const sqrt = unaryKernel(tf.Sqrt, 'sqrt');
