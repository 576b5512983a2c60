import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricsError } from '../errors.js';
import {
  DEFAULT_MASKED_LOSS_OPTIONS,
  maskedSparseCategoricalCrossentropy,
  resolveMaskedLossOptions,
} from './masked-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// batch 2, time 3, classes 4; label 0 is padding
const LOGITS = [
  [
    [2.0, 0.5, -1.0, 0.3],
    [0.1, 1.5, 0.2, -0.7],
    [1.0, 1.0, 1.0, 1.0],
  ],
  [
    [0.0, -0.5, 3.0, 0.2],
    [4.0, 0.1, 0.1, 0.1],
    [0.5, 0.5, 2.5, -2.0],
  ],
];
const LABELS = [
  [1, 3, 0],
  [2, 0, 0],
];

/** −log softmax(row)[label] in float64. */
function nll(row: number[], label: number): number {
  const max = Math.max(...row);
  const logSum = Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0)) + max;
  return logSum - row[label]!;
}

/** The expected masked mean: only (0,0), (0,1), (1,0) are real tokens. */
const EXPECTED = (nll(LOGITS[0]![0]!, 1) + nll(LOGITS[0]![1]!, 3) + nll(LOGITS[1]![0]!, 2)) / 3;

describe('maskedSparseCategoricalCrossentropy', () => {
  it('is the mean over non-pad positions (hand-computed), for ids [b, t] and [b, t, 1]', () => {
    const loss = maskedSparseCategoricalCrossentropy({ fromLogits: true });
    const logits = tf.tensor3d(LOGITS);
    const labels = tf.tensor2d(LABELS, undefined, 'int32');
    const labels3 = tf.tensor3d(LABELS.map((r) => r.map((x) => [x])));
    const value = loss(labels, logits);
    expect(value.shape).toEqual([]);
    expect(value.dataSync()[0]).toBeCloseTo(EXPECTED, 5);
    expect(loss(labels3, logits).dataSync()[0]).toBeCloseTo(EXPECTED, 5);
    // The notebook's older reduce_mean over all positions would give a smaller number:
    expect(EXPECTED).toBeGreaterThan((EXPECTED * 3) / 6);
    // Probabilities in, fromLogits false: same value.
    const probs = tf.softmax(logits);
    expect(maskedSparseCategoricalCrossentropy()(labels, probs).dataSync()[0]).toBeCloseTo(EXPECTED, 4);
    tf.dispose([logits, labels, labels3, value, probs]);
  });

  it('ignores whatever the model predicts at pad positions; padId can be any id; all-pad gives 0', () => {
    const loss = maskedSparseCategoricalCrossentropy({ fromLogits: true });
    const changed = LOGITS.map((b) => b.map((r) => [...r]));
    changed[0]![2] = [9, -9, 9, -9];
    changed[1]![1] = [-5, 5, 0, 7];
    const [a, b] = [tf.tensor3d(LOGITS), tf.tensor3d(changed)];
    const labels = tf.tensor2d(LABELS);
    expect(loss(labels, b).dataSync()[0]).toBeCloseTo(loss(labels, a).dataSync()[0]!, 6);
    const shifted = tf.tensor2d(LABELS.map((r) => r.map((x) => (x === 0 ? 3 : x === 3 ? 0 : x))));
    const permuted = tf.tensor3d(LOGITS.map((bt) => bt.map((r) => [r[3]!, r[1]!, r[2]!, r[0]!])));
    expect(
      maskedSparseCategoricalCrossentropy({ fromLogits: true, padId: 3 })(shifted, permuted).dataSync()[0],
    ).toBeCloseTo(EXPECTED, 5);
    const allPad = tf.zeros([2, 3]);
    expect(loss(allPad, a).dataSync()[0]).toBe(0);
    tf.dispose([a, b, labels, shifted, permuted, allPad]);
  });

  it('gives zero gradient at pad positions', () => {
    const loss = maskedSparseCategoricalCrossentropy({ fromLogits: true });
    const labels = tf.tensor2d(LABELS);
    const logits = tf.tensor3d(LOGITS);
    const grad = tf.grad((x: tf.Tensor) => loss(labels, x))(logits);
    const g = grad.arraySync() as number[][][];
    expect(g[0]![2]!.map(Math.abs)).toEqual([0, 0, 0, 0]);
    expect(g[1]![1]!.map(Math.abs)).toEqual([0, 0, 0, 0]);
    expect(Math.abs(g[0]![0]![1]!)).toBeGreaterThan(0.01);
    tf.dispose([labels, logits, grad]);
  });

  it('leaks no tensors', async () => {
    const loss = maskedSparseCategoricalCrossentropy({ fromLogits: true });
    const probLoss = maskedSparseCategoricalCrossentropy();
    const labels = tf.tensor2d(LABELS);
    const logits = tf.tensor3d(LOGITS);
    const probs = tf.softmax(logits);
    const wrongShape = tf.zeros([2, 2]);
    await expectNoLeaks(() => {
      tf.dispose([loss(labels, logits), probLoss(labels, probs)]);
      expect(() => loss(wrongShape, logits)).toThrow(MetricsError);
    });
    wrongShape.dispose();
    // The caller's inputs are untouched.
    expect(labels.isDisposed || logits.isDisposed || probs.isDisposed).toBe(false);
    tf.dispose([labels, logits, probs]);
  });

  it('pins defaults; rejects bad options and shapes', () => {
    expect(DEFAULT_MASKED_LOSS_OPTIONS).toEqual({ fromLogits: false, padId: 0 });
    expect(resolveMaskedLossOptions({ padId: -1 })).toEqual({ fromLogits: false, padId: -1 });
    expectErrorCode(
      () => maskedSparseCategoricalCrossentropy({ padId: 0.5 }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => maskedSparseCategoricalCrossentropy({ fromLogits: 1 as never }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    const logits = tf.tensor3d(LOGITS);
    const wrong = tf.zeros([2, 4]);
    expectErrorCode(
      () => maskedSparseCategoricalCrossentropy()(wrong, logits),
      MetricsError,
      'METRICS_SHAPE_MISMATCH',
    );
    expect(maskedSparseCategoricalCrossentropy().name).toBe('maskedSparseCategoricalCrossentropy');
    tf.dispose([logits, wrong]);
  });
});
