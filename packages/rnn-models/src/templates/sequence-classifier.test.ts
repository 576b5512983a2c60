import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  CLOSE,
  expectLossFalls,
  predict,
  SPARSE_CE,
  STACK_DEFAULTS,
  tokenIds,
  useTemplate,
} from '../../test/template-support.js';
import {
  DEFAULT_SEQUENCE_CLASSIFIER_OPTIONS,
  resolveSequenceClassifierOptions,
  sequenceClassifier,
} from './sequence-classifier.js';

const [VOCAB, TIME] = [10, 5];
const DEFAULTS = { vocabularySize: VOCAB, embeddingDim: 4, units: 6, seed: 11 };
const { make, itRejectsEach, itRoundTrips, itLeaksNoTensors } = useTemplate(sequenceClassifier, DEFAULTS);
/** Ids in 1 … VOCAB − 1; row b starts with token b % (VOCAB − 1) + 1. */
const ids = (batch: number, time = TIME): tf.Tensor2D => tokenIds(VOCAB, [7, 3], [batch, time]);

describe('resolveSequenceClassifierOptions', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_SEQUENCE_CLASSIFIER_OPTIONS).toEqual({
      cell: 'lstm',
      units: [64],
      ...STACK_DEFAULTS,
      embeddingDim: 64,
      sequenceLength: null,
      maskZero: false,
      numClasses: 2,
      bidirectional: false,
      logits: false,
      seed: null,
    });
    expect(resolveSequenceClassifierOptions({ vocabularySize: 5272 })).toEqual({
      ...DEFAULT_SEQUENCE_CLASSIFIER_OPTIONS,
      vocabularySize: 5272,
    });
  });

  itRejectsEach(
    [
      ['missing vocabularySize', { vocabularySize: undefined }],
      ['numClasses 1', { numClasses: 1 }],
      ['fractional numClasses', { numClasses: 2.5 }],
      ['bidirectional not boolean', { bidirectional: 'yes' }],
      ['logits not boolean', { logits: 0 }],
      ['resetAfter with simple', { cell: 'simple', resetAfter: true }],
      ['units 0', { units: [0] }],
    ],
    { vocabularySize: VOCAB },
    resolveSequenceClassifierOptions,
  );
});

describe('sequenceClassifier', () => {
  it('binary (numClasses 2): one sigmoid unit', () => {
    const model = make();
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Embedding', 'RnnkitLSTM', 'Dense']);
    expect(model.layers[2]!.getConfig()).toMatchObject({ units: 1, activation: 'sigmoid' });
    tf.tidy(() => {
      const y = predict(model, ids(3));
      expect(y.shape).toEqual([3, 1]);
      const values = y.dataSync();
      expect(Array.from(values).every((v) => v > 0 && v < 1)).toBe(true);
    });
  });

  it('multi-class: a softmax over numClasses', () => {
    const model = make({ numClasses: 4 });
    tf.tidy(() => {
      const y = predict(model, ids(3));
      expect(y.shape).toEqual([3, 4]);
      expectTensorsClose(tf.sum(y, 1), tf.ones([3]), CLOSE);
    });
  });

  it('logits: a linear output layer', () => {
    expect(make({ logits: true }).layers.at(-1)!.getConfig().activation).toBe('linear');
    expect(make({ logits: true, numClasses: 3 }).layers.at(-1)!.getConfig()).toMatchObject({
      units: 3,
      activation: 'linear',
    });
  });

  it('bidirectional: concatenates both directions, twice the recurrent parameters', () => {
    const uni = make({ units: 6 });
    const bi = make({ units: 6, bidirectional: true });
    expect(bi.layers.map((l) => l.getClassName())).toEqual(['Embedding', 'Bidirectional', 'Dense']);
    expect(bi.layers[1]!.outputShape).toEqual([null, 12]);
    expect(bi.layers[1]!.countParams()).toBe(2 * uni.layers[1]!.countParams());
  });

  it('stacks bidirectional layers, the lower ones returning sequences, with the head options', () => {
    const model = make({
      bidirectional: true,
      cell: 'gru',
      units: [6, 5],
      hiddenUnits: [7],
      batchNorm: true,
      layerDropout: 0.1,
      sequenceLength: TIME,
    });
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'Embedding',
      'Bidirectional',
      'BatchNormalization',
      'Dropout',
      'Bidirectional',
      'BatchNormalization',
      'Dropout',
      'Dense',
      'BatchNormalization',
      'Dropout',
      'Dense',
    ]);
    expect(model.layers[1]!.outputShape).toEqual([null, TIME, 12]);
    expect(model.layers[4]!.outputShape).toEqual([null, 10]);
  });

  it('seed: reproducible, and the backward direction does not start as a copy of the forward one', () => {
    const a = make({ bidirectional: true });
    const b = make({ bidirectional: true });
    const weights = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(a)).toEqual(weights(b));
    // Bidirectional weights: forward kernel, recurrent kernel, bias, then the backward ones.
    const bidirectional = a.layers[1]!.getWeights();
    expect(Array.from(bidirectional[0]!.dataSync())).not.toEqual(Array.from(bidirectional[3]!.dataSync()));
    expect(Array.from(bidirectional[1]!.dataSync())).not.toEqual(Array.from(bidirectional[4]!.dataSync()));
    expect(Array.from(bidirectional[2]!.dataSync())).toEqual(Array.from(bidirectional[5]!.dataSync()));
  });

  it('maskZero: padding does not change a bidirectional classification', () => {
    const model = make({ bidirectional: true, maskZero: true });
    tf.tidy(() => {
      const real = tf.tensor2d([[4, 2, 7]], undefined, 'int32');
      const padded = tf.tensor2d([[4, 2, 7, 0, 0]], undefined, 'int32');
      expectTensorsClose(predict(model, padded), predict(model, real), CLOSE);
    });
  });

  it('compiles and trains binary and multi-class heads: the loss falls', async () => {
    const x = ids(8);
    const firstToken = tf.tidy(() => tf.squeeze(tf.slice(x, [0, 0], [-1, 1]), [1]));
    const binaryY = tf.tidy(() => tf.expandDims(tf.cast(tf.greater(firstToken, 5), 'float32'), 1));
    const classY = tf.tidy(() => tf.expandDims(tf.cast(tf.mod(firstToken, 3), 'float32'), 1));
    const fit = { learningRate: 0.03, epochs: 12, below: 0.8 };
    await expectLossFalls(make({ bidirectional: true }), [x, binaryY], {
      ...fit,
      loss: 'binaryCrossentropy',
    });
    const multi = make({ numClasses: 3, cell: 'gru', hiddenUnits: [8] });
    await expectLossFalls(multi, [x, classY], { ...fit, loss: SPARSE_CE });
    tf.dispose([x, firstToken, binaryY, classY]);
  });

  itRoundTrips({ bidirectional: true, cell: 'gru', hiddenUnits: [5], numClasses: 3, maskZero: true }, () =>
    ids(3),
  );

  itLeaksNoTensors(
    { vocabularySize: VOCAB, embeddingDim: 4, cell: 'gru', units: 4, bidirectional: true, seed: 2 },
    { options: { bidirectional: true }, input: () => ids(2) },
  );
});
