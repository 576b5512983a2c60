import { readFileSync, readlinkSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { parseCpuList } from './node/thread-affinity.js';
import { helperThreadIds, wasmPoolThreadIds } from './node/wasm-threads.js';

const allowedCpus = (threadId: number | 'thread-self') => {
  const path = threadId === 'thread-self' ? '/proc/thread-self/status' : `/proc/self/task/${threadId}/status`;
  return parseCpuList(/^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(path, 'utf8'))![1]!);
};

describe('parseCpuList', () => {
  it('reads ranges and single CPUs, and rejects anything else', () => {
    expect(parseCpuList('0-3,6,8-9\n')).toEqual([0, 1, 2, 3, 6, 8, 9]);
    expect(parseCpuList('5')).toEqual([5]);
    expect(() => parseCpuList('3-1')).toThrow(/not a CPU list/);
    expect(() => parseCpuList('a')).toThrow(/not a CPU list/);
  });
});

// Its own file (its own process): threads and pinning are set at the wasm backend's first start.
const linuxWithTwoCpus = process.platform === 'linux' && allowedCpus('thread-self').length >= 2;
describe.runIf(linuxWithTwoCpus)('initBackend({ threads: 2, pinThreads: true }) on Linux', () => {
  it('puts the calling thread on one CPU and the wasm workers and product helper on the others, and computes correctly', async () => {
    const before = allowedCpus('thread-self');
    const warnings: string[] = [];
    expect(await initBackend({ threads: 2, pinThreads: true, onWarning: (m) => warnings.push(m) })).toBe(
      'wasm',
    );
    expect(warnings).toEqual([]);
    const caller = allowedCpus('thread-self');
    expect(caller).toHaveLength(1);
    expect(before).toContain(caller[0]);
    const workers = wasmPoolThreadIds();
    expect(workers.length).toBeGreaterThanOrEqual(1);
    // rnnkit's product helper too.
    expect(helperThreadIds()).toHaveLength(1);
    workers.push(...helperThreadIds());
    const callerId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    for (const id of workers) {
      expect(id).not.toBe(callerId);
      const cpus = allowedCpus(id);
      expect(cpus).not.toContain(caller[0]);
      expect(cpus).toEqual(before.filter((cpu) => cpu !== caller[0]));
    }
    // The products still come out right with the threads moved: 64 ones per dot product.
    const product = tf.matMul(tf.ones([64, 64]), tf.ones([64, 256]));
    expect(new Set(await product.data())).toEqual(new Set([64]));
    product.dispose();
  });
});
