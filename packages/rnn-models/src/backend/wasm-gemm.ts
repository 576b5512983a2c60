// rnnkit's own float32 matrix product on the wasm backend (gemm_run in native/recurrent-cells.c),
// run by the calling thread and, where the platform can start them, helper threads that share
// the backend's heap. Why not XNNPACK's: the README's "Third pass".
import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';
import { heapAddress, type NativeRuntime, nativeRuntime } from './wasm-cells.js';

/** Int32 slots of native `GemmJob`, then the helpers' control words. */
const SLOT = {
  a: 0,
  aRow: 1,
  aInner: 2,
  b: 3,
  bInner: 4,
  bCol: 5,
  c: 6,
  m: 7,
  k: 8,
  n: 9,
  bias: 10,
  relu: 11,
  blockRows: 12,
  chunk: 13,
  scratch: 14,
  scratchFloats: 15,
  open: 16,
  next: 17,
  done: 18,
  inside: 19,
  helped: 20,
  kind: 21,
  rows: 22,
  rowsPerItem: 23,
  units: 24,
  args: 25,
  strides: 38,
  group: 51,
  // Cache lines away from the job's counters: helpers sleep on `generation`.
  generation: 64,
  failed: 65,
} as const;
const CONTROL_BYTES = 320;

/** The step kernels a row job runs, by export name: native `JOB_*`. @internal */
export const ROW_KERNELS = {
  lstm_forward: 1,
  lstm_backward: 2,
  gru_forward: 3,
  gru_backward: 4,
} as const;

/** Native `JOB_LSTM_SEQUENCE`, `JOB_GRU_SEQUENCE`, then the backward passes' `JOB_*_SEQUENCE_BACKWARD`. */
const SEQUENCE_KINDS = { lstm: 5, gru: 6 } as const;
const SEQUENCE_BACKWARD_KINDS = { lstm: 7, gru: 8 } as const;
type Cell = keyof typeof SEQUENCE_KINDS;
/** Floats of native `JOB_FLOATS`: each thread's product job at the start of its scratch. */
const JOB_FLOATS = 64;

/**
 * A whole forward sequence for the native `run_sequence`: tensors on the wasm backend (absent
 * ones are not used by that cell or not kept); native/recurrent-cells.c says what each holds.
 * `x` `[batch, time, inputDim]` is projected with `kernel` and `bias` step by step in the
 * sequence. Units come from `recurrentKernel`.
 */
export interface SequenceArgs {
  readonly cell: Cell;
  readonly x: tf.TensorInfo;
  readonly kernel: tf.TensorInfo;
  readonly bias?: tf.TensorInfo | undefined;
  readonly recurrentKernel: tf.TensorInfo;
  readonly h0: tf.TensorInfo;
  readonly c0?: tf.TensorInfo | undefined;
  readonly mask?: tf.TensorInfo | undefined;
  readonly saved?: tf.TensorInfo | undefined;
  readonly actC?: tf.TensorInfo | undefined;
  readonly states: tf.TensorInfo;
  readonly cells?: tf.TensorInfo | undefined;
  readonly bh?: tf.TensorInfo | undefined;
}

/**
 * A whole backward sequence for the native `run_sequence_backward`, in the order of its arguments
 * there (what each holds, per cell, is said beside it); every tensor the native side writes is
 * allocated by the caller. Time and batch come from `saved` `[time, batch, 4·units]`.
 */
export type SequenceBackwardArgs = {
  readonly dOut: tf.TensorInfo;
  readonly recurrentKernel: tf.TensorInfo;
  readonly recurrentMask: tf.TensorInfo | undefined;
  readonly mask: tf.TensorInfo | undefined;
  readonly saved: tf.TensorInfo;
  readonly dh0: tf.TensorInfo;
} & (
  | {
      readonly cell: 'lstm';
      readonly actC: tf.TensorInfo;
      readonly cells: tf.TensorInfo;
      readonly dz: tf.TensorInfo;
      readonly dc0: tf.TensorInfo;
    }
  | {
      readonly cell: 'gru';
      readonly h0: tf.TensorInfo;
      readonly states: tf.TensorInfo;
      readonly dProj: tf.TensorInfo;
      readonly dInner: tf.TensorInfo;
    }
);

/** A product the native kernel computes: `c[m, n] = a·b (+ bias) (relu)`, element strides as gemm_run reads them. */
export interface GemmArgs {
  readonly a: number;
  readonly aRow: number;
  readonly aInner: number;
  readonly b: number;
  readonly bInner: number;
  readonly bCol: number;
  readonly c: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Address of `[n]` float32 bias values, or 0. */
  readonly bias: number;
  readonly relu: boolean;
}

