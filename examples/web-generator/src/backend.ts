// The wasm backend in a page or a worker: Vite serves tfjs' three wasm binaries as assets and
// rnnkit's initBackend gets their URLs; threads when the page is cross-origin isolated.
import { initBackend } from '@rnnkit/rnn-models';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';

export interface BackendInfo {
  readonly backend: 'wasm' | 'cpu';
  /** Threads the wasm backend runs (1 without cross-origin isolation). */
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  /** What tfjs detected: its threaded build needs both. */
  readonly simd: boolean;
  readonly threadsSupported: boolean;
}

/**
 * Threads to ask for: `requested` (the page's `?threads=` parameter) when given, else 'auto'
 * (rnnkit's browser choice: half the logical cores, 1–4, so 1 on a 2-core machine) when the
 * page is cross-origin isolated; 1 when it is not (no SharedArrayBuffer, no threaded build).
 * The count that runs is `BackendInfo.threads`.
 */
export function chooseThreads(requested: number | null): number | 'auto' {
  if (!globalThis.crossOriginIsolated) return 1;
  return requested ?? 'auto';
}

/** Starts the wasm backend (cpu if wasm cannot start, with `onWarning` saying why). */
export async function startBackend(
  threads: number | 'auto',
  onWarning: (message: string) => void = () => {},
): Promise<BackendInfo> {
  const backend = await initBackend({
    backend: 'wasm',
    threads,
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    },
    onWarning,
  });
  return {
    backend,
    threads: backend === 'wasm' ? getThreadsCount() : 1,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    threadsSupported: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
  };
}

/** The `?threads=N` parameter of a URL (1–8), or null. */
export function threadsParameter(search: string): number | null {
  const raw = new URLSearchParams(search).get('threads');
  if (raw === null) return null;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 1 && value <= 8 ? value : null;
}
