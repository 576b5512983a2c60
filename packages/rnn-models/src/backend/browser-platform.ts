import type { BackendPlatform } from './platform.js';

/** The part of a Web Worker {@link startWorkerHelper} uses (the package builds without DOM types). */
interface HelperWorker {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: (() => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

/** How long a helper Worker may take to say it is ready before the product runs without it. */
const HELPER_START_MS = 10_000;

/**
 * Starts one helper thread for rnnkit's matrix product (see `StartHelper`) as a Web Worker made
 * from a Blob URL; `data` (the compiled module, the backend's shared memory, the job's address)
 * is posted to it. Only where the backend's memory can be shared: a cross-origin-isolated page or
 * worker. Resolves to `false` — the product then runs on the calling thread alone — when workers
 * cannot start (no Worker, a Content-Security-Policy without `blob:` workers) or one does not say
 * it is ready within {@link HELPER_START_MS}.
 */
async function startWorkerHelper(source: string, data: Record<string, unknown>): Promise<boolean> {
  const scope = globalThis as {
    crossOriginIsolated?: boolean;
    Worker?: new (url: string, options: { name: string }) => HelperWorker;
    Blob?: typeof Blob;
    URL?: typeof URL;
  };
  if (scope.crossOriginIsolated !== true || !scope.Worker || !scope.Blob || !scope.URL?.createObjectURL)
    return false;
  const script =
    "self.onmessage = (event) => {\nself.onmessage = null;\nconst data = event.data;\nconst ready = () => self.postMessage('ready');\n" +
    `${source}\n};\n`;
  const url = scope.URL.createObjectURL(new scope.Blob([script], { type: 'text/javascript' }));
  let worker: HelperWorker;
  try {
    // Named, so a browser's developer tools (and rnnkit's browser tests) can tell it from tfjs' own.
    worker = new scope.Worker(url, { name: 'rnnkit-product-helper' });
  } catch {
    scope.URL.revokeObjectURL(url);
    return false;
  }
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), HELPER_START_MS);
    const settle = (value: boolean) => {
      clearTimeout(timer);
      resolve(value);
    };
    worker.onmessage = (event) => settle(event.data === 'ready');
    worker.onerror = () => settle(false);
    try {
      worker.postMessage(data);
    } catch {
      settle(false);
    }
  });
  scope.URL.revokeObjectURL(url);
  worker.onmessage = null;
  if (!ready) worker.terminate();
  return ready;
}

/**
 * {@link BackendPlatform} outside Node: `threads: 'auto'` from the core count, no pinning, no process handlers, warnings dropped,
 * the product's helper threads as Web Workers.
 *
 * Threads: tfjs-backend-wasm 4.22's native side caps its pool at half of
 * `navigator.hardwareConcurrency` (emscripten's `num_logical_cores`), so a 2-core machine got
 * 1 thread whatever `setThreadsCount` asked. In a cross-origin-isolated page or worker (where
 * the threaded build runs) the count reads at least `2 × threads` while the backend starts;
 * the returned function puts the browser's own value back.
 */
export const platform: BackendPlatform = {
  // A page cannot see other processes' load: half the logical cores (1 on a 2-core machine,
  // where a second thread loses as soon as anything else runs), at most 4; 1 where the
  // threaded build cannot start (not cross-origin isolated).
  autoThreads: async () => {
    const scope = globalThis as {
      crossOriginIsolated?: boolean;
      navigator?: { hardwareConcurrency?: number };
    };
    if (scope.crossOriginIsolated !== true) return 1;
    return Math.max(1, Math.min(4, Math.floor((scope.navigator?.hardwareConcurrency ?? 2) / 2)));
  },
  enableWasmThreads: async (threads) => {
    const scope = globalThis as {
      crossOriginIsolated?: boolean;
      navigator?: { hardwareConcurrency?: number };
    };
    const navigator = scope.navigator;
    if (scope.crossOriginIsolated !== true || navigator === undefined) return null;
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(threads);
    if ((navigator.hardwareConcurrency ?? 0) >= 2 * threads) return () => {};
    // An own property shadows the prototype's getter; deleting it restores the browser's value.
    Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => 2 * threads });
    return () => {
      delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
    };
  },
  pinWasmThreads: async () => 'it works in Node only',
  startHelper: startWorkerHelper,
  afterWasmStart: () => {},
  defaultWarning: () => {},
};
