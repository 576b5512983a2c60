// CPU pinning for the threaded wasm backend in Node on Linux (`initBackend`'s `pinThreads`).
// XNNPACK splits each product between the calling thread and its pool workers, and the caller
// busy-waits for them (emscripten's futex wait on the main thread spins). Linux often wakes a
// sleeping worker on the waker's own CPU, where it runs only when the spinning caller's time
// slice ends. Measurements: the README.

import { RnnModelsError } from '../../errors.js';

/** Parses a Linux CPU list such as `0-3,6,8-9`. @internal */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    if (part === '') continue;
    const [from, to = from] = part.split('-').map(Number) as [number, number?];
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) {
      throw new RnnModelsError(
        'RNN_MODELS_BACKEND_UNAVAILABLE',
        `pinThreads: not a CPU list: ${JSON.stringify(list)} (read from /proc/thread-self/status).`,
      );
    }
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** Where {@link pinWasmThreads} put the threads. */
export interface ThreadPinning {
  /** The CPU the calling (JavaScript) thread now runs on alone. */
  readonly callerCpu: number;
  /** The CPUs the wasm pool workers share. */
  readonly workerCpus: readonly number[];
}

/**
 * Pins the calling thread to the CPU it runs on now and the wasm backend's pool workers
 * (`workerThreadIds`) to the other CPUs it may use, with `taskset`. Node on Linux only.
 * @returns the pinning, or why nothing was pinned (another OS, fewer than 2 CPUs, no
 *   `taskset`, no worker ids).
 */
export async function pinWasmThreads(workerThreadIds: readonly number[]): Promise<ThreadPinning | string> {
  if (typeof process === 'undefined' || process.platform !== 'linux') return 'thread pinning needs Linux';
  if (workerThreadIds.length === 0) return 'the wasm backend reported no worker threads';
  const [{ readFileSync, readlinkSync }, { execFileSync }] = await Promise.all([
    import('node:fs'),
    import('node:child_process'),
  ]);
  const status = readFileSync('/proc/thread-self/status', 'utf8');
  const allowed = parseCpuList(/^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? '');
  if (allowed.length < 2) return `only ${allowed.length} CPU(s) available to this thread`;
  const callerThreadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  // Field 39 of stat, "processor": counted after the command name, which may hold spaces.
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]);
  const callerCpu = allowed.includes(current) ? current : allowed[0]!;
  const workerCpus = allowed.filter((cpu) => cpu !== callerCpu);
  const commands = [
    `taskset -p -c ${callerCpu} ${callerThreadId}`,
    ...workerThreadIds.map((id) => `taskset -p -c ${workerCpus.join(',')} ${id}`),
  ];
  try {
    execFileSync('sh', ['-c', commands.join(' && ')], { stdio: 'ignore' });
  } catch (error) {
    return `taskset failed (${(error as Error).message.split('\n')[0]}); install util-linux`;
  }
  return { callerCpu, workerCpus };
}
