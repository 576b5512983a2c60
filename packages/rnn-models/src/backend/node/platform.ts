import type { BackendPlatform } from '../platform.js';
import { autoThreadCount } from './idle-cores.js';
import { removeWasmProcessHandlers } from './process-handlers.js';
import { pinWasmThreads } from './thread-affinity.js';
import {
  enableNodeWasmThreads,
  helperThreadIds,
  startHelperThread,
  wasmPoolThreadIds,
} from './wasm-threads.js';

/** {@link BackendPlatform} in Node: idle cores for `threads: 'auto'`, the threaded build's patches, `taskset` pinning, emscripten's process handlers removed, `process.emitWarning`. */
export const platform: BackendPlatform = {
  autoThreads: autoThreadCount,
  enableWasmThreads: (threads) => enableNodeWasmThreads(threads),
  pinWasmThreads: async () => {
    const pinned = await pinWasmThreads([...wasmPoolThreadIds(), ...helperThreadIds()]);
    return typeof pinned === 'string' ? pinned : null;
  },
  afterWasmStart: removeWasmProcessHandlers,
  startHelper: startHelperThread,
  defaultWarning: (message) => process.emitWarning(message),
};
