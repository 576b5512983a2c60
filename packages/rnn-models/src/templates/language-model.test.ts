import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
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
import { RnnModelsError } from '../errors.js';
import {
  DEFAULT_LANGUAGE_MODEL_OPTIONS,
  type LanguageModelOptions,
  languageModel,
  resolveLanguageModelOptions,
} from './language-model.js';

const [VOCAB, TIME] = [12, 6];
const DEFAULTS = { vocabularySize: VOCAB, embeddingDim: 4, units: 8, seed: 7 };
const { make, itRejectsEach, itRoundTrips, itLeaksNoTensors } = useTemplate(languageModel, DEFAULTS);
/** Deterministic ids in 1 … VOCAB − 1, `[batch, time]`. */
const ids = (batch: number, time = TIME): tf.Tensor2D => tokenIds(VOCAB, [5, 3], [batch, time]);

describe('resolveLanguageModelOptions', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_LANGUAGE_MODEL_OPTIONS).toEqual({
      mode: 'shifted',
      cell: 'lstm',
      units: [128],
      ...STACK_DEFAULTS,
      embeddingDim: 64,
      sequenceLength: null,
      maskZero: false,
      logits: false,
      stateful: false,
      batchSize: null,
      seed: null,
    });
    expect(Object.isFrozen(DEFAULT_LANGUAGE_MODEL_OPTIONS)).toBe(true);
    expect(resolveLanguageModelOptions({ vocabularySize: 90 })).toEqual({
      ...DEFAULT_LANGUAGE_MODEL_OPTIONS,
      vocabularySize: 90,
    });
  });

  it('turns a number of units into one layer and copies arrays', () => {
    const units = [16, 8];
    const resolved = resolveLanguageModelOptions({ vocabularySize: 5, units });
    expect(resolved.units).toEqual([16, 8]);
    expect(resolved.units).not.toBe(units);
    expect(resolveLanguageModelOptions({ vocabularySize: 5, units: 3 }).units).toEqual([3]);
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['missing vocabularySize', { vocabularySize: undefined }],
    ['vocabularySize 0', { vocabularySize: 0 }],
    ['fractional vocabularySize', { vocabularySize: 2.5 }],
    ['embeddingDim 0', { embeddingDim: 0 }],
    ['negative sequenceLength', { sequenceLength: -1 }],
    ['maskZero not boolean', { maskZero: 'yes' }],
    ['unknown mode', { mode: 'both' }],
    ['unknown cell', { cell: 'transformer' }],
    ['units 0', { units: 0 }],
    ['empty units', { units: [] }],
    ['units with a fraction', { units: [8, 1.5] }],
    ['unknown activation', { activation: 'leaky' }],
    ['dropout 1', { dropout: 1 }],
    ['negative recurrentDropout', { recurrentDropout: -0.1 }],
    ['resetAfter with lstm', { cell: 'lstm', resetAfter: false }],
    ['resetAfter not boolean', { cell: 'gru', resetAfter: 1 }],
    ['hiddenUnits not an array', { hiddenUnits: 'big' }],
    ['hiddenUnits with 0', { hiddenUnits: [0] }],
    ['unknown hiddenActivation', { hiddenActivation: 'nope' }],
    ['batchNorm not boolean', { batchNorm: 1 }],
    ['layerDropout 1.5', { layerDropout: 1.5 }],
    ['logits not boolean', { logits: 'true' }],
    ['stateful without batchSize', { stateful: true }],
    ['batchSize 0', { batchSize: 0 }],
    ['fractional seed', { seed: 1.5 }],
  ];
  itRejectsEach(invalid, { vocabularySize: VOCAB }, resolveLanguageModelOptions);

  it('rejects a non-object', () => {
    expect(() => resolveLanguageModelOptions(null as unknown as LanguageModelOptions)).toThrow(
      RnnModelsError,
    );
  });
});

