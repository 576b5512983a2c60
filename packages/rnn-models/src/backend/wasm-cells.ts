import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';
import { CELLS_WASM_PLAIN, CELLS_WASM_SHARED } from './wasm-cells.generated.js';
// Used at call time only: wasm-gemm.ts imports this module too.
import { type ROW_KERNELS, rowJobs } from './wasm-gemm.js';

/**
 * Fused LSTM and GRU step kernels for the wasm backend (native/recurrent-cells.c): the
 * element-wise work of one forward or backward step — gate activations, states, masking, and the
 * gradients of all of it — in one single-threaded SIMD pass over the backend's own heap, instead
 * of ~10–14 (forward) and ~6–10 (backward) tfjs ops of a few µs each plus XNNPACK thread
 * wake-ups. Used by the fused LSTM and the reset-after GRU for sigmoid gates with a tanh
 * activation and `units` divisible by 4; everything else keeps the composed ops.
 */

/** Kernel name of one fused forward step (wasm only). @internal */
export const LSTM_FORWARD_STEP = 'RnnkitLstmForwardStep';
/** Kernel name of one fused backward step (wasm only). @internal */
export const LSTM_BACKWARD_STEP = 'RnnkitLstmBackwardStep';
/** Kernel name of one fused GRU forward step (wasm only). @internal */
export const GRU_FORWARD_STEP = 'RnnkitGruForwardStep';
/** Kernel name of one fused GRU backward step (wasm only). @internal */
export const GRU_BACKWARD_STEP = 'RnnkitGruBackwardStep';
/** Kernel name of the sparse cross-entropy's forward pass (wasm only). @internal */
export const SPARSE_CE_FORWARD = 'RnnkitSparseCrossentropyForward';
/** Kernel name of the sparse cross-entropy's backward pass (wasm only). @internal */
export const SPARSE_CE_BACKWARD = 'RnnkitSparseCrossentropyBackward';
/** Kernel name of one fused Adam update of a variable (wasm only). @internal */
export const ADAM_UPDATE = 'RnnkitAdamUpdate';
/** Kernel name of the uninitialised allocation behind {@link emptyStack} (wasm only). @internal */
export const EMPTY_STACK = 'RnnkitEmptyStack';

interface CellExports {
  lstm_forward(...args: number[]): void;
  lstm_backward(...args: number[]): void;
  gru_forward(...args: number[]): void;
  gru_backward(...args: number[]): void;
  column_sums(x: number, out: number, rows: number, cols: number): void;
  binary_op(
    op: number,
    a: number,
    aOuter: number,
    aVec: number,
    b: number,
    bOuter: number,
    bVec: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  unary_op(op: number, x: number, out: number, n: number): void;
  sparse_ce_forward(
    p: number,
    ids: number,
    sums: number,
    picked: number,
    rows: number,
    classes: number,
    eps: number,
  ): void;
  sparse_ce_backward(
    p: number,
    ids: number,
    a: number,
    b: number,
    out: number,
    rows: number,
    classes: number,
    eps: number,
  ): void;
  transpose_2d(x: number, out: number, rows: number, cols: number): void;
  adam_update(
    w: number,
    m: number,
    v: number,
    g: number,
    wOut: number,
    mOut: number,
    vOut: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    c1: number,
    c2: number,
    epsilon: number,
    negativeRate: number,
  ): void;
  gemm_run(job: number, thread: number): void;
  gather_rows(
    x: number,
    ids: number,
    out: number,
    outer: number,
    axisSize: number,
    count: number,
    inner: number,
  ): void;
  unsorted_segment_sum(
    x: number,
    ids: number,
    out: number,
    rows: number,
    inner: number,
    segments: number,
  ): void;
}

/** The parts of tfjs-backend-wasm's `BackendWasm` the kernels use. */
interface WasmBackendInternals {
  readonly wasm?: {
    readonly wasmMemory?: unknown;
    readonly asm?: { readonly memory?: unknown };
    _malloc?(bytes: number): number;
    _free?(address: number): void;
  };
  readonly dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The WebAssembly API, typed here because the package compiles without the DOM library. */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: abstract new (...args: never[]) => WasmMemory;
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { readonly exports: unknown };
      validate(bytes: Uint8Array): boolean;
    };
  }
).WebAssembly;

