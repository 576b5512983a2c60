import * as tf from '@tensorflow/tfjs-core';
import { LSTM_CELLS_WASM_PLAIN, LSTM_CELLS_WASM_SHARED } from './wasm-cells.generated.js';

/**
 * Fused LSTM step kernels for the wasm backend (native/lstm-cells.c): the element-wise work of
 * one forward or backward step — gate activations, cell and hidden state, masking, and the
 * gradients of all of it — in one single-threaded SIMD pass over the backend's own heap, instead
 * of ~14 (forward) and ~6 (backward) tfjs ops of a few µs each plus XNNPACK thread wake-ups.
 * Used by the fused LSTM for sigmoid gates with a tanh activation and `units` divisible by 4;
 * everything else keeps the composed ops.
 */

/** Kernel name of one fused forward step (wasm only). @internal */
export const LSTM_FORWARD_STEP = 'RnnkitLstmForwardStep';
/** Kernel name of one fused backward step (wasm only). @internal */
export const LSTM_BACKWARD_STEP = 'RnnkitLstmBackwardStep';

interface CellExports {
  lstm_forward(...args: number[]): void;
  lstm_backward(...args: number[]): void;
  column_sums(x: number, out: number, rows: number, cols: number): void;
  transpose_2d(x: number, out: number, rows: number, cols: number): void;
}

/** The parts of tfjs-backend-wasm's `BackendWasm` the kernels use. */
interface WasmBackendInternals {
  readonly wasm?: { readonly wasmMemory?: unknown; readonly asm?: { readonly memory?: unknown } };
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
    const bytes = Uint8Array.from(atob(shared ? LSTM_CELLS_WASM_SHARED : LSTM_CELLS_WASM_PLAIN), (ch) =>
      ch.charCodeAt(0),
    );
    // 2.3 kB: small enough to compile synchronously, also on a browser's main thread.
    if (wasmApi.validate(bytes)) {
      const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
      cells = instance.exports as unknown as CellExports;
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
export function lstmCellKernelsAvailable(): boolean {
  if (!enabled || tf.getBackend() !== 'wasm' || !tf.getKernel(LSTM_FORWARD_STEP, 'wasm')) return false;
  return cellsFor(tf.backend() as unknown as WasmBackendInternals) !== null;
}

/**
 * Writes the column sums of float32 `x` (read as `[rows, cols]`) into float32 `out` (`[cols]`)
 * with the native module; both on the wasm `backend`. Returns false, writing nothing, where the
 * module cannot run. @internal
 */
export function nativeColumnSums(
  backend: unknown,
  x: tf.TensorInfo,
  out: tf.TensorInfo,
  rows: number,
  cols: number,
): boolean {
  const wasm = backend as WasmBackendInternals;
  const cells = cellsFor(wasm);
  if (cells === null) return false;
  cells.column_sums(pointer(wasm, x), pointer(wasm, out), rows, cols);
  return true;
}

/**
 * Transposes 32-bit `x` (read as `[rows, cols]`) into `out` (`[cols, rows]`) with the native
 * module; both on the wasm `backend`. Returns false, writing nothing, where the module cannot
 * run. @internal
 */
export function nativeTranspose2d(
  backend: unknown,
  x: tf.TensorInfo,
  out: tf.TensorInfo,
  rows: number,
  cols: number,
): boolean {
  const wasm = backend as WasmBackendInternals;
  const cells = cellsFor(wasm);
  if (cells === null) return false;
  cells.transpose_2d(pointer(wasm, x), pointer(wasm, out), rows, cols);
  return true;
}

/** Turns the fused step kernels off (or back on), so tests can compare both paths. @internal */
export function setLstmCellKernelsEnabled(on: boolean): void {
  enabled = on;
}

function pointer(backend: WasmBackendInternals, tensor: tf.TensorInfo | undefined): number {
  if (tensor === undefined) return 0;
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error(`${LSTM_FORWARD_STEP}: a tensor is not on the wasm backend`);
  return data.memoryOffset;
}

/** Address of step `step` of a time-major tensor `[time, …]` (float32), or 0 when absent. */
function atStep(backend: WasmBackendInternals, tensor: tf.TensorInfo | undefined, step: number): number {
  if (tensor === undefined) return 0;
  // A missing step would read from address 0: fail loudly instead.
  if (!Number.isInteger(step) || step < 0 || step >= tensor.shape[0]!) {
    throw new Error(`fused LSTM step kernel: step ${step} outside [0, ${tensor.shape[0]})`);
  }
  const perStep = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
  return pointer(backend, tensor) + 4 * step * perStep;
}

const forwardStepKernel: tf.KernelConfig = {
  kernelName: LSTM_FORWARD_STEP,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { xz, hz, c, h, mask } = inputs as Record<string, tf.TensorInfo | undefined>;
    const { step } = attrs as unknown as { step: number };
    const wasm = backend as unknown as WasmBackendInternals;
    const [batch, units] = c!.shape as [number, number];
    const gates = wasm.makeOutput([batch, 4 * units], 'float32');
    const actC = wasm.makeOutput([batch, units], 'float32');
    const hOut = wasm.makeOutput([batch, units], 'float32');
    const cOut = wasm.makeOutput([batch, units], 'float32');
    const at = (t: tf.TensorInfo | undefined) => pointer(wasm, t);
    cellsFor(wasm)!.lstm_forward(
      atStep(wasm, xz, step),
      at(hz),
      at(c),
      at(h),
      atStep(wasm, mask, step),
      at(gates),
      at(actC),
      at(hOut),
      at(cOut),
      batch,
      units,
    );
    return [gates, actC, hOut, cOut];
  },
};

const backwardStepKernel: tf.KernelConfig = {
  kernelName: LSTM_BACKWARD_STEP,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { back, recurrentMask, passIn, dOut, dc, gates, actC, cPrev, mask } = inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const { step } = attrs as unknown as { step: number };
    const wasm = backend as unknown as WasmBackendInternals;
    const [batch, units] = dc!.shape as [number, number];
    const dz = wasm.makeOutput([batch, 4 * units], 'float32');
    const dcOut = wasm.makeOutput([batch, units], 'float32');
    const passOut = (attrs as { withPass?: boolean }).withPass
      ? wasm.makeOutput([batch, units], 'float32')
      : undefined;
    const at = (t: tf.TensorInfo | undefined) => pointer(wasm, t);
    cellsFor(wasm)!.lstm_backward(
      at(back),
      at(recurrentMask),
      at(passIn),
      atStep(wasm, dOut, step),
      at(dc),
      atStep(wasm, gates, step),
      atStep(wasm, actC, step),
      atStep(wasm, cPrev, step),
      atStep(wasm, mask, step),
      at(dz),
      at(dcOut),
      at(passOut),
      batch,
      units,
    );
    return passOut === undefined ? [dz, dcOut] : [dz, dcOut, passOut];
  },
};

