import type { BackendPlatform } from './platform.js';

/** {@link BackendPlatform} outside Node: tfjs' own thread count, no pinning, no process handlers, warnings dropped. */
export const platform: BackendPlatform = {
  enableWasmThreads: async () => null,
  pinWasmThreads: async () => 'it works in Node only',
  afterWasmStart: () => {},
  defaultWarning: () => {},
};