const instances = new WeakMap<WasmMemory, CellExports | null>();
const modules = new WeakMap<CellExports, object>();
let enabled = true;

/** The kernels' module instantiated on `backend`'s memory, or `null` where that cannot be done (no SIMD, no access to the memory). */
function cellsFor(backend: WasmBackendInternals): CellExports | null {
  // tfjs' threaded build keeps the (shared) memory on the module; the plain one exports it.
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) return null;
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  let cells: CellExports | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Uint8Array.from(atob(shared ? CELLS_WASM_SHARED : CELLS_WASM_PLAIN), (ch) =>
      ch.charCodeAt(0),
    );
    // 26 kB: small enough to compile synchronously, also on a browser's main thread.
    if (wasmApi.validate(bytes)) {
      const module = new wasmApi.Module(bytes);
      const instance = new wasmApi.Instance(module, { env: { memory } });
      cells = instance.exports as unknown as CellExports;
      modules.set(cells, module);
    }
  } catch {
    cells = null; // no SIMD or a memory the module cannot import: the composed ops run instead
  }
  instances.set(memory, cells);
  return cells;
}

/**
 * Whether the fused LSTM step kernels can run now: the wasm backend is active, they are
 * registered (`registerWasmKernels`), and their module instantiates on its memory. @internal
 */
export function cellKernelsAvailable(): boolean {
  if (!enabled || tf.getBackend() !== 'wasm' || !tf.getKernel(LSTM_FORWARD_STEP, 'wasm')) return false;
  return cellsFor(tf.backend() as unknown as WasmBackendInternals) !== null;
}

/**
 * The native module's helpers for rnnkit's wasm kernel replacements, on the wasm backend's heap
 * (every tensor on that backend; 32-bit elements). @internal
 */
export interface NativeHelpers {
  /** Column sums of float32 `x`, read as `[rows, cols]`, into `out` `[cols]`. */
  columnSums(x: tf.TensorInfo, out: tf.TensorInfo, rows: number, cols: number): void;
  /**
   * `out` `[outer, inner]` = `a` op `b` for float32 operands read as {@link BinaryLayout} says
   * (native `binary_op`).
   */
  binary(
    op: BinaryOp,
    a: BinaryOperand,
    b: BinaryOperand,
    out: tf.TensorInfo,
    outer: number,
    inner: number,
  ): void;
  /** `out` = op(`x`) element by element, float32 (native `unary_op`). */
  unary(op: UnaryOp, x: tf.TensorInfo, out: tf.TensorInfo): void;
  /** `x`, read as `[rows, cols]`, transposed into `out` `[cols, rows]`. */
  transpose2d(x: tf.TensorInfo, out: tf.TensorInfo, rows: number, cols: number): void;
  /**
   * The rows of float32 `x` summed by the int32 segment `ids` (one per row; ids outside
   * `[0, segments)` dropped) into `out` `[segments, …]`.
   */
  unsortedSegmentSum(x: tf.TensorInfo, ids: tf.TensorInfo, out: tf.TensorInfo, segments: number): void;
  /**
   * `out[o, k, :] = x[o, ids[k], :]` for 32-bit `x` read as `[outer, axisSize, inner]` and int32
   * `ids` (`count` of them, each in `[0, axisSize)` — not checked here).
   */
  gatherRows(
    x: tf.TensorInfo,
    ids: tf.TensorInfo,
    out: tf.TensorInfo,
    outer: number,
    axisSize: number,
    inner: number,
  ): void;
}

/** The element-wise operations of native `binary_op`, by its op codes. @internal */
export const BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3 } as const;
/** @internal */
export type BinaryOp = keyof typeof BINARY_OPS;

