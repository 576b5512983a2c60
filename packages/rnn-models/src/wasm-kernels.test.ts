import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers the gradients
import { expectTensorsClose } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { registerWasmKernels } from './wasm-kernels.js';

/** Runs `fn` on a backend and returns plain values, so results can be compared across backends. */
async function on(
  backend: 'cpu' | 'wasm',
  fn: () => tf.Tensor,
): Promise<{ shape: number[]; values: number[] }> {
  await tf.setBackend(backend);
  const result = fn();
  const values = Array.from(await result.data());
  const shape = result.shape;
  result.dispose();
  return { shape, values };
}

describe('wasm UnsortedSegmentSum', () => {
  it('is registered once', () => {
    const first = registerWasmKernels();
    expect(registerWasmKernels()).toEqual([]);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    expect(first.length).toBeLessThanOrEqual(1);
  });

  it('equals the cpu kernel, out-of-range ids included', async () => {
    registerWasmKernels();
    const x = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ];
    const ids = [2, 0, 2, -1, 7];
    const sum = () => tf.unsortedSegmentSum(tf.tensor2d(x), tf.tensor1d(ids, 'int32'), 4);
    const cpu = await on('cpu', sum);
    const wasm = await on('wasm', sum);
    expect(wasm).toEqual(cpu);
    expect(wasm.values).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
  });

  it('gives Embedding-style gather gradients equal to the cpu backend', async () => {
    registerWasmKernels();
    const gradient = () => {
      const table = tf.tensor2d([
        [0.1, 0.2],
        [0.3, 0.4],
        [0.5, 0.6],
      ]);
      const indices = tf.tensor2d([[2, 0, 2]], [1, 3], 'int32');
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), tf.tensor([1, 2]))))(table);
      tf.dispose([table, indices]);
      return g;
    };
    const cpu = await on('cpu', gradient);
    const wasm = await on('wasm', gradient);
    expect(wasm.shape).toEqual([3, 2]);
    expectTensorsClose(wasm.values, cpu.values);
    expect(wasm.values).toEqual([1, 2, 0, 0, 2, 4]);
  });
});
