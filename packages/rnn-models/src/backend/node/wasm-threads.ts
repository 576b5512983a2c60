import * as tf from '@tensorflow/tfjs-core';

/** Worker prologue: stores the worker's Linux thread id (from /proc/thread-self) in its slot; nothing elsewhere. */
const REPORT_THREAD_ID =
  "try{const d=require('worker_threads').workerData;if(d&&d.rnnkitThreadId){Atomics.store(new Int32Array(d.rnnkitThreadId),0," +
  "Number(require('fs').readlinkSync('/proc/thread-self').split('/').pop())||0)}}catch(e){};";

/** One slot per emscripten pthread worker started by {@link enableNodeWasmThreads}. */
const poolThreadIdSlots: Int32Array[] = [];

/** One slot per helper thread started by {@link startHelperThread}. */
const helperThreadIdSlots: Int32Array[] = [];

const reported = (slots: Int32Array[]) => slots.map((slot) => Atomics.load(slot, 0)).filter((id) => id > 0);

/** Linux thread ids of the wasm backend's pthread workers that reported one (none outside Linux). @internal */
export function wasmPoolThreadIds(): number[] {
  return reported(poolThreadIdSlots);
}

/** Linux thread ids of rnnkit's product helper threads that reported one (none outside Linux). @internal */
export function helperThreadIds(): number[] {
  return reported(helperThreadIdSlots);
}

/**
 * Lets tfjs-backend-wasm 4.22 start its threaded-SIMD build in Node, which tfjs refuses
 * there (tensorflow/tfjs#3830); what it gains and costs is measured in the README. Three tfjs 4.22 internals are
 * worked around, so re-check on every tfjs upgrade:
 *  1. the `WASM_HAS_MULTITHREAD_SUPPORT` flag is hard-wired false in Node — set it;
 *  2. tfjs hands emscripten a `blob:` URL for the worker script and a Blob for the main
 *     script, which Node's `worker_threads` cannot load — a Worker subclass evaluates the
 *     worker source instead and passes the main script's file path;
 *  3. the native side caps threads at `os.cpus().length / 2` (1 on 2 cores) — `os.cpus`
 *     reports enough cores while the backend initializes.
 * Workers stay `unref`ed (emscripten's `ref()` is ignored) so they never keep a finished
 * Node process alive: XNNPACK's pool threads idle for the life of the backend.
 *
 * Call before the wasm backend is first initialized; call the returned function once it is.
 */
export async function enableNodeWasmThreads(threads: number): Promise<() => void> {
  const [{ createRequire }, path, os, workerThreads] = await Promise.all([
    import('node:module'),
    import('node:path'),
    import('node:os'),
    import('node:worker_threads'),
  ]);
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const mainScript = path.join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const workerModule = require(
    path.join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as {
    wasmWorkerContents: string;
  };
  // The escaping tfjs itself applies before it makes the Blob; first, each worker reports its
  // Linux thread id (for pinThreads) through a shared slot in its workerData.
  const workerSource = REPORT_THREAD_ID + workerModule.wasmWorkerContents.replace(/\n/g, '\\n');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');

  // emscripten reads require('worker_threads').Worker: the module object is shared, so patch it there.
  const workers = (workerThreads as unknown as { default?: typeof workerThreads }).default ?? workerThreads;
  const NodeWorker = workers.Worker;
  class PthreadWorker extends NodeWorker {
    constructor(filename: string | URL, options?: ConstructorParameters<typeof NodeWorker>[1]) {
      // The worker source is CommonJS: don't let the parent's flags (`--input-type=module`) reinterpret it.
      if (typeof filename === 'string' && filename.startsWith('blob:')) {
        const slot = new Int32Array(new SharedArrayBuffer(4));
        super(workerSource, {
          ...options,
          eval: true,
          execArgv: [],
          workerData: { rnnkitThreadId: slot.buffer },
        });
        poolThreadIdSlots.push(slot);
      } else {
        super(filename, options);
      }
      this.unref();
    }
    // emscripten refs a worker while its pthread runs; XNNPACK's pool threads run for the
    // life of the backend, so a ref would keep a finished Node process from exiting.
    override ref(): void {}
    override postMessage(
      message: unknown,
      transfer?: Parameters<InstanceType<typeof NodeWorker>['postMessage']>[1],
    ) {
      const load = message as { cmd?: unknown; urlOrBlob?: unknown } | null;
      if (load?.cmd === 'load' && load.urlOrBlob !== undefined && typeof load.urlOrBlob !== 'string') {
        message = { ...load, urlOrBlob: mainScript };
      }
      super.postMessage(message, transfer);
    }
  }
  (workers as { Worker: typeof NodeWorker }).Worker = PthreadWorker;
  const nodeOs = (os as unknown as { default?: typeof os }).default ?? os;
  const realCpus = nodeOs.cpus;
  nodeOs.cpus = () => {
    const cpus = realCpus.call(nodeOs);
    return Array.from({ length: 2 * threads }, (_, k) => cpus[k % cpus.length]!);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  return () => {
    nodeOs.cpus = realCpus;
    (workers as { Worker: typeof NodeWorker }).Worker = NodeWorker;
  };
}

/**
 * Starts one helper thread for rnnkit's matrix product (see `StartHelper`): a `worker_threads`
 * Worker evaluating `source` with `data` as its workerData, kept referenced until it is ready (so
 * a caller awaiting it is not cut short by an otherwise idle process), then `unref`ed like
 * XNNPACK's pool threads.
 */
export async function startHelperThread(source: string, data: Record<string, unknown>): Promise<boolean> {
  const { Worker } = await import('node:worker_threads');
  const script =
    REPORT_THREAD_ID +
    "const { parentPort, workerData: data } = require('node:worker_threads');\n" +
    "const ready = () => parentPort.postMessage('ready');\n" +
    source;
  // Reports its thread id to be pinned with the pool's workers (pinThreads): unpinned, Linux may
  // run it on the caller's CPU, which then waits for its share of the work.
  const slot = new Int32Array(new SharedArrayBuffer(4));
  let worker: InstanceType<typeof Worker>;
  try {
    worker = new Worker(script, {
      eval: true,
      execArgv: [],
      workerData: { ...data, rnnkitThreadId: slot.buffer },
    });
  } catch {
    return false;
  }
  const ready = await new Promise<boolean>((resolve) => {
    worker.once('message', (message) => resolve(message === 'ready'));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  if (!ready) {
    await worker.terminate();
  } else {
    worker.unref();
    helperThreadIdSlots.push(slot);
  }
  return ready;
}