/** The element-wise functions of native `unary_op`, by its op codes. @internal */
export const UNARY_OPS = { neg: 0, abs: 1, floor: 2, ceil: 3, relu: 4, square: 5, sqrt: 6 } as const;
/** @internal */
export type UnaryOp = keyof typeof UNARY_OPS;

/**
 * How an operand of {@link NativeHelpers.binary} is read against the `[outer, inner]` output:
 * `outer` floats from one output row's values to the next (0: the same for every row), and
 * whether they run along the row (`vector`) or are one value per row. @internal
 */
export interface BinaryOperand {
  readonly tensor: tf.TensorInfo;
  readonly outer: number;
  readonly vector: boolean;
}

/** {@link NativeHelpers} for `backend`, or `null` where the module cannot run there. @internal */
export function nativeHelpers(backend: unknown): NativeHelpers | null {
  const wasm = backend as WasmBackendInternals;
  const cells = cellsFor(wasm);
  if (cells === null) return null;
  const at = (tensor: tf.TensorInfo) => pointer(wasm, tensor);
  return {
    columnSums: (x, out, rows, cols) => cells.column_sums(at(x), at(out), rows, cols),
    unary: (op, x, out) => cells.unary_op(UNARY_OPS[op], at(x), at(out), tf.util.sizeFromShape(x.shape)),
    binary: (op, a, b, out, outer, inner) =>
      cells.binary_op(
        BINARY_OPS[op],
        at(a.tensor),
        a.outer,
        a.vector ? 1 : 0,
        at(b.tensor),
        b.outer,
        b.vector ? 1 : 0,
        at(out),
        outer,
        inner,
      ),
    transpose2d: (x, out, rows, cols) => cells.transpose_2d(at(x), at(out), rows, cols),
    unsortedSegmentSum: (x, ids, out, segments) => {
      const rows = ids.shape.reduce((a, b) => a * b, 1);
      const inner = out.shape.slice(1).reduce((a, b) => a * b, 1);
      cells.unsorted_segment_sum(at(x), at(ids), at(out), rows, inner, segments);
    },
    gatherRows: (x, ids, out, outer, axisSize, inner) => {
      const count = ids.shape.reduce((a, b) => a * b, 1);
      cells.gather_rows(at(x), at(ids), at(out), outer, axisSize, count, inner);
    },
  };
}

/**
 * What rnnkit's matrix product (wasm-gemm.ts) needs of the module: its exports, the compiled
 * module and memory (for helper threads to instantiate it on the same heap), and the backend's
 * allocator. `null` where the module cannot run. @internal
 */
export interface NativeRuntime {
  readonly cells: Pick<CellExports, 'gemm_run'>;
  readonly module: object;
  readonly memory: WasmMemory;
  malloc(bytes: number): number;
  free(address: number): void;
}

/** {@link NativeRuntime} for `backend`. @internal */
export function nativeRuntime(backend: unknown): NativeRuntime | null {
  const wasm = backend as WasmBackendInternals;
  const cells = cellsFor(wasm);
  const memory = wasm.wasm?.wasmMemory ?? wasm.wasm?.asm?.memory;
  const module = cells === null ? undefined : modules.get(cells);
  const { _malloc: malloc, _free: free } = wasm.wasm ?? {};
  if (cells === null || module === undefined || malloc === undefined || free === undefined) return null;
  return {
    cells,
    module,
    memory: memory as WasmMemory,
    malloc: (bytes) => malloc(bytes) >>> 0,
    free: (address) => free(address),
  };
}

/** Turns the fused step kernels off (or back on), so tests can compare both paths. @internal */
export function setCellKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** Heap address of a tensor on the wasm backend (0 when absent). @internal */
export function heapAddress(backend: unknown, tensor: tf.TensorInfo | undefined): number {
  return pointer(backend as WasmBackendInternals, tensor);
}

