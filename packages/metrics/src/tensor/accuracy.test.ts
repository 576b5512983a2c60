import '@tensorflow/tfjs-backend-cpu';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricsError } from '../errors.js';
import {
  binaryAccuracy,
  categoricalAccuracy,
  DEFAULT_BINARY_ACCURACY_OPTIONS,
  DEFAULT_MASKED_ACCURACY_OPTIONS,
  DEFAULT_TOP_K_ACCURACY_OPTIONS,
  maskedAccuracy,
  sparseCategoricalAccuracy,
  topKAccuracy,
} from './accuracy.js';
import { maskedSparseCategoricalCrossentropy } from './masked-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * The POS-tagging notebook's metric, ported as written (Keras):
 *   y_true_class = argmax(y_true); y_pred_class = argmax(y_pred)
 *   ignore_mask = y_pred_class != to_ignore            ← masks on the PREDICTION
 *   accuracy = sum((y_true_class == y_pred_class) · ignore_mask) / max(sum(ignore_mask), 1)
 */
function notebookIgnoreClassAccuracy(yTrueOneHot: tf.Tensor, yPred: tf.Tensor, toIgnore = 0): number {
  return tf.tidy(() => {
    const trueClass = tf.argMax(yTrueOneHot, -1);
    const predClass = tf.argMax(yPred, -1);
    const ignoreMask = tf.cast(tf.notEqual(predClass, toIgnore), 'int32');
    const matches = tf.mul(tf.cast(tf.equal(trueClass, predClass), 'int32'), ignoreMask);
    return tf.div(tf.sum(matches), tf.maximum(tf.sum(ignoreMask), 1)).dataSync()[0]!;
  });
}

/** Scores whose argmax is `ids`, shape [batch, time, classes]. */
function scoresFor(ids: number[][], classes: number): tf.Tensor3D {
  return tf.tensor3d(
    ids.map((row) =>
      row.map((id) => Array.from({ length: classes }, (_, c) => (c === id ? 0.9 : 0.1 / classes))),
    ),
  );
}

