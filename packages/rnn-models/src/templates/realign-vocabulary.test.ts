import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { train } from '../training/train.js';
import { forecaster } from './forecaster.js';
import { languageModel } from './language-model.js';
import { DEFAULT_REALIGN_VOCABULARY_OPTIONS, realignVocabulary } from './realign-vocabulary.js';

// "Alice" knows a–e; "Seuss" drops 'd', adds 'z' and 'q', and orders the rest differently.
const OLD_TOKENS = ['a', 'b', 'c', 'd', 'e'];
const NEW_TOKENS = ['e', 'z', 'a', 'q', 'c', 'b'];
const SHARED = ['a', 'b', 'c', 'e'];
const FRESH = [1, 3]; // new ids of 'z' and 'q'
const [TIME, EMBED, UNITS] = [6, 3, 8];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A trained-looking model: template weights, plus output biases that differ (templates start them at zero). */
function alice(options: { logits?: boolean; stateful?: boolean } = {}): tfl.Sequential {
  const model = languageModel({
    vocabularySize: OLD_TOKENS.length,
    embeddingDim: EMBED,
    cell: 'gru',
    units: UNITS,
    sequenceLength: TIME,
    logits: options.logits ?? true,
    seed: 7,
    ...(options.stateful ? { stateful: true, batchSize: 2 } : {}),
  });
  const output = model.layers[model.layers.length - 1]!;
  const [kernel] = output.getWeights();
  const bias = tf.tensor1d([0.3, -0.2, 0.1, -0.7, 0.5]);
  output.setWeights([kernel!, bias]);
  bias.dispose();
  return model;
}

const snapshot = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

/** Old-id rows of inputs over shared tokens, and the same text in new ids. */
function sharedInputs(): { oldIds: number[][]; newIds: number[][] } {
  const text = ['abcaeb', 'eecbaa', 'cabbec'];
  return {
    oldIds: text.map((row) => [...row].map((ch) => OLD_TOKENS.indexOf(ch))),
    newIds: text.map((row) => [...row].map((ch) => NEW_TOKENS.indexOf(ch))),
  };
}

/** `[batch, time, vocab]` logits as nested arrays. */
function predict(model: tfl.LayersModel, ids: number[][]): number[][][] {
  return tf.tidy(() => (model.predict(tf.tensor2d(ids, undefined, 'int32')) as tf.Tensor3D).arraySync());
}