function pointer(backend: WasmBackendInternals, tensor: tf.TensorInfo | undefined): number {
  if (tensor === undefined) return 0;
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_BACKEND_UNAVAILABLE',
      `fused recurrent step kernel: a tensor is not on the wasm backend; create the inputs after initBackend().`,
    );
  }
  return data.memoryOffset;
}

/**
 * Runs step kernel `name` on `args` (its pointer arguments; `strides`: floats per batch row of
 * each) for `batch` rows: split between the calling thread and the product's helper threads where
 * there are any, else here alone.
 */
function runStep(
  backend: WasmBackendInternals,
  name: keyof typeof ROW_KERNELS,
  strides: readonly number[],
  batch: number,
  units: number,
  args: readonly number[],
): void {
  const jobs = rowJobs(backend);
  if (jobs !== null) jobs.runRows(name, args, strides, batch, units);
  else (cellsFor(backend)![name] as (...values: number[]) => void)(...args, batch, units);
}

/** Address of step `step` of a time-major tensor `[time, …]` (float32), or 0 when absent. */
function atStep(backend: WasmBackendInternals, tensor: tf.TensorInfo | undefined, step: number): number {
  if (tensor === undefined) return 0;
  // A missing step would read from address 0: fail loudly instead.
  if (!Number.isInteger(step) || step < 0 || step >= tensor.shape[0]!) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `fused recurrent step kernel: step ${step} outside [0, ${tensor.shape[0]}) of a [${tensor.shape.join(', ')}] stack`,
    );
  }
  const perStep = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
  return pointer(backend, tensor) + 4 * step * perStep;
}

/**
 * One forward step. Inputs: `xz` and `mask` are stacks of all steps (read at `step`); `hz`, `h`
 * belong to this step; the cell state entering it is `c0` at step 0 and `cells[step]` after.
 * Written **in place** — the stacks the sequence allocated with {@link emptyStack} and no one else
 * holds yet: `states[step]` (h), `states[time]` (final c, at the last step), `cells[step + 1]`
 * (c; `cells[0]` = c0 at step 0), and when given `gates[step]`, `actC[step]`. Returns h as a new
 * `[batch, units]` tensor for the next recurrent product.
 */
const forwardStepKernel: tf.KernelConfig = {
  kernelName: LSTM_FORWARD_STEP,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { xz, hz, c0, h, mask, states, cells, gates, actC } = inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const { step } = attrs as unknown as { step: number };
    const wasm = backend as unknown as WasmBackendInternals;
    const [batch, units] = h!.shape as [number, number];
    const time = states!.shape[0]! - 1;
    const hOut = wasm.makeOutput([batch, units], 'float32');
    const u = units;
    runStep(wasm, 'lstm_forward', [4 * u, 4 * u, u, u, 1, 4 * u, u, u, u, u, u, u], batch, units, [
      atStep(wasm, xz, step),
      pointer(wasm, hz),
      step === 0 ? pointer(wasm, c0) : atStep(wasm, cells, step),
      pointer(wasm, h),
      atStep(wasm, mask, step),
      atStep(wasm, gates, step),
      atStep(wasm, actC, step),
      pointer(wasm, hOut),
      atStep(wasm, cells, step + 1),
      atStep(wasm, states, step),
      step === time - 1 ? atStep(wasm, states, time) : 0,
      step === 0 ? atStep(wasm, cells, 0) : 0,
    ]);
    return hOut;
  },
};

/**
 * One backward step. `dOut`, `gates`, `actC`, `cells` (c entering each step) and `mask` are the
 * stacks of all steps, read at `step`; the others belong to this step. Writes `dz` in place into
 * `dzAll[step]` too. Returns `[dz, dc]`, plus the pass-through gradient with `withPass`.
 */
