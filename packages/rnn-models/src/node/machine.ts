import { cpus, loadavg, platform, release } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';

/** What a measured figure was measured on: the block the examples write into their results. */
export interface MachineDescription {
  /** The first CPU's model name, as `os.cpus()` reports it. */
  readonly cpu: string;
  /** CPUs of the machine (not the CPUs this thread is pinned to). */
  readonly cores: number;
  /** `os.platform()` and `os.release()`, e.g. `linux 6.1.0-18-amd64`. */
  readonly platform: string;
  /** `process.version`. */
  readonly node: string;
  /** tfjs' active backend (`wasm`, `cpu`), or `none` before one is set. */
  readonly backend: string;
  /** The wasm backend's thread count; 1 on other backends. */
  readonly threads: number;
  /**
   * 1-, 5- and 15-minute load averages when described: times measured beside other work are
   * slower than on a quiet machine, and this says how busy it was.
   */
  readonly loadAverage: readonly [number, number, number];
}

/**
 * Describes this machine and the active tfjs backend, for results files and benchmark reports.
 * Call it after `initBackend`, and again at the end of a long run to record the load it ran under.
 * Reads no tensors and creates none.
 *
 * @example
 * await initBackend({ backend: 'wasm', threads: 2 });
 * const machine = await describeMachine(); // { cpu: 'AMD EPYC…', cores: 2, backend: 'wasm', threads: 2, … }
 */
export async function describeMachine(): Promise<MachineDescription> {
  const backend = tf.getBackend() ?? 'none';
  let threads = 1;
  if (backend === 'wasm') {
    // The wasm package is an optional peer: only asked when it is the active backend.
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    threads = wasm.getThreadsCount();
  }
  const [one = 0, five = 0, fifteen = 0] = loadavg().map((load) => Number(load.toFixed(2)));
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    platform: `${platform()} ${release()}`,
    node: process.version,
    backend,
    threads,
    loadAverage: [one, five, fifteen],
  };
}
