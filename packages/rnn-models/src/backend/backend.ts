import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers' Node build registers every gradient tfjs-core defines (the union package
// does it through a deep ESM import plain Node cannot load); training needs them.
import '@tensorflow/tfjs-layers';
// Node: the threaded build's patches and pinning; elsewhere no-ops (package.json `imports`).
import { platform } from '#node-platform';
import { RnnModelsError, validate } from '../errors.js';
import { registerLayerClasses } from '../layers/register-layers.js';
import { registerChainedOps } from './chained-ops.js';
import { setBackendThreads, startProductHelpers } from './wasm-gemm.js';
import { registerWasmKernels } from './wasm-kernels.js';

/** Backends rnnkit sets up. */
export type BackendName = 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Backend to use. wasm (XNNPACK kernels, SIMD) is several times faster than cpu here.
   * @default 'wasm'
   */
  readonly backend?: BackendName;
  /**
   * Where the wasm binaries are served from, for browsers and bundlers: a URL prefix or a
   * per-file map, passed to tfjs' `setWasmPaths`. In Node the installed package finds its own.
   * @default undefined
   */
  readonly wasmPaths?: string | Partial<Record<string, string>>;
  /**
   * Threads for the wasm backend's matMul and other XNNPACK kernels, or `'auto'`. Above 1 in
   * Node this starts tfjs' threaded-SIMD build, which tfjs itself does not enable in Node
   * (faster products, a slower start and more memory: figures in the README); in browsers it
   * needs a cross-origin-isolated page. `'auto'` counts the cores other processes leave idle
   * (Node: over 200 ms at the start; browsers: half the logical cores) and takes that many, 1 to
   * 4: a thread that shares its core with a busy process stalls every product, so under load 1
   * thread beats 2. Only takes effect on the first initialization of the wasm backend in a
   * process.
   * @default 'auto'
   */
  readonly threads?: number | 'auto';
  /**
   * With `threads` above 1 in Node on Linux: pin the calling thread to the CPU it runs on and
   * the wasm backend's pool workers and rnnkit's product helper to the other CPUs (with `taskset`). XNNPACK's caller
   * busy-waits for its workers, and Linux often wakes a worker on the caller's CPU, where it
   * waits for the caller's time slice to end; a recurrent layer's loop of small products hits
   * this hundreds of times per training step (README). Off by default because it fixes the
   * calling thread to one CPU for the life of the process: use it in processes dedicated to
   * training, not in several at once on the same CPUs. Where it cannot pin (one thread, cpu, a
   * browser, not Linux, one CPU, no `taskset`), a warning says why.
   * @default false
   */
  readonly pinThreads?: boolean;
  /**
   * Use the cpu backend if wasm cannot start, instead of throwing.
   * @default true
   */
  readonly fallbackToCpu?: boolean;
  /**
   * Receives warnings (the wasm backend could not start; falling back to cpu). By
   * default they go to `process.emitWarning` in Node and nowhere in browsers.
   * @default Node's process.emitWarning
   */
  readonly onWarning?: (message: string) => void;
}

/**
 * Prepares TensorFlow.js for rnnkit with tfjs-core + tfjs-layers (no union package):
 * registers the gradients and installs the chained tensor methods tfjs-layers relies on, adds the kernels training
 * needs that the wasm backend lacks (`UnsortedSegmentSum`, for Embedding gradients), and
 * activates the backend. Concurrent calls run one after the other, in call order (the last one
 * called chooses the active backend).
 *
 * @returns the active backend.
 * @throws RnnModelsError `RNN_MODELS_BACKEND_UNAVAILABLE` when no requested backend can
 *   start (the message names the package to install), `RNN_MODELS_INVALID_OPTION` for an
 *   unknown option name (naming the closest) or a bad value.
 * @example
 * const backend = await initBackend();           // 'wasm'
 * const fallback = await initBackend({ backend: 'cpu' });
 */
export async function initBackend(options?: InitBackendOptions): Promise<BackendName> {
  const resolved = resolveInitBackendOptions(options);
  // One start at a time, in call order: concurrent tf.setBackend calls race (one of them gets
  // false), and the threaded build's start-up patches must not be applied twice at once.
  const run = pendingStart.then(() => startBackend(resolved));
  pendingStart = run.then(
    () => {},
    () => {},
  );
  return run;
}

/** The latest {@link initBackend} call's start; the next call waits for it. */
let pendingStart: Promise<void> = Promise.resolve();

