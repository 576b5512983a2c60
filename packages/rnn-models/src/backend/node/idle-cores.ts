import * as os from 'node:os';

/** How long {@link autoThreadCount} watches the CPUs; once per process (threads are fixed at the first start). */
const SAMPLE_MS = 200;

/**
 * Cores left idle by every other process over `ms`: the sum of each CPU's idle share of the
 * interval (`os.cpus()` times, /proc/stat on Linux). This process waits on a timer meanwhile,
 * so it counts itself out.
 */
export async function idleCores(ms: number = SAMPLE_MS): Promise<number> {
  const before = os.cpus();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = os.cpus();
  const total = (times: os.CpuInfo['times']) => times.user + times.nice + times.sys + times.idle + times.irq;
  let idle = 0;
  for (const [k, cpu] of after.entries()) {
    const start = before[k];
    if (start === undefined) continue;
    const elapsed = total(cpu.times) - total(start.times);
    if (elapsed > 0) idle += (cpu.times.idle - start.times.idle) / elapsed;
  }
  return idle;
}

/**
 * `threads: 'auto'` for `idle` idle cores out of `cores`: as many threads as cores sit idle
 * (rounded down unless nearly whole), at least 1 and at most 4. XNNPACK's caller busy-waits for
 * every worker, so a worker that has to share a core with a busy process stalls each product
 * (README: one busy process on a 2-core machine made 2 threads slower than 1).
 */
export function threadsForIdleCores(idle: number, cores: number): number {
  return Math.max(1, Math.min(cores, 4, Math.floor(idle + 0.25)));
}

/** `threads: 'auto'` in Node: {@link threadsForIdleCores} of what {@link idleCores} sees now. */
export async function autoThreadCount(): Promise<number> {
  return threadsForIdleCores(await idleCores(), os.availableParallelism());
}
