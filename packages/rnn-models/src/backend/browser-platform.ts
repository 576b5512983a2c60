import type { BackendPlatform } from './platform.js';

/**
 * {@link BackendPlatform} outside Node: `threads: 'auto'` from the core count, no pinning, no process handlers, warnings dropped.
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
  startHelper: null,
  afterWasmStart: () => {},
  defaultWarning: () => {},
};