describe('languageModel', () => {
  it("'shifted' predicts a softmax over the vocabulary at every step", () => {
    const model = make({ mode: 'shifted' });
    expect(model.outputs[0]!.shape).toEqual([null, null, VOCAB]);
    tf.tidy(() => {
      const y = predict(model, ids(3));
      expect(y.shape).toEqual([3, TIME, VOCAB]);
      expectTensorsClose(tf.sum(y, -1), tf.ones([3, TIME]), CLOSE);
    });
  });

  it("'next' predicts one distribution per window", () => {
    const model = make({ mode: 'next', sequenceLength: TIME });
    expect(model.inputs[0]!.shape).toEqual([null, TIME]);
    tf.tidy(() => {
      expect(predict(model, ids(3)).shape).toEqual([3, VOCAB]);
    });
  });

  it('builds each cell kind from the fused layers, stacked, lower layers returning sequences', () => {
    for (const [cell, name] of [
      ['lstm', 'RnnkitLSTM'],
      ['gru', 'RnnkitGRU'],
      ['simple', 'RnnkitSimpleRNN'],
    ] as const) {
      const model = make({ cell, units: [8, 6], mode: 'next' });
      expect(classNames(model)).toEqual(['Embedding', name, name, 'Dense']);
      const [first, second] = [model.layers[1] as tfl.RNN, model.layers[2] as tfl.RNN];
      expect([first.returnSequences, second.returnSequences]).toEqual([true, false]);
      expect(model.outputs[0]!.shape).toEqual([null, VOCAB]);
    }
  });

  it('passes activation, dropout and recurrentDropout to every recurrent layer', () => {
    const model = make({ units: [8, 6], activation: 'relu', dropout: 0.1, recurrentDropout: 0.2 });
    for (const layer of model.layers.slice(1, 3)) {
      const config = layer.getConfig();
      expect([config.activation, config.dropout, config.recurrentDropout]).toEqual(['relu', 0.1, 0.2]);
    }
  });

  it('resetAfter selects the GRU variant (two bias rows or one)', () => {
    const after = make({ cell: 'gru', units: 8, embeddingDim: 4 });
    const before = make({ cell: 'gru', units: 8, embeddingDim: 4, resetAfter: false });
    expect(after.layers[1]!.countParams()).toBe(3 * 8 * (4 + 8 + 2));
    expect(before.layers[1]!.countParams()).toBe(3 * 8 * (4 + 8 + 1));
    expect(after.layers[1]!.getConfig().resetAfter).toBe(true);
    expect(before.layers[1]!.getConfig().resetAfter).toBe(false);
  });

  it('adds hidden Dense layers, BatchNormalization and Dropout layers where asked', () => {
    const model = make({
      mode: 'next',
      units: [8, 6],
      hiddenUnits: [5],
      hiddenActivation: 'elu',
      batchNorm: true,
      layerDropout: 0.25,
    });
    expect(classNames(model)).toEqual([
      'Embedding',
      'RnnkitLSTM',
      'BatchNormalization',
      'Dropout',
      'RnnkitLSTM',
      'BatchNormalization',
      'Dropout',
      'Dense',
      'BatchNormalization',
      'Dropout',
      'Dense',
    ]);
    expect(model.layers[7]!.getConfig()).toMatchObject({ units: 5, activation: 'elu' });
    expect(model.layers[3]!.getConfig().rate).toBe(0.25);
  });

  it('logits: true ends in a linear layer', () => {
    const model = make({ logits: true });
    expect(model.layers.at(-1)!.getConfig().activation).toBe('linear');
    expect(make().layers.at(-1)!.getConfig().activation).toBe('softmax');
  });

  it('embeddingDim and sequenceLength shape the embedding', () => {
    const model = make({ embeddingDim: 5, sequenceLength: 9 });
    expect(model.layers[0]!.outputShape).toEqual([null, 9, 5]);
  });

  it('maskZero: leading padding does not change the outputs at real tokens', () => {
    const real = [[3, 4, 5, 6]];
    const padded = [[0, 0, 3, 4, 5, 6]];
    const masked = make({ maskZero: true });
    expect(masked.layers[0]!.getConfig().maskZero).toBe(true);
    const unmasked = make({ maskZero: false });
    tf.tidy(() => {
      const x = tf.tensor2d(real, undefined, 'int32');
      const xPadded = tf.tensor2d(padded, undefined, 'int32');
      const tail = (y: tf.Tensor) => tf.slice(y, [0, 2, 0], [-1, -1, -1]);
      expectTensorsClose(tail(predict(masked, xPadded)), predict(masked, x), CLOSE);
      const difference = tf.max(tf.abs(tf.sub(tail(predict(unmasked, xPadded)), predict(unmasked, x))));
      expect(difference.dataSync()[0]).toBeGreaterThan(1e-4);
    });
  });

  it('batchSize fixes the batch dimension', () => {
    const model = make({ batchSize: 4 });
    expect(model.inputs[0]!.shape).toEqual([4, null]);
  });

  it('stateful: carries the state across batches like one long sequence, until resetStates', () => {
    const stateful = make({ stateful: true, batchSize: 2, sequenceLength: 3 });
    const plain = make({});
    plain.setWeights(stateful.getWeights());
    tf.tidy(() => {
      const whole = ids(2, 6);
      const [first, second] = tf.split(whole, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const expected = predict(plain, whole);
      const y1 = predict(stateful, first, 2);
      const y2 = predict(stateful, second, 2);
      expectTensorsClose(tf.concat([y1, y2], 1), expected, CLOSE);
      stateful.resetStates();
      expectTensorsClose(predict(stateful, second, 2), predict(plain, second), CLOSE);
    });
  });

  it('seed: same seed, same initial weights; another seed, other weights', () => {
    const weights = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
    const a = weights(make({ seed: 3, cell: 'gru', hiddenUnits: [4] }));
    const b = weights(make({ seed: 3, cell: 'gru', hiddenUnits: [4] }));
    const c = weights(make({ seed: 4, cell: 'gru', hiddenUnits: [4] }));
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
    expect(a[1]).not.toEqual(c[1]);
  });

  it.each(['shifted', 'next'] as const)('compiles and trains (%s): the loss falls', async (mode) => {
    const model = make({ mode, cell: 'gru', units: 16, embeddingDim: 8, sequenceLength: TIME });
    const x = ids(8);
    // Targets as float32: tfjs' sparseCategoricalCrossentropy floors them.
    const y = tf.tidy(() => {
      const next = tf.concat([tf.slice(x, [0, 1], [-1, -1]), tf.slice(x, [0, 0], [-1, 1])], 1);
      return tf.cast(
        mode === 'shifted' ? tf.expandDims(next, -1) : tf.slice(next, [0, TIME - 1], [-1, 1]),
        'float32',
      );
    });
    await expectLossFalls(model, [x, y], { loss: SPARSE_CE, learningRate: 0.03, epochs: 12, below: 0.7 });
    tf.dispose([x, y]);
  });

  it('trains stateful (truncated BPTT, shuffle off) with dropout', async () => {
    const model = make({
      stateful: true,
      batchSize: 4,
      sequenceLength: 3,
      dropout: 0.1,
      recurrentDropout: 0.1,
    });
    const x = ids(4, 3);
    const y = tf.tidy(() => tf.cast(tf.expandDims(tf.reverse(x, 1), -1), 'float32'));
    await expectLossFalls(model, [x, y], { loss: SPARSE_CE, learningRate: 0.03, epochs: 10, shuffle: false });
    tf.dispose([x, y]);
  });

  itRoundTrips(
    { cell: 'gru', units: [8, 6], batchNorm: true, hiddenUnits: [5], maskZero: true },
    () => ids(2),
    { sameLayers: true },
  );

  // GRU: tfjs' own LSTMCell leaks its unitForgetBias initializer's temporaries (4 tensors per build).
  itLeaksNoTensors(
    { vocabularySize: VOCAB, embeddingDim: 4, cell: 'gru', units: 8, seed: 1 },
    { options: { hiddenUnits: [4], batchNorm: true }, input: () => ids(2) },
  );
});