/**
 * Below this many multiply-adds a product runs on the calling thread alone: waking a helper
 * costs more than it saves.
 */
const MIN_SHARED_MULTIPLY_ADDS = 1 << 18;
/** Below this many values per row job (batch rows × units), a step kernel runs on the calling thread alone. */
const MIN_SHARED_ROW_VALUES = 1 << 13;
/** How products are cut into work: tests use tiny values to reach every edge with small operands. @internal */
export interface ProductBlocking {
  /** Bytes of the left operand per work item (a block of its rows), to stay in the core's cache while a panel runs over it. */
  readonly blockBytes: number;
  /** Inner-dimension length of a packed panel chunk (16 columns × 512 floats: 32 kB, a first-level cache). */
  readonly chunk: number;
  /** 16-column panels per work item, packed together (long rows of the right operand are read in longer runs). */
  readonly panels: number;
}
const DEFAULT_BLOCKING: ProductBlocking = { blockBytes: 128 << 10, chunk: 512, panels: 4 };
let blocking = DEFAULT_BLOCKING;

/** Sets {@link ProductBlocking} (merged with the defaults; no argument: the defaults). @internal */
export function setProductBlocking(values: Partial<ProductBlocking> = {}): void {
  blocking = { ...DEFAULT_BLOCKING, ...values };
}

/** The product's state on one wasm heap: the job and scratch the threads share, and how many helpers joined. */
class GemmRunner {
  private view: Int32Array;
  private scratch = 0;
  private scratchFloats = 0;
  /** Helper threads running the worker loop on this heap. */
  helpers = 0;
  /** Work items helper threads have done, over all jobs, and over jobs of batch-row blocks alone (tests check that helpers take part). */
  helpedItems = 0;
  helpedRowItems = 0;

  constructor(
    readonly runtime: NativeRuntime,
    readonly job: number,
  ) {
    this.view = new Int32Array(runtime.memory.buffer);
    this.view.fill(0, job >> 2, (job + CONTROL_BYTES) >> 2);
  }

  run(args: GemmArgs): void {
    const { m, k, n } = args;
    if (m === 0 || n === 0) return;
    const chunk = Math.min(k, blocking.chunk);
    const group = Math.min(blocking.panels, Math.ceil(n / 16));
    this.ensureScratch(this.helpers + 1, group * (16 * chunk + 16));
    const blockRows = Math.max(
      2,
      Math.min(m + (m & 1), Math.floor(blocking.blockBytes / (4 * Math.max(chunk, 1))) & ~1),
    );
    const items = Math.ceil(m / blockRows) * Math.ceil(Math.ceil(n / 16) / group);
    this.execute(items, m * k * n >= MIN_SHARED_MULTIPLY_ADDS, (v, j) => {
      v[j + SLOT.kind] = 0;
      v[j + SLOT.a] = args.a;
      v[j + SLOT.aRow] = args.aRow;
      v[j + SLOT.aInner] = args.aInner;
      v[j + SLOT.b] = args.b;
      v[j + SLOT.bInner] = args.bInner;
      v[j + SLOT.bCol] = args.bCol;
      v[j + SLOT.c] = args.c;
      v[j + SLOT.m] = m;
      v[j + SLOT.k] = k;
      v[j + SLOT.n] = n;
      v[j + SLOT.bias] = args.bias;
      v[j + SLOT.relu] = args.relu ? 1 : 0;
      v[j + SLOT.blockRows] = blockRows;
      v[j + SLOT.chunk] = chunk;
      v[j + SLOT.group] = group;
      v[j + SLOT.scratch] = this.scratch;
      v[j + SLOT.scratchFloats] = this.scratchFloats;
    });
  }

  /**
   * One step kernel (`kernel`, {@link ROW_KERNELS}) over `rows` batch rows, split into blocks of rows
   * between the threads: `args` are its pointer arguments in order (0: absent), `strides` the
   * floats per row of each (0: one value shared by all rows).
   */
  runRows(
    kernel: keyof typeof ROW_KERNELS,
    args: readonly number[],
    strides: readonly number[],
    rows: number,
    units: number,
  ): void {
    if (rows === 0) return;
    const threads = this.helpers + 1;
    // A few blocks per thread: a thread that starts late still gets a share.
    const rowsPerItem = Math.max(1, Math.ceil(rows / (4 * threads)));
    const helpedBefore = this.helpedItems;
    this.execute(Math.ceil(rows / rowsPerItem), rows * units >= MIN_SHARED_ROW_VALUES, (v, j) => {
      v[j + SLOT.kind] = ROW_KERNELS[kernel];
      v[j + SLOT.rows] = rows;
      v[j + SLOT.rowsPerItem] = rowsPerItem;
      v[j + SLOT.units] = units;
      for (let i = 0; i < 13; i++) {
        v[j + SLOT.args + i] = args[i] ?? 0;
        v[j + SLOT.strides + i] = strides[i] ?? 0;
      }
    });
    this.helpedRowItems += this.helpedItems - helpedBefore;
  }

