import type { StartHelper } from './wasm-gemm.js';

/**
 * What `initBackend` needs that differs between Node and other runtimes. The package's
 * `#node-platform` import picks the implementation by export condition: `node/platform.ts` under
 * `node`, `browser-platform.ts` elsewhere — so a browser bundle never contains the Node-only
 * patches (`os.cpus`, `worker_threads.Worker`, `taskset`).
 */
export interface BackendPlatform {
  /** The thread count `threads: 'auto'` resolves to, at the wasm backend's first start. */
  autoThreads(): Promise<number>;
  /**
   * Prepares tfjs' threaded wasm build for `threads` threads before the backend's first start.
   * Returns the function that undoes the start-up patches once the backend runs (the platform
   * then sets tfjs' thread count itself), or `null` where initBackend's own `setThreadsCount`
   * call is enough (a browser page that is not cross-origin isolated).
   */
  enableWasmThreads(threads: number): Promise<(() => void) | null>;
  /** Pins the wasm pool threads (see `InitBackendOptions.pinThreads`); a string says why it did not. */
  pinWasmThreads(): Promise<string | null>;
  /**
   * Undoes what the wasm module's start did to the process (Node: emscripten's
   * `uncaughtException`/`unhandledRejection` handlers, which turn any error of the program into
   * exit code 7 and a screen of minified glue). Called after every start attempt; idempotent.
   */
  afterWasmStart(): void;
  /**
   * Starts one helper thread for rnnkit's matrix product running `source` (CommonJS) with
   * `workerData`; resolves to whether it runs and said it is ready. `null` where the platform
   * has no such threads (the product then runs only with a 1-thread backend).
   */
  readonly startHelper: StartHelper | null;
  /** Where warnings go when the caller passes no `onWarning`. */
  defaultWarning(message: string): void;
}
