import * as os from 'node:os';
import * as workerThreads from 'node:worker_threads';
import { expectTensorsClose } from '@rnnkit/test-utils';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { nativeProduct, setNativeProduct } from './wasm-gemm.js';

// Its own file (its own worker): threads are chosen at the wasm backend's first start.
describe('initBackend({ threads: 2 }) in Node', () => {
  it('starts the threaded wasm build with two threads and computes correctly', async () => {
    const cpus = os.cpus;
    const Worker = workerThreads.Worker;
    expect(await initBackend({ threads: 2 })).toBe('wasm');
    expect(getThreadsCount()).toBe(2);
    // The start-up patches are undone.
    expect(os.cpus).toBe(cpus);
    expect(workerThreads.Worker).toBe(Worker);

    const a = tf.randomUniform([37, 53], -1, 1, 'float32', 1);
    const b = tf.randomUniform([53, 29], -1, 1, 'float32', 2);
    const product = tf.matMul(a, b);
    const [left, right] = [(a as tf.Tensor2D).arraySync(), (b as tf.Tensor2D).arraySync()];
    const expected = left.map((row) =>
      right[0]!.map((_, j) => row.reduce((sum, v, k) => sum + v * right[k]![j]!, 0)),
    );
    expectTensorsClose(product, expected, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([a, b, product]);
  });

  it("runs rnnkit's matrix product on a helper thread too, with the same bits as on one thread", async () => {
    await initBackend({ threads: 2 });
    const runner = nativeProduct(tf.backend());
    expect(runner?.helpers).toBe(1);
    const a = tf.randomUniform([517, 300], -1, 1, 'float32', 3);
    const b = tf.randomUniform([397, 300], -1, 1, 'float32', 4);
    const bias = tf.randomUniform([397], -1, 1, 'float32', 5);
    const product = () => tf.fused.matMul({ a, b, bias, transposeB: true, activation: 'relu' });
    // On a busy machine the helper may wake after the calling thread has done every item: retry.
    const before = runner!.helpedItems;
    let shared = product();
    for (let attempt = 0; attempt < 20 && runner!.helpedItems === before; attempt++) {
      shared.dispose();
      shared = product();
    }
    expect(runner!.helpedItems).toBeGreaterThan(before);
    setNativeProduct(true, { helpers: false });
    const alone = product();
    setNativeProduct(true);
    expect(Array.from(shared.dataSync())).toEqual(Array.from(alone.dataSync()));
    // And what XNNPACK computes, to float32 rounding.
    setNativeProduct(false);
    const xnnpack = product();
    setNativeProduct(true);
    expectTensorsClose(shared, xnnpack, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([a, b, bias, shared, alone, xnnpack]);
  });

  it('rejects an impossible thread count', async () => {
    await expect(initBackend({ threads: 0 })).rejects.toThrow(/threads/);
    await expect(initBackend({ threads: 9 })).rejects.toThrow(/threads/);
  });
});