describe('realignVocabulary', () => {
  const models: tfl.LayersModel[] = [];
  afterAll(() => {
    for (const model of models) model.dispose();
  });

  it('keeps the logits of shared tokens: same text, mapped ids, same values over the shared columns', () => {
    const old = alice();
    const seuss = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS);
    models.push(old, seuss);
    expect(seuss.layers.map((layer) => layer.getClassName())).toEqual(['Embedding', 'RnnkitGRU', 'Dense']);
    expect(seuss.outputs[0]!.shape).toEqual([null, TIME, NEW_TOKENS.length]);
    const { oldIds, newIds } = sharedInputs();
    const before = predict(old, oldIds);
    const after = predict(seuss, newIds);
    for (const [b, row] of before.entries()) {
      for (const [t, logits] of row.entries()) {
        for (const token of SHARED) {
          const got = after[b]![t]![NEW_TOKENS.indexOf(token)]!;
          expect(got).toBeCloseTo(logits[OLD_TOKENS.indexOf(token)]!, 6);
        }
      }
    }
  });

  it('seeds new tokens: the mean embedding row, a zero kernel column and the smallest old bias', () => {
    const old = alice();
    const seuss = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS);
    models.push(old, seuss);
    const [oldTable] = old.layers[0]!.getWeights().map((w) => w.arraySync() as number[][]);
    const [table] = seuss.layers[0]!.getWeights().map((w) => w.arraySync() as number[][]);
    const mean = [0, 1, 2].map((k) => oldTable!.reduce((sum, row) => sum + row[k]!, 0) / OLD_TOKENS.length);
    const [kernel, bias] = seuss.layers[2]!.getWeights().map((w) => w.arraySync()) as [number[][], number[]];
    for (const id of FRESH) {
      for (const [k, value] of table![id]!.entries()) expect(value).toBeCloseTo(mean[k]!, 6);
      expect(kernel.map((row) => row[id])).toEqual(Array(UNITS).fill(0));
      expect(bias[id]).toBeCloseTo(-0.7, 6); // 'd''s bias, the smallest, although 'd' itself is dropped
    }
    // So a new token's logit is its bias wherever it is asked.
    const logits = predict(seuss, sharedInputs().newIds);
    for (const id of FRESH) expect(logits[1]![3]![id]).toBeCloseTo(-0.7, 6);
  });

  it("newTokenBias sets the new tokens' bias; 'initializer' draws their rows from the Embedding's initializer, by seed", () => {
    const old = alice();
    const a = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { newTokenBias: -5 });
    const b = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { newTokenEmbedding: 'initializer', seed: 1 });
    const c = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { newTokenEmbedding: 'initializer', seed: 1 });
    const d = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { newTokenEmbedding: 'initializer', seed: 2 });
    models.push(old, a, b, c, d);
    expect(
      Array.from(a.layers[2]!.getWeights()[1]!.dataSync()).filter((_, id) => FRESH.includes(id)),
    ).toEqual([-5, -5]);
    const rows = (model: tfl.LayersModel) =>
      (model.layers[0]!.getWeights()[0]!.arraySync() as number[][]).filter((_, id) => FRESH.includes(id));
    expect(rows(b)).toEqual(rows(c));
    expect(rows(b)).not.toEqual(rows(d));
    for (const value of rows(b).flat()) expect(Math.abs(value)).toBeLessThanOrEqual(0.05); // RandomUniform(±0.05)
  });

  it('leaves the input model unchanged and usable, and keeps a stateful model stateful', () => {
    const old = alice({ stateful: true });
    const weights = snapshot(old);
    const ids = [
      [0, 1, 2, 3, 4, 0],
      [4, 3, 2, 1, 0, 0],
    ];
    const first = predict(old, ids);
    old.resetStates();
    const seuss = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS);
    models.push(old, seuss);
    expect(snapshot(old)).toEqual(weights);
    expect(predict(old, ids)).toEqual(first);
    const gru = seuss.layers[1] as unknown as { stateful: boolean };
    expect(gru.stateful).toBe(true);
    expect(seuss.inputs[0]!.shape).toEqual([2, TIME]);
  });

  it('a softmax model keeps the ratios of shared tokens (log-probabilities shift by one constant per step)', () => {
    const old = alice({ logits: false });
    const seuss = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS);
    models.push(old, seuss);
    const { oldIds, newIds } = sharedInputs();
    const before = predict(old, oldIds)[0]![2]!;
    const after = predict(seuss, newIds)[0]![2]!;
    const shifts = SHARED.map(
      (token) => Math.log(after[NEW_TOKENS.indexOf(token)]!) - Math.log(before[OLD_TOKENS.indexOf(token)]!),
    );
    for (const shift of shifts) expect(shift).toBeCloseTo(shifts[0]!, 5);
    expect(shifts[0]!).toBeLessThan(0); // the new tokens took a little of the mass
  });

  it('a model with new tokens trains: the loss on text using them falls', async () => {
    const old = alice({ logits: false });
    const seuss = realignVocabulary(old, OLD_TOKENS, NEW_TOKENS);
    models.push(old, seuss);
    // "zqzq…" and "qaqa…": next-token targets that use the new ids.
    const text = [
      [1, 3, 1, 3, 1, 3, 1],
      [3, 2, 3, 2, 3, 2, 3],
    ];
    const batch = () => ({
      xs: tf.tensor2d(
        text.map((row) => row.slice(0, TIME)),
        undefined,
        'int32',
      ),
      ys: tf.tensor2d(
        text.map((row) => row.slice(1)),
        undefined,
        'int32',
      ),
    });
    const history = await train(seuss, () => Array.from({ length: 10 }, batch), {
      epochs: 2,
      optimizer: 'adam',
      learningRate: 0.05,
      loss: 'sparseCategoricalCrossentropy',
      seed: 1,
      verbose: 0,
    });
    const losses = history.history['loss']!;
    expect(losses[1]!).toBeLessThan(losses[0]! * 0.7);
  });

  it('leaks no tensors on success', async () => {
    const old = alice();
    models.push(old);
    await expectNoLeaks(() => realignVocabulary(old, OLD_TOKENS, NEW_TOKENS).dispose());
    await expectNoLeaks(() =>
      realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { newTokenEmbedding: 'initializer', seed: 3 }).dispose(),
    );
  });

  it('refuses models of another shape, token lists that do not fit and bad options, leaking nothing', async () => {
    const old = alice();
    const noEmbedding = forecaster({ features: 2, inputSteps: 4, outputSteps: 5, units: 3 });
    models.push(old, noEmbedding);
    const fails = (fn: () => unknown, code: RnnModelsError['code']) =>
      expectNoLeaks(() => expectErrorCode(fn, RnnModelsError, code));
    await fails(() => realignVocabulary(noEmbedding, OLD_TOKENS, NEW_TOKENS), 'RNN_MODELS_UNSUPPORTED_MODEL');
    await fails(() => realignVocabulary(old, ['a', 'b'], NEW_TOKENS), 'RNN_MODELS_SHAPE_MISMATCH');
    await fails(() => realignVocabulary(old, OLD_TOKENS, []), 'RNN_MODELS_INVALID_OPTION');
    await fails(() => realignVocabulary(old, OLD_TOKENS, [1, 2] as never), 'RNN_MODELS_INVALID_OPTION');
    await fails(() => realignVocabulary(null as never, OLD_TOKENS, NEW_TOKENS), 'RNN_MODELS_INVALID_OPTION');
    await fails(
      () => realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { newTokenBias: 'max' as never }),
      'RNN_MODELS_INVALID_OPTION',
    );
    await fails(
      () => realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { seed: 4 }), // 'mean' draws nothing
      'RNN_MODELS_INVALID_OPTION',
    );
    const misspelt = expectErrorCode(
      () => realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { newTokenEmbeding: 'mean' } as never),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(misspelt.message).toContain("'newTokenEmbedding'");
    const choice = expectErrorCode(
      () => realignVocabulary(old, OLD_TOKENS, NEW_TOKENS, { newTokenEmbedding: 'means' as never }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(choice.message).toContain("'mean'");
  });

  it('documents its defaults', () => {
    expect(DEFAULT_REALIGN_VOCABULARY_OPTIONS).toEqual({
      newTokenEmbedding: 'mean',
      newTokenBias: 'min',
      seed: null,
    });
  });
});