  /**
   * A whole forward sequence ({@link SequenceArgs}): each thread runs a block of batch rows through
   * every step, with no barrier between steps.
   */
  runSequence(args: SequenceArgs): void {
    const { x, kernel, bias, recurrentKernel, h0, c0, mask, saved, actC, states, cells, bh } = args;
    const [batch, time, inputDim] = x.shape as [number, number, number];
    const units = recurrentKernel.shape[0]!;
    const width = (args.cell === 'lstm' ? 4 : 3) * units;
    const packed = (k: number) => JOB_FLOATS + Math.ceil(width / 16) * (16 * k + 16);
    // U and the input kernel packed; row buffers: the rows' h·U and their input projection.
    this.runWhole(
      SEQUENCE_KINDS[args.cell],
      time,
      batch,
      units,
      width,
      (rows) => packed(units) + packed(inputDim) + 2 * rows * width,
      [x, recurrentKernel, h0, c0, mask, saved, actC, states, cells, bh, kernel, bias],
      inputDim,
    );
  }

  /** A whole backward sequence ({@link SequenceBackwardArgs}), shared between threads as the forward one. */
  runSequenceBackward(args: SequenceBackwardArgs): void {
    const [time, batch] = args.saved.shape as [number, number];
    const units = args.recurrentKernel.shape[0]!;
    const width = (args.cell === 'lstm' ? 4 : 3) * units;
    const { dOut, recurrentKernel, recurrentMask, mask, saved } = args;
    const rest =
      args.cell === 'lstm'
        ? [args.actC, args.cells, args.dz, args.dh0, args.dc0]
        : [args.h0, args.states, args.dProj, args.dInner, args.dh0];
    // Uᵀ packed; row buffers: back, pass and carry, `units` wide.
    const floats = (rows: number) =>
      JOB_FLOATS + Math.ceil(units / 16) * (16 * width + 16) + 3 * rows * units;
    this.runWhole(SEQUENCE_BACKWARD_KINDS[args.cell], time, batch, units, width, floats, [
      dOut,
      recurrentKernel,
      recurrentMask,
      mask,
      saved,
      ...rest,
    ]);
  }

  /**
   * Runs a whole-sequence job `kind` over blocks of batch rows: each thread needs `floats(rows)`
   * floats of scratch for a block of `rows` (native `pack_whole`, `whole_area`); `inner` goes to
   * the job's second stride (the forward projection's inner size).
   */
  private runWhole(
    kind: number,
    time: number,
    batch: number,
    units: number,
    width: number,
    floats: (rows: number) => number,
    tensors: readonly (tf.TensorInfo | undefined)[],
    inner = 0,
  ): void {
    if (batch === 0 || time === 0) return;
    const threads = this.helpers + 1;
    // No barrier between steps: the helper pays one wake-up per sequence, so any real sequence is worth sharing.
    const shared =
      helpersEnabled &&
      this.helpers > 0 &&
      batch >= 2 * threads &&
      time * batch * units * width >= MIN_SHARED_MULTIPLY_ADDS;
    const rowsPerItem = shared ? Math.ceil(batch / threads) : batch;
    this.ensureScratch(threads, floats(rowsPerItem));
    const values = tensors.map((tensor) => heapAddress(tf.backend(), tensor));
    const helpedBefore = this.helpedItems;
    this.execute(Math.ceil(batch / rowsPerItem), shared, (v, j) => {
      v[j + SLOT.kind] = kind;
      v[j + SLOT.rows] = batch;
      v[j + SLOT.rowsPerItem] = rowsPerItem;
      v[j + SLOT.units] = units;
      v[j + SLOT.scratch] = this.scratch;
      v[j + SLOT.scratchFloats] = this.scratchFloats;
      for (let i = 0; i < 13; i++) v[j + SLOT.args + i] = values[i] ?? 0;
      v[j + SLOT.strides] = time;
      v[j + SLOT.strides + 1] = inner;
    });
    this.helpedRowItems += this.helpedItems - helpedBefore;
  }