const backwardStepKernel: tf.KernelConfig = {
  kernelName: LSTM_BACKWARD_STEP,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { back, recurrentMask, passIn, dOut, dc, gates, actC, cells, mask, dzAll } = inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const { step, withPass } = attrs as unknown as { step: number; withPass: boolean };
    const wasm = backend as unknown as WasmBackendInternals;
    const [batch, units] = dc!.shape as [number, number];
    const dz = wasm.makeOutput([batch, 4 * units], 'float32');
    const dcOut = wasm.makeOutput([batch, units], 'float32');
    const passOut = withPass ? wasm.makeOutput([batch, units], 'float32') : undefined;
    const at = (t: tf.TensorInfo | undefined) => pointer(wasm, t);
    const u = units;
    runStep(wasm, 'lstm_backward', [u, u, u, u, u, 4 * u, u, u, 1, 4 * u, 4 * u, u, u], batch, units, [
      at(back),
      at(recurrentMask),
      at(passIn),
      atStep(wasm, dOut, step),
      at(dc),
      atStep(wasm, gates, step),
      atStep(wasm, actC, step),
      atStep(wasm, cells, step),
      atStep(wasm, mask, step),
      at(dz),
      atStep(wasm, dzAll, step),
      at(dcOut),
      at(passOut),
    ]);
    return passOut === undefined ? [dz, dcOut] : [dz, dcOut, passOut];
  },
};

/**
 * One GRU forward step (native/recurrent-cells.c). `xz`, `mask` are stacks of all steps (read at
 * `step`); `hz`, `bh`, `h`, `hp` belong to this step. Written **in place**: `states[step]` and,
 * when given, `saved[step]` (z, r, c, a). Returns h after the step as a new tensor.
 */
const gruForwardStepKernel: tf.KernelConfig = {
  kernelName: GRU_FORWARD_STEP,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { xz, hz, bh, h, hp, mask, saved, states } = inputs as Record<string, tf.TensorInfo | undefined>;
    const { step } = attrs as unknown as { step: number };
    const wasm = backend as unknown as WasmBackendInternals;
    const [batch, units] = h!.shape as [number, number];
    const hOut = wasm.makeOutput([batch, units], 'float32');
    const u = units;
    runStep(wasm, 'gru_forward', [3 * u, 3 * u, 0, u, u, 1, 4 * u, u, u], batch, units, [
      atStep(wasm, xz, step),
      pointer(wasm, hz),
      pointer(wasm, bh),
      pointer(wasm, h),
      pointer(wasm, hp ?? h),
      atStep(wasm, mask, step),
      atStep(wasm, saved, step),
      pointer(wasm, hOut),
      atStep(wasm, states, step),
    ]);
    return hOut;
  },
};

/**
 * One GRU backward step. `dOut`, `saved`, `mask` are stacks of all steps (read at `step`); the
 * state entering the step is `h0` at step 0 and `states[step − 1]` after. Writes this step's
 * projection gradient into `dProjAll[step]` and its recurrent-product gradient into
 * `dInnerAll[step]`, in place. Returns `[dInner, carry]`, plus the pass-through with `withPass`.
 */
const gruBackwardStepKernel: tf.KernelConfig = {
  kernelName: GRU_BACKWARD_STEP,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { back, carryIn, passIn, recurrentMask, dOut, saved, h0, states, mask, dProjAll, dInnerAll } =
      inputs as Record<string, tf.TensorInfo | undefined>;
    const { step, withPass } = attrs as unknown as { step: number; withPass: boolean };
    const wasm = backend as unknown as WasmBackendInternals;
    const [batch, units] = h0!.shape as [number, number];
    const dInner = wasm.makeOutput([batch, 3 * units], 'float32');
    const carryOut = wasm.makeOutput([batch, units], 'float32');
    const passOut = withPass ? wasm.makeOutput([batch, units], 'float32') : undefined;
    const at = (t: tf.TensorInfo | undefined) => pointer(wasm, t);
    const u = units;
    runStep(wasm, 'gru_backward', [u, u, u, u, u, 4 * u, u, 1, 3 * u, 3 * u, 3 * u, u, u], batch, units, [
      at(back),
      at(carryIn),
      at(passIn),
      at(recurrentMask),
      atStep(wasm, dOut, step),
      atStep(wasm, saved, step),
      step === 0 ? at(h0) : atStep(wasm, states, step - 1),
      atStep(wasm, mask, step),
      atStep(wasm, dProjAll, step),
      at(dInner),
      atStep(wasm, dInnerAll, step),
      at(carryOut),
      at(passOut),
    ]);
    return passOut === undefined ? [dInner, carryOut] : [dInner, carryOut, passOut];
  },
};

