import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORWARDING_CHAINED_OPS, SPECIAL_CHAINED_OPS } from './chained-ops.generated.js';
import { registerChainedOps } from './chained-ops.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('registerChainedOps', () => {
  it('lets stock tfjs-layers LSTM initialize with tfjs-core alone (orthogonal initializer)', () => {
    const makeLstm = () => tfl.sequential({ layers: [tfl.layers.lstm({ units: 4, inputShape: [3, 2] })] });
    expect(makeLstm).toThrow(/flatten is not a function/);
    registerChainedOps();
    const model = tfl.sequential({ layers: [tfl.layers.lstm({ units: 4, inputShape: [3, 2] })] });
    const y = model.predict(tf.ones([1, 3, 2])) as tf.Tensor;
    expect(y.shape).toEqual([1, 4]);
    tf.dispose(y);
    model.dispose();
  });

  it('installs every chained method tfjs-core defines, behaving like the op', () => {
    registerChainedOps();
    const prototype = tf.Tensor.prototype as unknown as Record<string, unknown>;
    for (const [method] of FORWARDING_CHAINED_OPS) expect(typeof prototype[method], method).toBe('function');
    for (const method of Object.keys(SPECIAL_CHAINED_OPS))
      expect(typeof prototype[method], method).toBe('function');
    expect(FORWARDING_CHAINED_OPS.length + Object.keys(SPECIAL_CHAINED_OPS).length).toBeGreaterThan(130);
    const t = tf.tensor2d([
      [1, -2],
      [3, 4],
    ]);
    const chained = t as unknown as Record<string, (...args: unknown[]) => tf.Tensor>;
    expect(Array.from(chained['flatten']!.call(t).dataSync())).toEqual([1, -2, 3, 4]);
    expect(Array.from(chained['add']!.call(t, 1).dataSync())).toEqual([2, -1, 4, 5]);
    expect(Array.from(chained['argMax']!.call(t, -1).dataSync())).toEqual([0, 1]);
    expect(chained['concat']!.call(t, t, 0).shape).toEqual([4, 2]);
    tf.dispose(t);
  });

  it('is idempotent', () => {
    registerChainedOps();
    expect(registerChainedOps()).toBe(0);
  });
});