  /** Fills the job (`fill`), opens it, wakes the helpers when `share`, runs it here, and waits until no helper is inside. */
  private execute(items: number, share: boolean, fill: (v: Int32Array, j: number) => void): void {
    if (this.view.buffer !== this.runtime.memory.buffer)
      this.view = new Int32Array(this.runtime.memory.buffer);
    const v = this.view;
    const j = this.job >> 2;
    fill(v, j);
    v[j + SLOT.next] = 0;
    v[j + SLOT.done] = 0;
    v[j + SLOT.helped] = 0;
    Atomics.store(v, j + SLOT.open, 1);
    if (helpersEnabled && this.helpers > 0 && items > 1 && share) {
      Atomics.add(v, j + SLOT.generation, 1);
      Atomics.notify(v, j + SLOT.generation);
    }
    let trapped: unknown = null;
    try {
      this.runtime.cells.gemm_run(this.job, 0);
    } catch (error) {
      // A wasm trap (a bug): close the job below all the same, so no helper keeps reading it; the
      // trap skipped this thread's own exit from the job.
      trapped = error ?? new Error('wasm trap');
      Atomics.sub(v, j + SLOT.inside, 1);
    }
    // At most the items a helper claimed are left; a helper that failed never finishes its own.
    while (trapped === null && Atomics.load(v, j + SLOT.done) < items) {
      if (Atomics.load(v, j + SLOT.failed) !== 0) break;
    }
    Atomics.store(v, j + SLOT.open, 0);
    // A helper still inside reads the job: wait until none is before the job or the operands change.
    while (Atomics.load(v, j + SLOT.inside) !== 0) {
      if (Atomics.load(v, j + SLOT.failed) !== 0) break;
    }
    this.helpedItems += v[j + SLOT.helped]!;
    if (trapped !== null) {
      throw new RnnModelsError(
        'RNN_MODELS_BACKEND_UNAVAILABLE',
        'native kernel: it failed on the calling thread.',
        {
          cause: trapped,
        },
      );
    }
    if (Atomics.load(v, j + SLOT.failed) !== 0) {
      // The helper is gone and left its items undone: this result is lost; later ones run without helpers.
      Atomics.store(v, j + SLOT.failed, 0);
      this.helpers = 0;
      throw new RnnModelsError(
        'RNN_MODELS_BACKEND_UNAVAILABLE',
        'native kernel: a helper thread failed; later products run without it.',
      );
    }
  }

  /** Scratch for `threads` threads of `floats` each (grown between jobs, when no helper is inside). */
  private ensureScratch(threads: number, floats: number): void {
    if (this.allocation !== 0 && this.scratchFloats >= floats && this.scratchThreads >= threads) return;
    if (this.allocation !== 0) this.runtime.free(this.allocation);
    // A multiple of 16 floats keeps every thread's scratch on a cache line too.
    this.scratchFloats = Math.ceil(Math.max(floats, this.scratchFloats) / 16) * 16;
    this.scratchThreads = threads;
    this.allocation = this.runtime.malloc(4 * this.scratchFloats * threads + 64);
    // Panels start on a cache line (the allocator aligns to 8 or 16 bytes): a row of a panel is one line.
    this.scratch = (this.allocation + 63) & ~63;
  }
  private scratchThreads = 0;
  private allocation = 0;
}

const runners = new WeakMap<object, GemmRunner | null>();

function runnerFor(backend: unknown): GemmRunner | null {
  const runtime = nativeRuntime(backend);
  if (runtime === null) return null;
  const known = runners.get(runtime.memory);
  if (known !== undefined) return known;
  const job = runtime.malloc(CONTROL_BYTES);
  const runner = job === 0 ? null : new GemmRunner(runtime, job);
  runners.set(runtime.memory, runner);
  return runner;
}

/** Whether rnnkit's product is on (tests and benchmarks compare it with XNNPACK's), and whether it wakes its helpers. */
let productEnabled = true;
let helpersEnabled = true;

/**
 * Turns rnnkit's own matrix product off (XNNPACK's runs) or back on; `helpers: false` keeps it
 * on the calling thread alone (tests compare the two). @internal
 */
export function setNativeProduct(on: boolean, options: { helpers?: boolean } = {}): void {
  productEnabled = on;
  helpersEnabled = options.helpers ?? true;
}