/**
 * Sparse cross-entropy, forward: `p` `[rows, classes]` probabilities, `ids` `[rows]` int32 →
 * `[sums, picked]`, each `[rows]`: the row sum of p clipped to `[eps, 1 − eps]`, and the clipped
 * probability of the id (0 for an id outside `[0, classes)`). See native/recurrent-cells.c.
 */
const sparseCeForwardKernel: tf.KernelConfig = {
  kernelName: SPARSE_CE_FORWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { p, ids } = inputs as Record<string, tf.TensorInfo>;
    const { eps } = attrs as unknown as { eps: number };
    const wasm = backend as unknown as WasmBackendInternals;
    const [rows, classes] = p!.shape as [number, number];
    const sums = wasm.makeOutput([rows], 'float32');
    const picked = wasm.makeOutput([rows], 'float32');
    const at = (t: tf.TensorInfo) => pointer(wasm, t);
    cellsFor(wasm)!.sparse_ce_forward(at(p!), at(ids!), at(sums), at(picked), rows, classes, eps);
    return [sums, picked];
  },
};

/**
 * Sparse cross-entropy, backward: `out[r, j] = b[r] + (j = ids[r] ? a[r] : 0)` where
 * `eps ≤ p[r, j] ≤ 1 − eps`, else 0. See native/recurrent-cells.c.
 */
const sparseCeBackwardKernel: tf.KernelConfig = {
  kernelName: SPARSE_CE_BACKWARD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { p, ids, a, b } = inputs as Record<string, tf.TensorInfo>;
    const { eps } = attrs as unknown as { eps: number };
    const wasm = backend as unknown as WasmBackendInternals;
    const [rows, classes] = p!.shape as [number, number];
    const out = wasm.makeOutput([rows, classes], 'float32');
    const at = (t: tf.TensorInfo) => pointer(wasm, t);
    cellsFor(wasm)!.sparse_ce_backward(at(p!), at(ids!), at(a!), at(b!), at(out), rows, classes, eps);
    return out;
  },
};

/** Attributes of {@link ADAM_UPDATE}: float32 constants, as tfjs' AdamOptimizer makes its scalars. @internal */
export interface AdamUpdateAttrs {
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  readonly epsilon: number;
  readonly negativeRate: number;
}

/**
 * One Adam update in one pass: `w, m, v, g` (float32, one shape) and the scalars `c1 = 1 − β1^t`,
 * `c2 = 1 − β2^t` → `[w', m', v']`, new tensors. See native/recurrent-cells.c.
 */
const adamUpdateKernel: tf.KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { w, m, v, g, c1, c2 } = inputs as Record<string, tf.TensorInfo>;
    const a = attrs as unknown as AdamUpdateAttrs;
    const wasm = backend as unknown as WasmBackendInternals;
    const outputs = [w, m, v].map((t) => wasm.makeOutput([...t!.shape], 'float32'));
    const [wOut, mOut, vOut] = outputs as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
    const at = (t: tf.TensorInfo) => pointer(wasm, t);
    const n = w!.shape.reduce((x, y) => x * y, 1);
    cellsFor(wasm)!.adam_update(
      at(w!),
      at(m!),
      at(v!),
      at(g!),
      at(wOut),
      at(mOut),
      at(vOut),
      n,
      a.beta1,
      a.oneMinusBeta1,
      a.beta2,
      a.oneMinusBeta2,
      at(c1!),
      at(c2!),
      a.epsilon,
      a.negativeRate,
    );
    return outputs;
  },
};

