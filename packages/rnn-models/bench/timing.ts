// The benches' timing protocol (shared/bench/README.md, "What is measured"): 1 warm-up step,
// then up to `steps` timed steps while the phase (warm-up included) is within `budgetS`; the
// median timed step is reported (the warm-up alone when it used the budget). Shared by
// case-child.ts and other workspace benches through this folder's package.json.
import type { Phase, Progress } from './protocol.js';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Timing {
  readonly medianMs: number;
  readonly warmupMs: number;
  readonly steps: number;
  readonly minMs: number | null;
  readonly maxMs: number | null;
}

/** Progress as case-child.ts reports it, without the wall clock. */
export type PhaseProgress = Omit<Progress, 'wallMs'>;

/** 1 warm-up step, then up to `steps` timed steps while the phase is within `budgetS`. */
export async function timedPhase(
  phase: Phase,
  steps: number,
  budgetS: number,
  step: () => Promise<void>,
  onProgress: (p: PhaseProgress) => void = () => {},
): Promise<Timing> {
  const start = performance.now();
  onProgress({ phase, started: 'warm-up' });
  await step();
  const warmupMs = performance.now() - start;
  onProgress({ phase, warmup: true, stepMs: warmupMs });
  const times: number[] = [];
  while (times.length < steps && (performance.now() - start) / 1000 < budgetS) {
    onProgress({ phase, started: `step ${times.length + 1}` });
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
    onProgress({ phase, stepMs: times[times.length - 1]! });
  }
  return {
    // No timed step: the warm-up alone used the budget and is what gets reported.
    medianMs: times.length ? median(times) : warmupMs,
    warmupMs,
    steps: times.length,
    minMs: times.length ? Math.min(...times) : null,
    maxMs: times.length ? Math.max(...times) : null,
  };
}
