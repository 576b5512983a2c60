// What rnn.bench.ts and its child processes (case-child.ts) say to each other: the request
// goes in as argv[2] (JSON), progress and the result come back as JSON lines on stdout.
import type { BenchConfig } from './config.js';

export type Impl = 'stock' | 'rnnkit';
export type Phase = 'train' | 'infer';

/** `initBackend`'s `threads`: a fixed wasm thread count, or 'auto' (idle cores at the start). */
export type ThreadSetting = number | 'auto';

/** Start the backend and report what it runs with. */
export interface ProbeRequest {
  readonly probe: true;
  readonly threads: number;
  readonly pinThreads: boolean;
}

/** Time one phase of one config with one implementation. */
export interface CaseRequest {
  readonly probe?: false;
  readonly config: BenchConfig;
  readonly impl: Impl;
  readonly phase: Phase;
  readonly steps: number;
  readonly budgetS: number;
  /** Passed to `initBackend` as is; the record says what it gave (`threads`). */
  readonly threads: ThreadSetting;
  /** `initBackend`'s `pinThreads` (both implementations alike). */
  readonly pinThreads: boolean;
  readonly seed: number;
  /** Which wasm kernels stock tfjs-layers runs on; see `--stock-kernels` in rnn.bench.ts. */
  readonly stockKernels: StockKernels;
}

/**
 * `bare`: tfjs-backend-wasm's own kernels plus only the `UnsortedSegmentSum` Embedding's gradient
 * needs (stock as users have it); `rnnkit`: also rnnkit's in-place `Slice`/`Unpack`/`SplitV`,
 * which make stock's per-step loop much faster.
 */
export type StockKernels = 'bare' | 'rnnkit';

export interface ProbeResult {
  readonly backend: string;
  readonly threads: number;
}

/** Progress of a phase; the parent keeps the last ones in case the child dies. */
export interface Progress {
  readonly phase: Phase;
  /** Set when a step starts ('warm-up' or 'step N'), absent when one ended. */
  readonly started?: string;
  readonly warmup?: boolean;
  readonly stepMs?: number;
  /** The wasm threads the backend started with: sent once, before the warm-up. */
  readonly threads?: number;
  /** Date.now() when the line was written. */
  readonly wallMs: number;
}

/** Fields of one phase's record, named as in shared/bench/results-baseline.jsonl. */
export type PhaseRecord = Record<string, unknown>;

export type ChildMessage = { readonly progress: Progress } | { readonly result: PhaseRecord | ProbeResult };