/** An uninitialised float32 tensor for a sequence's stacks, which the step kernels fill in place. */
const emptyKernel: tf.KernelConfig = {
  kernelName: EMPTY_STACK,
  backendName: 'wasm',
  kernelFunc: ({ backend, attrs }) => {
    const { shape } = attrs as unknown as { shape: number[] };
    return (backend as unknown as WasmBackendInternals).makeOutput([...shape], 'float32');
  },
};

/** The fused step kernels, registered for wasm by `registerWasmKernels`. @internal */
export const CELL_KERNELS: readonly tf.KernelConfig[] = [
  forwardStepKernel,
  backwardStepKernel,
  gruForwardStepKernel,
  gruBackwardStepKernel,
  sparseCeForwardKernel,
  sparseCeBackwardKernel,
  adamUpdateKernel,
  emptyKernel,
];

/**
 * A new float32 tensor of `shape` whose contents are **undefined** until a step kernel writes
 * them: only for the stacks of {@link lstmForwardStep} / {@link lstmBackwardStep}, which must
 * write every element before the tensor is read. wasm only. @internal
 */
export function emptyStack(shape: number[]): tf.Tensor {
  return tf.engine().runKernel(EMPTY_STACK, {}, { shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** Tensors of one fused forward step; every tensor float32 on the wasm backend. @internal */
export interface LstmForwardStepInputs {
  /** `[time, batch, 4u]` input projections (+ bias) of all steps; the kernel reads step `step`. */
  readonly xz: tf.Tensor3D;
  /** `[batch, 4u]` `h_{t−1}·U`. */
  readonly hz: tf.Tensor2D;
  /** `[batch, u]` the initial cell state (read at step 0). */
  readonly c0: tf.Tensor2D;
  /** `[batch, u]` the hidden state entering the step. */
  readonly h: tf.Tensor2D;
  /** `[time, batch, 1]` 1 = step, 0 = keep the state; the kernel reads step `step`. */
  readonly mask?: tf.Tensor3D;
  /** `[time + 1, batch, u]` written in place: h after each step, then the final c. */
  readonly states: tf.Tensor3D;
  /** `[time + 1, batch, u]` written in place: the cell state entering each step, then the final one. */
  readonly cells: tf.Tensor3D;
  /** `[time, batch, 4u]` written in place: activated gates i, f, g, o (omit outside training). */
  readonly gates?: tf.Tensor3D;
  /** `[time, batch, u]` written in place: tanh of each step's new (unmasked) cell state (omit outside training). */
  readonly actC?: tf.Tensor3D;
}

/** Runs one fused forward step, filling the stacks at `step` in place; returns h after the step (a new tensor). @internal */
export function lstmForwardStep(inputs: LstmForwardStepInputs, step: number): tf.Tensor2D {
  const named = Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined));
  return tf.engine().runKernel(LSTM_FORWARD_STEP, named as tf.NamedTensorMap, { step }) as tf.Tensor2D;
}

/**
 * Tensors of one fused backward step (see native/recurrent-cells.c). `dOut`, `gates`, `actC`, `cells`
 * and `mask` are the time-major stacks of all steps (the kernel reads step `step`); `dzAll`
 * `[time, batch, 4u]` receives this step's dz in place; the others belong to this step. @internal
 */
export interface LstmBackwardStepInputs {
  readonly back?: tf.Tensor2D;
  readonly recurrentMask?: tf.Tensor2D;
  readonly passIn?: tf.Tensor2D;
  readonly dOut: tf.Tensor3D;
  readonly dc: tf.Tensor2D;
  readonly gates: tf.Tensor3D;
  readonly actC: tf.Tensor3D;
  readonly cells: tf.Tensor3D;
  readonly mask?: tf.Tensor3D;
  readonly dzAll: tf.Tensor3D;
}

/** Runs one fused backward step: `dz` `[batch, 4u]` (also written into `dzAll`), the gradient reaching `c_{t−1}`, and with `withPass` what a masked step passes to `h_{t−1}`. @internal */
export function lstmBackwardStep(
  inputs: LstmBackwardStepInputs,
  step: number,
  withPass: boolean,
): { dz: tf.Tensor2D; dc: tf.Tensor2D; pass: tf.Tensor2D | undefined } {
  const named = Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined));
  const [dz, dc, pass] = tf.engine().runKernel(LSTM_BACKWARD_STEP, named as tf.NamedTensorMap, {
    step,
    withPass,
  }) as tf.Tensor2D[];
  return { dz: dz!, dc: dc!, pass };
}