/** The fused step kernels, registered for wasm by `registerWasmKernels`. @internal */
export const LSTM_CELL_KERNELS: readonly tf.KernelConfig[] = [forwardStepKernel, backwardStepKernel];

/** Inputs of one fused forward step; every tensor float32 on the wasm backend. @internal */
export interface LstmForwardStepInputs {
  /** `[time, batch, 4u]` input projections (+ bias) of all steps; the kernel reads step `step`. */
  readonly xz: tf.Tensor3D;
  /** `[batch, 4u]` `h_{t−1}·U`. */
  readonly hz: tf.Tensor2D;
  readonly c: tf.Tensor2D;
  readonly h: tf.Tensor2D;
  /** `[time, batch, 1]` 1 = step, 0 = keep the state; the kernel reads step `step`. */
  readonly mask?: tf.Tensor3D;
}

/** Runs one fused forward step: activated gates `[batch, 4u]`, `tanh(c_new)`, and the state after the step (new tensors). @internal */
export function lstmForwardStep(
  inputs: LstmForwardStepInputs,
  step: number,
): {
  gates: tf.Tensor2D;
  actC: tf.Tensor2D;
  h: tf.Tensor2D;
  c: tf.Tensor2D;
} {
  const named = Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined));
  const [gates, actC, h, c] = tf
    .engine()
    .runKernel(LSTM_FORWARD_STEP, named as tf.NamedTensorMap, { step }) as tf.Tensor2D[];
  return { gates: gates!, actC: actC!, h: h!, c: c! };
}

/**
 * Inputs of one fused backward step (see native/lstm-cells.c). `dOut`, `gates`, `actC`, `cPrev`
 * and `mask` are the time-major stacks of all steps (the kernel reads step `step`); the others
 * belong to this step. @internal
 */
export interface LstmBackwardStepInputs {
  readonly back?: tf.Tensor2D;
  readonly recurrentMask?: tf.Tensor2D;
  readonly passIn?: tf.Tensor2D;
  readonly dOut: tf.Tensor3D;
  readonly dc: tf.Tensor2D;
  readonly gates: tf.Tensor3D;
  readonly actC: tf.Tensor3D;
  readonly cPrev: tf.Tensor3D;
  readonly mask?: tf.Tensor3D;
}

/** Runs one fused backward step: `dz` `[batch, 4u]`, the gradient reaching `c_{t−1}`, and with `withPass` what a masked step passes to `h_{t−1}`. @internal */
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