/** tfjs' wasm thread count, as initBackend started it (1 until it says otherwise). */
let backendThreads = 1;

/** Tells the product how many threads the wasm backend runs (initBackend, after the start). @internal */
export function setBackendThreads(threads: number): void {
  backendThreads = threads;
}

/**
 * The product runner on `backend` if rnnkit's product should run there: its module runs, and it
 * has as many threads as the backend — with fewer, XNNPACK's pool is faster. `null` otherwise.
 * @internal
 */
export function nativeProduct(backend: unknown): {
  run(args: GemmArgs): void;
  readonly helpers: number;
  readonly helpedItems: number;
  readonly helpedRowItems: number;
} | null {
  if (!productEnabled) return null;
  const runner = runnerFor(backend);
  if (runner === null || runner.helpers + 1 < backendThreads) return null;
  return runner;
}

/**
 * The runner for step kernels split over batch rows between threads, where `backend` has helper
 * threads (and rnnkit's product runs); `null` where the kernels should run on the calling thread.
 * @internal
 */
export function rowJobs(backend: unknown): { runRows: GemmRunner['runRows'] } | null {
  if (!productEnabled || !helpersEnabled) return null;
  const runner = runnerFor(backend);
  return runner !== null && runner.helpers > 0 && runner.helpers + 1 >= backendThreads ? runner : null;
}

/** Whether fused sequences run whole on the native side (tests compare with one kernel per step). */
let wholeSequencesEnabled = true;

/** Turns whole-sequence forward passes off (one product and one step kernel per step) or back on. @internal */
export function setWholeSequences(on: boolean): void {
  wholeSequencesEnabled = on;
}

/**
 * The runner for whole forward sequences on the active backend, where rnnkit's product runs there
 * (on every thread it has); `null` where sequences run step by step. @internal
 */
export function wholeSequences(): Pick<GemmRunner, 'runSequence' | 'runSequenceBackward'> | null {
  if (!wholeSequencesEnabled || tf.getBackend() !== 'wasm') return null;
  return nativeProduct(tf.backend()) as GemmRunner | null;
}

/**
 * Whether the active backend runs rnnkit's product, so a transposed operand costs no more than a
 * plain one (XNNPACK's product is many times slower with one: callers transpose explicitly). @internal
 */
export function nativeProductActive(): boolean {
  return tf.getBackend() === 'wasm' && nativeProduct(tf.backend()) !== null;
}

/**
 * What a helper thread runs, as the body of a function of `data` (`{ module, memory, job, thread }`)
 * and `ready` (to call once it can take work): instantiates the kernels' module on the shared heap,
 * then runs every job it is woken for, for the life of the process (its worker is `unref`ed). It spins for 50 µs before sleeping: the next
 * product of a recurrent layer follows within microseconds, while a longer spin takes the core
 * from XNNPACK's own pool thread between products (measured in the README's "Third pass").
 */
export const HELPER_SOURCE = `
const cells = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports;
const v = new Int32Array(data.memory.buffer);
const at = data.job >> 2;
const generation = at + ${SLOT.generation}, failed = at + ${SLOT.failed};
let seen = Atomics.load(v, generation);
ready();
for (;;) {
  const start = performance.now();
  let spins = 0;
  while (Atomics.load(v, generation) === seen) {
    if ((++spins & 255) === 0 && performance.now() - start > 0.05) Atomics.wait(v, generation, seen);
  }
  seen = Atomics.load(v, generation);
  try {
    cells.gemm_run(data.job, data.thread);
  } catch (error) {
    Atomics.store(v, failed, 1);
    throw error;
  }
}
`;

/**
 * How a platform starts one helper thread running {@link HELPER_SOURCE} (`source`) with `data`;
 * resolves to whether it runs and called `ready`.
 */
export type StartHelper = (source: string, data: Record<string, unknown>) => Promise<boolean>;

/**
 * Starts helper threads for rnnkit's product on `backend` until it has `count`; returns how many
 * run. Without helpers the product still runs where the backend has 1 thread.
 * @internal
 */
export async function startProductHelpers(
  backend: unknown,
  count: number,
  start: StartHelper,
): Promise<number> {
  const runner = runnerFor(backend);
  if (runner === null) return 0;
  const { memory, module } = runner.runtime;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  if (!shared) return runner.helpers;
  while (runner.helpers < count) {
    const ready = await start(HELPER_SOURCE, { module, memory, job: runner.job, thread: runner.helpers + 1 });
    if (!ready) break;
    runner.helpers += 1;
  }
  return runner.helpers;
}
