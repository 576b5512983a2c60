import * as os from 'node:os';
import * as workerThreads from 'node:worker_threads';
import { expectTensorsClose } from '@rnnkit/test-utils';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { gruSequence } from '../ops/gru-sequence.js';
import { lstmSequence } from '../ops/lstm-sequence.js';
import { initBackend } from './backend.js';
import { nativeProduct, setNativeProduct, setWholeSequences } from './wasm-gemm.js';

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

  it.each([
    ['whole sequences', true],
    ['step kernels', false],
  ])(
    'splits the LSTM and GRU %s over batch rows between the threads, with the same bits as on one thread',
    async (_, whole) => {
      await initBackend({ threads: 2 });
      setWholeSequences(whole);
      onTestFinished(() => setWholeSequences(true));
      const runner = nativeProduct(tf.backend())!;
      const [batch, time, inputDim, units] = [64, 5, 12, 128];
      const seeded = <T extends tf.Tensor>(shape: number[], seed: number) =>
        tf.randomUniform(shape, -0.5, 0.5, 'float32', seed) as T;
      const x = seeded<tf.Tensor3D>([batch, time, inputDim], 1);
      const h0 = seeded<tf.Tensor2D>([batch, units], 2);
      const c0 = seeded<tf.Tensor2D>([batch, units], 3);
      // Rows with masked steps take the kernels' carry-over paths too.
      const mask = tf.tensor2d(
        Array.from({ length: batch * time }, (_, i) => (i % 7 === 3 ? 0 : 1)),
        [batch, time],
      );
      const recurrentMask = tf.cast(tf.greater(seeded([batch, units], 10), -0.3), 'float32') as tf.Tensor2D;
      const lstm = {
        kernel: seeded<tf.Tensor2D>([inputDim, 4 * units], 4),
        recurrentKernel: seeded<tf.Tensor2D>([units, 4 * units], 5),
        bias: seeded<tf.Tensor1D>([4 * units], 6),
      };
      const gru = {
        kernel: seeded<tf.Tensor2D>([inputDim, 3 * units], 7),
        recurrentKernel: seeded<tf.Tensor2D>([units, 3 * units], 8),
        bias: seeded<tf.Tensor2D>([2, 3 * units], 9),
      };
      const run = () =>
        tf.tidy(() => {
          // With and without recurrent dropout (whose forward pass runs step by step).
          const grads = [undefined, recurrentMask].flatMap((dropout) => [
            ...tf.grads((xs: tf.Tensor, u: tf.Tensor, h: tf.Tensor, c: tf.Tensor) =>
              tf.sum(
                tf.square(
                  lstmSequence(
                    xs as tf.Tensor3D,
                    h as tf.Tensor2D,
                    c as tf.Tensor2D,
                    { ...lstm, recurrentKernel: u as tf.Tensor2D },
                    { mask, recurrentMask: dropout },
                  ).outputs,
                ),
              ),
            )([x, lstm.recurrentKernel, h0, c0]),
            ...tf.grads((xs: tf.Tensor, u: tf.Tensor, h: tf.Tensor) =>
              tf.sum(
                tf.square(
                  gruSequence(
                    xs as tf.Tensor3D,
                    h as tf.Tensor2D,
                    { ...gru, recurrentKernel: u as tf.Tensor2D },
                    { mask, recurrentMask: dropout },
                  ).outputs,
                ),
              ),
            )([x, gru.recurrentKernel, h0]),
          ]);
          return grads.map((g) => Array.from(g.dataSync()));
        });
      // On a busy machine the helper may wake after the calling thread has done every block: retry.
      const before = runner.helpedRowItems;
      let shared = run();
      for (let attempt = 0; attempt < 20 && runner.helpedRowItems === before; attempt++) shared = run();
      expect(runner.helpedRowItems).toBeGreaterThan(before);
      setNativeProduct(true, { helpers: false });
      const alone = run();
      setNativeProduct(true);
      // Counted, not diffed: a diff of 150k values takes minutes to print.
      const differing = shared.map(
        (values, i) => values.filter((v, j) => !Object.is(v, alone[i]![j])).length,
      );
      expect(differing).toEqual(shared.map(() => 0));
      expect(shared.map((values) => values.length)).toEqual(alone.map((values) => values.length));
      expect(shared[0]!.some((v) => v !== 0)).toBe(true);
      tf.dispose([x, h0, c0, mask, recurrentMask, ...Object.values(lstm), ...Object.values(gru)]);
    },
  );

  it('rejects an impossible thread count', async () => {
    await expect(initBackend({ threads: 0 })).rejects.toThrow(/threads/);
    await expect(initBackend({ threads: 9 })).rejects.toThrow(/threads/);
  });
});