async function startBackend(resolved: ReturnType<typeof resolveInitBackendOptions>): Promise<BackendName> {
  const { backend, wasmPaths, fallbackToCpu, threads, pinThreads, onWarning } = resolved;
  const warn = onWarning ?? platform.defaultWarning;
  registerChainedOps();
  registerLayerClasses();
  if (backend === 'wasm') {
    const { problem, threadCount } = await startWasm(wasmPaths, threads, warn);
    if (problem === null) {
      await startProductThreads(threadCount);
      // 'auto' that settled on 1 thread has nothing to pin, and that is no one's mistake.
      if (pinThreads && !(threads === 'auto' && threadCount < 2)) {
        const notPinned = threadCount < 2 ? 'it needs threads: 2 or more' : await platform.pinWasmThreads();
        if (notPinned !== null) warn(`rnnkit: pinThreads: threads not pinned: ${notPinned}.`);
      }
      return 'wasm';
    }
    if (!fallbackToCpu) {
      throw new RnnModelsError(
        'RNN_MODELS_BACKEND_UNAVAILABLE',
        `The wasm backend could not start: ${problem}. Install @tensorflow/tfjs-backend-wasm (same version as ` +
          '@tensorflow/tfjs-core), pass wasmPaths where the .wasm files are served, or use { backend: "cpu" }.',
      );
    }
    warn(`rnnkit: the wasm backend could not start (${problem}); using the slower cpu backend.`);
  }
  if (pinThreads) warn('rnnkit: pinThreads: threads not pinned: it applies to the wasm backend only.');
  return startCpu();
}

/** The defaults of {@link InitBackendOptions}. */
export const DEFAULT_INIT_BACKEND_OPTIONS = Object.freeze({
  backend: 'wasm' as BackendName,
  wasmPaths: undefined as InitBackendOptions['wasmPaths'],
  threads: 'auto' as number | 'auto',
  pinThreads: false,
  fallbackToCpu: true,
  onWarning: undefined as InitBackendOptions['onWarning'],
});

/** Checks {@link InitBackendOptions} (names, then values) and fills in the defaults. */
function resolveInitBackendOptions(options: InitBackendOptions | undefined) {
  const where = 'initBackend';
  const o = validate.withDefaults(where, options, DEFAULT_INIT_BACKEND_OPTIONS);
  validate.oneOf(where, 'backend', o.backend, BACKEND_NAMES);
  if (o.threads !== 'auto' && !(Number.isInteger(o.threads) && o.threads >= 1 && o.threads <= 8)) {
    validate.invalid(where, 'threads', o.threads, "must be 'auto' or an integer in [1, 8]");
  }
  validate.boolean(where, 'pinThreads', o.pinThreads);
  validate.boolean(where, 'fallbackToCpu', o.fallbackToCpu);
  const paths = o.wasmPaths;
  if (paths !== undefined && typeof paths !== 'string') {
    if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) {
      validate.invalid(
        where,
        'wasmPaths',
        o.wasmPaths,
        'must be a URL prefix or a map of file names to URLs',
      );
    }
    for (const [file, url] of Object.entries(paths)) {
      if (typeof url !== 'string' || url === '') {
        validate.invalid(where, `wasmPaths['${file}']`, url, 'must be a non-empty URL string');
      }
    }
  }
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function') {
    validate.invalid(where, 'onWarning', o.onWarning, 'must be a function (message: string) => void');
  }
  return o;
}

const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'cpu'];

/** Starts the wasm backend; `problem` says why it could not, `threadCount` is what it runs with. */
async function startWasm(
  wasmPaths: InitBackendOptions['wasmPaths'],
  threads: number | 'auto',
  warn: (message: string) => void,
): Promise<{ problem: string | null; threadCount: number }> {
  let restore = () => {};
  let threadCount = 1;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasmPaths !== undefined) wasm.setWasmPaths(wasmPaths as Parameters<typeof wasm.setWasmPaths>[0]);
    registerWasmKernels();
    const initialized = tf.engine().registry['wasm'] !== undefined;
    if (initialized) {
      threadCount = wasm.getThreadsCount();
      if (threads !== 'auto' && threads > threadCount) {
        warn(
          `rnnkit: the wasm backend already runs with ${threadCount} thread(s); threads: ${threads} needs a new process.`,
        );
      }
    } else {
      threadCount = threads === 'auto' ? await platform.autoThreads() : threads;
      if (threadCount > 1) {
        const undo = await platform.enableWasmThreads(threadCount);
        if (undo === null) wasm.setThreadsCount(threadCount);
        else restore = undo;
      }
    }
    const started = await tf.setBackend('wasm');
    return { problem: started ? null : 'tf.setBackend("wasm") returned false', threadCount };
  } catch (error) {
    return { problem: (error as Error).message, threadCount };
  } finally {
    restore();
    // Also after a failed start: the glue installs its process handlers before it loads the binary.
    platform.afterWasmStart();
  }
}

/**
 * Gives rnnkit's matrix product as many threads as the backend: helper threads where the
 * platform starts them; where it cannot, XNNPACK's product keeps running with more than 1.
 */
async function startProductThreads(threadCount: number): Promise<void> {
  if (threadCount > 1 && platform.startHelper !== null) {
    await startProductHelpers(tf.backend(), threadCount - 1, platform.startHelper);
  }
  setBackendThreads(threadCount);
}

async function startCpu(): Promise<'cpu'> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_BACKEND_UNAVAILABLE',
      'No backend is available: install @tensorflow/tfjs-backend-wasm (fast) or @tensorflow/tfjs-backend-cpu, ' +
        'at the version of @tensorflow/tfjs-core.',
      { cause },
    );
  }
  if (!(await tf.setBackend('cpu'))) {
    throw new RnnModelsError('RNN_MODELS_BACKEND_UNAVAILABLE', 'tf.setBackend("cpu") failed.');
  }
  return 'cpu';
}
