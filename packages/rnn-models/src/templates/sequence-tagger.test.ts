import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CLOSE,
  classNames,
  expectLossFalls,
  predict,
  SPARSE_CE,
  STACK_DEFAULTS,
  tokenIds,
  useTemplate,
} from '../../test/template-support.js';
import {
  DEFAULT_SEQUENCE_TAGGER_OPTIONS,
  resolveSequenceTaggerOptions,
  sequenceTagger,
} from './sequence-tagger.js';

const [VOCAB, TAGS, TIME] = [10, 4, 6];
const DEFAULTS = { vocabularySize: VOCAB, numTags: TAGS, embeddingDim: 4, units: 5, seed: 5 };
const { make, itRejectsEach, itRoundTrips, itLeaksNoTensors } = useTemplate(sequenceTagger, DEFAULTS);
const ids = (batch: number, time = TIME): tf.Tensor2D => tokenIds(VOCAB, [5, 7], [batch, time]);

describe('resolveSequenceTaggerOptions', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_SEQUENCE_TAGGER_OPTIONS).toEqual({
      cell: 'gru',
      units: [64],
      ...STACK_DEFAULTS,
      embeddingDim: 64,
      sequenceLength: null,
      maskZero: true,
      bidirectional: true,
      timeDistributed: false,
      logits: false,
      seed: null,
    });
    expect(resolveSequenceTaggerOptions({ vocabularySize: 9001, numTags: 39 })).toEqual({
      ...DEFAULT_SEQUENCE_TAGGER_OPTIONS,
      vocabularySize: 9001,
      numTags: 39,
    });
  });

  itRejectsEach(
    [
      ['missing numTags', { numTags: undefined }],
      ['numTags 0', { numTags: 0 }],
      ['timeDistributed not boolean', { timeDistributed: 'yes' }],
      ['bidirectional not boolean', { bidirectional: 'no' }],
      ['logits not boolean', { logits: 1 }],
      ['vocabularySize 1 with maskZero', { vocabularySize: 1 }],
    ],
    { vocabularySize: VOCAB, numTags: TAGS },
    resolveSequenceTaggerOptions,
  );
});

describe('sequenceTagger', () => {
  it('tags every step: a softmax over numTags, bidirectional GRU, masked embedding', () => {
    const model = make();
    expect(classNames(model)).toEqual(['Embedding', 'Bidirectional', 'Dense']);
    expect(model.layers[0]!.getConfig().maskZero).toBe(true);
    tf.tidy(() => {
      const y = predict(model, ids(3));
      expect(y.shape).toEqual([3, TIME, TAGS]);
      expectTensorsClose(tf.sum(y, -1), tf.ones([3, TIME]), CLOSE);
    });
  });

  it('padded positions do not change the outputs at real tokens (post- and pre-padding)', () => {
    const model = make({ units: [5, 4] });
    tf.tidy(() => {
      const real = tf.tensor2d([[3, 8, 1, 6]], undefined, 'int32');
      const expected = predict(model, real);
      const post = predict(model, tf.tensor2d([[3, 8, 1, 6, 0, 0, 0]], undefined, 'int32'));
      const pre = predict(model, tf.tensor2d([[0, 0, 3, 8, 1, 6]], undefined, 'int32'));
      expectTensorsClose(tf.slice(post, [0, 0, 0], [-1, 4, -1]), expected, CLOSE);
      expectTensorsClose(tf.slice(pre, [0, 2, 0], [-1, 4, -1]), expected, CLOSE);
    });
  });

  it('maskZero: false lets the backward direction read the padding', () => {
    const model = make({ maskZero: false });
    tf.tidy(() => {
      const expected = predict(model, tf.tensor2d([[3, 8, 1, 6]], undefined, 'int32'));
      const post = predict(model, tf.tensor2d([[3, 8, 1, 6, 0, 0, 0]], undefined, 'int32'));
      const difference = tf.max(tf.abs(tf.sub(tf.slice(post, [0, 0, 0], [-1, 4, -1]), expected)));
      expect(difference.dataSync()[0]).toBeGreaterThan(1e-4);
    });
  });

  it('bidirectional: false uses one direction', () => {
    const model = make({ bidirectional: false, cell: 'lstm' });
    expect(classNames(model)).toEqual(['Embedding', 'RnnkitLSTM', 'Dense']);
    expect(model.outputs[0]!.shape).toEqual([null, null, TAGS]);
  });

  it('timeDistributed wraps the per-step Dense layers; same parameters, same outputs', () => {
    const direct = make({ hiddenUnits: [6], batchNorm: true });
    const wrapped = make({ hiddenUnits: [6], batchNorm: true, timeDistributed: true });
    expect(classNames(wrapped)).toEqual([
      'Embedding',
      'Bidirectional',
      'BatchNormalization',
      'TimeDistributed',
      'BatchNormalization',
      'TimeDistributed',
    ]);
    expect(wrapped.countParams()).toBe(direct.countParams());
    wrapped.setWeights(direct.getWeights());
    tf.tidy(() => {
      expectTensorsClose(predict(wrapped, ids(2)), predict(direct, ids(2)), CLOSE);
    });
  });

  it('logits: a linear output layer', () => {
    expect(make({ logits: true }).layers.at(-1)!.getConfig().activation).toBe('linear');
  });

  it('compiles and trains on padded batches: the loss falls', async () => {
    const model = make({ units: 8 });
    const x = tf.tidy(() => tf.mul(ids(8), tf.cast(tf.less(tf.range(0, TIME), 4 + 0), 'int32')));
    // Tag = id mod TAGS; padding (id 0) gets tag 0.
    const y = tf.tidy(() => tf.expandDims(tf.cast(tf.mod(x, TAGS), 'float32'), -1));
    await expectLossFalls(model, [x, y], { loss: SPARSE_CE, learningRate: 0.03, epochs: 12, below: 0.8 });
    tf.dispose([x, y]);
  });

  itRoundTrips({ timeDistributed: true, hiddenUnits: [3], units: [5, 4] }, () => ids(2), {
    sameLayers: true,
  });

  itLeaksNoTensors(
    { vocabularySize: VOCAB, numTags: TAGS, embeddingDim: 4, units: 4, seed: 3 },
    { options: { timeDistributed: true }, input: () => ids(2) },
  );
});
