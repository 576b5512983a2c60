import { expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import {
  clipByGlobalNorm,
  clipByNorm,
  clipGradients,
  globalNorm,
  resolveGradientClipping,
} from './gradient-clipping.js';

useCpuBackend();

describe('globalNorm', () => {
  it('is √(Σ‖g‖²) over all tensors, NaN when any element is', () => {
    const a = tf.tensor1d([3]);
    const b = tf.tensor2d([[4, 0]]);
    const nan = tf.tensor1d([Number.NaN]);
    const norms = [globalNorm([a, b]), globalNorm([]), globalNorm([a, nan])];
    expect(norms.map((n) => n.dataSync()[0])).toEqual([5, 0, Number.NaN]);
    tf.dispose([a, b, nan, ...norms]);
  });
});

describe('clipByNorm (tf.clip_by_norm)', () => {
  it('scales a tensor above the norm to it and leaves one within unchanged', () => {
    const t = tf.tensor1d([3, 4]);
    const clipped = clipByNorm(t, 1);
    const kept = clipByNorm(t, 10);
    expectTensorsClose(clipped, [0.6, 0.8]);
    expect(Array.from(kept.dataSync())).toEqual([3, 4]);
    expect(t.isDisposed).toBe(false);
    expect(() => clipByNorm(t, 0)).toThrow(RnnModelsError);
    tf.dispose([t, clipped, kept]);
  });
});

describe('clipByGlobalNorm (tf.clip_by_global_norm)', () => {
  it('scales all tensors by clipNorm / max(globalNorm, clipNorm) and returns the norm before clipping', () => {
    const a = tf.tensor1d([3, 4]);
    const b = tf.tensor1d([0.3, 0.4]);
    const { tensors, globalNorm: norm } = clipByGlobalNorm([a, b], 1);
    const scale = 1 / Math.sqrt(25.25);
    expectTensorsClose(tensors[0]!, [3 * scale, 4 * scale]);
    expectTensorsClose(tensors[1]!, [0.3 * scale, 0.4 * scale]);
    expectTensorsClose(norm, [Math.sqrt(25.25)]);
    const loose = clipByGlobalNorm([a, b], 10);
    expect(Array.from(loose.tensors[1]!.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b, ...tensors, norm, ...loose.tensors, loose.globalNorm]);
  });
});

describe('clipGradients', () => {
  const gradients = () => [tf.tensor1d([3, 4]), tf.tensor1d([0.3, -0.4]), tf.tensor1d([-3, 0.5, 7])];

  it('applies each rule to hand-computed values, returning new tensors', () => {
    const g = gradients();
    const cases: Array<[Parameters<typeof resolveGradientClipping>[0], number[][]]> = [
      [
        {},
        [
          [3, 4],
          [0.3, -0.4],
          [-3, 0.5, 7],
        ],
      ],
      [
        { clipValue: 1 },
        [
          [1, 1],
          [0.3, -0.4],
          [-1, 0.5, 1],
        ],
      ],
      // Per tensor: norms 5, 0.5 and √58.25.
      [
        { clipNorm: 1 },
        [
          [0.6, 0.8],
          [0.3, -0.4],
          [-3 / Math.sqrt(58.25), 0.5 / Math.sqrt(58.25), 7 / Math.sqrt(58.25)],
        ],
      ],
      // Global norm √(25 + 0.25 + 58.25) = √83.5.
      [
        { globalClipNorm: 2 },
        [
          [6 / Math.sqrt(83.5), 8 / Math.sqrt(83.5)],
          [0.6 / Math.sqrt(83.5), -0.8 / Math.sqrt(83.5)],
          [-6 / Math.sqrt(83.5), 1 / Math.sqrt(83.5), 14 / Math.sqrt(83.5)],
        ],
      ],
    ];
    for (const [options, expected] of cases) {
      const clipped = clipGradients(g, resolveGradientClipping(options));
      clipped.forEach((t, i) => {
        expect(t).not.toBe(g[i]);
        expectTensorsClose(t, expected[i]!);
      });
      tf.dispose(clipped);
    }
    expect(g.every((t) => !t.isDisposed)).toBe(true);
    tf.dispose(g);
  });

  it('uses a precomputed global norm when given, and leaks nothing', async () => {
    const g = gradients();
    const norm = tf.scalar(20);
    const clipped = clipGradients(g, { kind: 'globalNorm', clipNorm: 2 }, norm);
    expectTensorsClose(clipped[0]!, [0.3, 0.4]);
    await expectNoLeaks(() => tf.dispose(clipGradients(g, resolveGradientClipping({ clipNorm: 1 }))));
    tf.dispose([...g, norm, ...clipped]);
  });
});

describe('resolveGradientClipping', () => {
  it('returns the one rule set, none by default', () => {
    expect(resolveGradientClipping({})).toEqual({ kind: 'none' });
    expect(resolveGradientClipping({ clipNorm: 2 })).toEqual({ kind: 'norm', clipNorm: 2 });
    expect(resolveGradientClipping({ clipValue: 0.5 })).toEqual({ kind: 'value', clipValue: 0.5 });
    expect(resolveGradientClipping({ globalClipNorm: 1 })).toEqual({ kind: 'globalNorm', clipNorm: 1 });
  });

  it('rejects values ≤ 0 or non-finite, and more than one rule (as Keras)', () => {
    for (const options of [
      { clipNorm: 0 },
      { clipValue: -1 },
      { globalClipNorm: Number.POSITIVE_INFINITY },
      { clipNorm: '1' as unknown as number },
      { clipNorm: 1, globalClipNorm: 1 },
    ]) {
      expect(() => resolveGradientClipping(options)).toThrow(
        expect.objectContaining({ code: 'RNN_MODELS_INVALID_OPTION' }),
      );
    }
  });
});
