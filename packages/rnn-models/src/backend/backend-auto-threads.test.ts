import * as os from 'node:os';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';

// Its own file (its own worker): threads are chosen at the wasm backend's first start.
describe("initBackend() in Node: threads 'auto' by default", () => {
  it('starts with 1 to min(4, cores) threads, names no pinning problem when it takes 1, and computes', async () => {
    const warnings: string[] = [];
    // Read first: pinning narrows this process' CPU affinity, and availableParallelism with it.
    const cores = os.availableParallelism();
    expect(await initBackend({ pinThreads: true, onWarning: (m) => warnings.push(m) })).toBe('wasm');
    const threads = getThreadsCount();
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(threads).toBeLessThanOrEqual(Math.min(4, cores));
    // Pinning 2+ threads may fail for reasons of the machine (no taskset); 1 thread is silent.
    if (threads === 1) expect(warnings).toEqual([]);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(product.dataSync())).toEqual([11]);
    product.dispose();
  });

  it("accepts 'auto' again once started, and still rejects other strings", async () => {
    expect(await initBackend({ threads: 'auto' })).toBe('wasm');
    await expect(initBackend({ threads: 'max' as never })).rejects.toThrow(/threads/);
  });
});