describe('maskedAccuracy', () => {
  it('counts positions whose label is not padding; the notebook (masking on the prediction) overstates it', () => {
    // Two tagged sentences, tag 0 = padding. The model tags some real words as padding.
    const labels = [
      [1, 2, 3, 0, 0],
      [4, 4, 2, 1, 0],
    ];
    const predicted = [
      [1, 0, 0, 0, 0], // 1 of 3 real tags right; 2 real words tagged as padding
      [4, 1, 2, 0, 3], // 2 of 4 right; one real word tagged as padding; padding tagged 3
    ];
    const yTrue = tf.tensor2d(labels);
    const yTrueOneHot = tf.oneHot(tf.tensor2d(labels, undefined, 'int32'), 5);
    const yPred = scoresFor(predicted, 5);
    const ours = maskedAccuracy()(yTrue, yPred);
    expect(ours.shape).toEqual([]);
    expect(ours.dataSync()[0]).toBeCloseTo(3 / 7, 6); // 3 right out of 7 real tokens
    // Same with one-hot targets (the notebook's format).
    expect(maskedAccuracy()(yTrueOneHot, yPred).dataSync()[0]).toBeCloseTo(3 / 7, 6);
    // The notebook's version: positions predicted as 0 are dropped → 3 right out of 5 kept.
    expect(notebookIgnoreClassAccuracy(yTrueOneHot, yPred)).toBeCloseTo(3 / 5, 6);
    // Worst case: a model that predicts padding everywhere except one correct word scores 100 %.
    const lazy = scoresFor(
      [
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ],
      5,
    );
    expect(notebookIgnoreClassAccuracy(yTrueOneHot, lazy)).toBe(1);
    expect(maskedAccuracy()(yTrue, lazy).dataSync()[0]).toBeCloseTo(1 / 7, 6);
    tf.dispose([yTrue, yTrueOneHot, yPred, ours, lazy]);
  });

  it('uses padId; an all-padding batch gives 0', () => {
    const yTrue = tf.tensor2d([[2, 1, 9]]);
    const yPred = scoresFor([[2, 0, 9]], 10);
    expect(maskedAccuracy({ padId: 9 })(yTrue, yPred).dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(maskedAccuracy({ padId: -1 })(yTrue, yPred).dataSync()[0]).toBeCloseTo(2 / 3, 6);
    const allPad = tf.zeros([1, 3]);
    expect(maskedAccuracy()(allPad, yPred).dataSync()[0]).toBe(0);
    tf.dispose([yTrue, yPred, allPad]);
  });
});

describe('accuracies', () => {
  it('sparse and categorical accuracy per position', () => {
    const yPred = tf.tensor2d([
      [0.1, 0.7, 0.2],
      [0.5, 0.3, 0.2],
      [0.2, 0.2, 0.6],
    ]);
    const ids = tf.tensor1d([1, 2, 2]);
    const ids2 = tf.tensor2d([[1], [2], [2]]);
    const oneHot = tf.oneHot(tf.tensor1d([1, 2, 2], 'int32'), 3);
    expect(Array.from(sparseCategoricalAccuracy()(ids, yPred).dataSync())).toEqual([1, 0, 1]);
    expect(Array.from(sparseCategoricalAccuracy()(ids2, yPred).dataSync())).toEqual([1, 0, 1]);
    expect(Array.from(categoricalAccuracy()(oneHot, yPred).dataSync())).toEqual([1, 0, 1]);
    tf.dispose([yPred, ids, ids2, oneHot]);
  });

  it('binary accuracy with a threshold, mean over the last axis', () => {
    const yTrue = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const yPred = tf.tensor2d([
      [0.7, 0.2],
      [0.6, 0.4],
    ]);
    expect(Array.from(binaryAccuracy()(yTrue, yPred).dataSync())).toEqual([1, 0]);
    expect(Array.from(binaryAccuracy({ threshold: 0.3 })(yTrue, yPred).dataSync())).toEqual([1, 0.5]);
    tf.dispose([yTrue, yPred]);
  });

  it('top-k accuracy, sparse and one-hot; ties at the boundary count as hits (in_top_k)', () => {
    const yPred = tf.tensor2d([
      [0.1, 0.5, 0.4, 0.0],
      [0.4, 0.3, 0.2, 0.1],
      [0.3, 0.3, 0.3, 0.1],
    ]);
    const ids = tf.tensor1d([2, 2, 2]);
    expect(Array.from(topKAccuracy({ k: 2 })(ids, yPred).dataSync())).toEqual([1, 0, 1]);
    expect(Array.from(topKAccuracy({ k: 1 })(ids, yPred).dataSync())).toEqual([0, 0, 1]);
    expect(Array.from(topKAccuracy({ k: 3 })(ids, yPred).dataSync())).toEqual([1, 1, 1]);
    const oneHot = tf.oneHot(tf.tensor1d([2, 2, 2], 'int32'), 4);
    expect(Array.from(topKAccuracy({ k: 2, sparse: false })(oneHot, yPred).dataSync())).toEqual([1, 0, 1]);
    expect(topKAccuracy().name).toBe('sparseTopKCategoricalAccuracy');
    tf.dispose([yPred, ids, oneHot]);
  });

  it('pins defaults; rejects bad options and shapes with typed errors', () => {
    expect(DEFAULT_MASKED_ACCURACY_OPTIONS).toEqual({ padId: 0 });
    expect(DEFAULT_BINARY_ACCURACY_OPTIONS).toEqual({ threshold: 0.5 });
    expect(DEFAULT_TOP_K_ACCURACY_OPTIONS).toEqual({ k: 5, sparse: true });
    expectErrorCode(() => topKAccuracy({ k: 0 }), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(() => binaryAccuracy({ threshold: Number.NaN }), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(() => maskedAccuracy({ padId: '0' as never }), MetricsError, 'METRICS_INVALID_OPTION');
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    expectErrorCode(() => sparseCategoricalAccuracy()(a, b), MetricsError, 'METRICS_SHAPE_MISMATCH');
    expectErrorCode(() => categoricalAccuracy()(a, b), MetricsError, 'METRICS_SHAPE_MISMATCH');
    expectErrorCode(() => binaryAccuracy()(a, b), MetricsError, 'METRICS_SHAPE_MISMATCH');
    expectErrorCode(() => maskedAccuracy()(a, b), MetricsError, 'METRICS_SHAPE_MISMATCH');
    tf.dispose([a, b]);
  });

  it('leak no tensors and never dispose their inputs', async () => {
    const yTrue = tf.tensor2d([[1, 2, 0]]);
    const yPred = scoresFor([[1, 0, 0]], 3);
    const oneHot = tf.oneHot(tf.tensor2d([[1, 2, 0]], undefined, 'int32'), 3);
    const metrics = [maskedAccuracy(), sparseCategoricalAccuracy(), topKAccuracy({ k: 2 })];
    await expectNoLeaks(() => {
      for (const metric of metrics) metric(yTrue, yPred).dispose();
      categoricalAccuracy()(oneHot, yPred).dispose();
      binaryAccuracy()(oneHot, yPred).dispose();
    });
    expect([yTrue, yPred, oneHot].some((t) => t.isDisposed)).toBe(false);
    tf.dispose([yTrue, yPred, oneHot]);
  });
});

describe('issue 13: tensor metrics given the wrong kind of input', () => {
  const metrics = () => [
    maskedAccuracy(),
    sparseCategoricalAccuracy(),
    categoricalAccuracy(),
    binaryAccuracy(),
    topKAccuracy({ k: 1 }),
    maskedSparseCategoricalCrossentropy(),
  ];

  it('issue 13 #13: string tensors and non-tensors are METRICS_INVALID_INPUT, and repeated failing calls leak nothing', async () => {
    for (const metric of metrics()) {
      await expectNoLeaks(() => {
        const labels = tf.tensor([['a', 'b']]);
        const scores = tf.zeros([1, 2, 3]);
        try {
          expectErrorCode(() => metric(labels, scores), MetricsError, 'METRICS_INVALID_INPUT');
          expectErrorCode(() => metric([[1, 2]] as never, scores), MetricsError, 'METRICS_INVALID_INPUT');
          expectErrorCode(() => metric(null as never, scores), MetricsError, 'METRICS_INVALID_INPUT');
        } finally {
          labels.dispose();
          scores.dispose();
        }
      });
    }
  });

  it('issue 13 #13: wrong shapes leak nothing either', async () => {
    for (const metric of metrics()) {
      await expectNoLeaks(() => {
        const labels = tf.zeros([2, 7]);
        const scores = tf.zeros([3, 4, 5]);
        try {
          expectErrorCode(() => metric(labels, scores), MetricsError, 'METRICS_SHAPE_MISMATCH');
        } finally {
          labels.dispose();
          scores.dispose();
        }
      });
    }
  });
});