/** Tensors of one fused GRU forward step; every tensor float32 on the wasm backend. @internal */
export interface GruForwardStepInputs {
  /** `[time, batch, 3u]` input projections (+ input bias and z, r recurrent bias); read at `step`. */
  readonly xz: tf.Tensor3D;
  /** `[batch, 3u]` `hp·U`. */
  readonly hz: tf.Tensor2D;
  /** `[u]` recurrent bias of the candidate (zeros without a bias). */
  readonly bh: tf.Tensor1D;
  /** `[batch, u]` the state entering the step. */
  readonly h: tf.Tensor2D;
  /** `[batch, u]` `h` times the recurrent dropout mask (omit without one). */
  readonly hp?: tf.Tensor2D;
  /** `[time, batch, 1]` 1 = step, 0 = keep the state; read at `step`. */
  readonly mask?: tf.Tensor3D;
  /** `[time, batch, 4u]` written in place: z, r, c, a (omit outside training). */
  readonly saved?: tf.Tensor3D;
  /** `[time, batch, u]` written in place: h after each step. */
  readonly states: tf.Tensor3D;
}

/** Runs one fused GRU forward step, filling the stacks at `step`; returns h after it (a new tensor). @internal */
export function gruForwardStep(inputs: GruForwardStepInputs, step: number): tf.Tensor2D {
  const named = Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined));
  return tf.engine().runKernel(GRU_FORWARD_STEP, named as tf.NamedTensorMap, { step }) as tf.Tensor2D;
}

/** Tensors of one fused GRU backward step (see native/recurrent-cells.c). @internal */
export interface GruBackwardStepInputs {
  /** `dInner_{t+1}·Uᵀ` (omit at the last step, with `carryIn`). */
  readonly back?: tf.Tensor2D;
  /** `dCell_{t+1}·z_{t+1}` from the step after. */
  readonly carryIn?: tf.Tensor2D;
  readonly passIn?: tf.Tensor2D;
  readonly recurrentMask?: tf.Tensor2D;
  /** `[time, batch, u]` gradient of every output. */
  readonly dOut: tf.Tensor3D;
  readonly saved: tf.Tensor3D;
  readonly h0: tf.Tensor2D;
  readonly states: tf.Tensor3D;
  readonly mask?: tf.Tensor3D;
  /** `[time, batch, 3u]` receives the input projection's gradient in place. */
  readonly dProjAll: tf.Tensor3D;
  /** `[time, batch, 3u]` receives the recurrent product's gradient in place. */
  readonly dInnerAll: tf.Tensor3D;
}

/** Runs one fused GRU backward step: `dInner` `[batch, 3u]`, the carried `dCell·z`, and with `withPass` what a masked step passes on. @internal */
export function gruBackwardStep(
  inputs: GruBackwardStepInputs,
  step: number,
  withPass: boolean,
): { dInner: tf.Tensor2D; carry: tf.Tensor2D; pass: tf.Tensor2D | undefined } {
  const named = Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined));
  const [dInner, carry, pass] = tf.engine().runKernel(GRU_BACKWARD_STEP, named as tf.NamedTensorMap, {
    step,
    withPass,
  }) as tf.Tensor2D[];
  return { dInner: dInner!, carry: carry!, pass };
}
