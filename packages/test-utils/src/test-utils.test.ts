import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectErrorCode, expectNoLeaks, expectTensorsClose } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('expectNoLeaks', () => {
  it('passes for a tidy computation', async () => {
    await expectNoLeaks(() => tf.tidy(() => tf.sum(tf.add(tf.ones([3]), 1)).dataSync()));
  });

  it('fails when a run keeps a tensor alive', async () => {
    const kept: tf.Tensor[] = [];
    await expect(expectNoLeaks(() => kept.push(tf.ones([2])))).rejects.toThrow(/tensors alive/);
    tf.dispose(kept);
  });

  it('ignores tensors created once during warm-up', async () => {
    let cache: tf.Tensor | undefined;
    await expectNoLeaks(() => {
      cache ??= tf.zeros([4]);
      return tf.tidy(() => tf.add(cache!, 1).dataSync());
    });
    cache?.dispose();
  });
});

describe('expectTensorsClose', () => {
  it('accepts values within atol + rtol·|expected|', () => {
    const t = tf.tensor2d([
      [1, 2],
      [3, 4.00001],
    ]);
    expectTensorsClose(t, [
      [1, 2],
      [3, 4],
    ]);
    t.dispose();
  });

  it('rejects a value outside tolerance and names the element', () => {
    expect(() => expectTensorsClose([1, 2, 3.1], [1, 2, 3])).toThrow(/element 2/);
  });

  it('rejects different shapes and NaN against a number', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 2]);
    expect(() => expectTensorsClose(a, b)).toThrow();
    expect(() => expectTensorsClose([Number.NaN], [0])).toThrow(/element 0/);
    tf.dispose([a, b]);
  });
});

describe('expectErrorCode', () => {
  class CodedError extends Error {
    constructor(readonly code: 'A' | 'B') {
      super(code);
    }
  }
  it('passes for the right class and code, sync and async, and returns the error', async () => {
    const error = expectErrorCode(
      () => {
        throw new CodedError('A');
      },
      CodedError,
      'A',
    );
    expect(error.code).toBe('A');
    await expectErrorCode(Promise.reject(new CodedError('B')), CodedError, 'B');
    await expectErrorCode(
      async () => {
        throw new CodedError('B');
      },
      CodedError,
      'B',
    );
  });
  it('fails when nothing is thrown, or the class or code differ', async () => {
    expect(() => expectErrorCode(() => 1, CodedError, 'A')).toThrow();
    expect(() =>
      expectErrorCode(
        () => {
          throw new CodedError('B');
        },
        CodedError,
        'A',
      ),
    ).toThrow();
    expect(() =>
      expectErrorCode(
        () => {
          throw new Error('plain');
        },
        CodedError,
        'A',
      ),
    ).toThrow();
    await expect(expectErrorCode(Promise.resolve(1), CodedError, 'A')).rejects.toThrow();
  });
});
