import { initBackend } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { additionPairs, answer, evaluateAdder, trainAdder } from './addition.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('addition (smoke run on sums of 1–2 digit numbers)', () => {
  it('generates distinct, correct, seeded problems with no held-out question in training', () => {
    const split = additionPairs({ trainCount: 300, heldOutCount: 100, maxDigits: 2, seed: 1 });
    const questions = [...split.train, ...split.heldOut].map((pair) => pair.source);
    expect(new Set(questions).size).toBe(400);
    for (const { source, target } of split.heldOut) {
      const [a, b] = source.split('+').map(Number);
      expect(Number(target)).toBe(a! + b!);
    }
    expect(additionPairs({ trainCount: 300, heldOutCount: 100, maxDigits: 2, seed: 1 })).toEqual(split);
  });

  it('learns to add: held-out exact match far above chance', async () => {
    const { train, heldOut } = additionPairs({ trainCount: 5000, heldOutCount: 500, maxDigits: 2, seed: 1 });
    const before = tf.memory().numTensors;
    const adder = await trainAdder({
      pairs: train,
      units: 96,
      embeddingDim: 16,
      attention: 'luong-dot',
      epochs: SMOKE_EPOCHS,
      batchSize: 64,
      learningRate: 0.005,
      finalLearningRateFraction: 0.02,
      seed: 3,
      verbose: 0,
    });
    const scores = await evaluateAdder(adder, heldOut);
    if (process.env.ADDITION_REPORT) console.log(scores.exactMatch, adder.history.history['loss']);
    // Guessing a 1–3 digit answer is right well under 1% of the time.
    expect(scores.exactMatch).toBeGreaterThanOrEqual(SMOKE_TARGET);
    expect(await answer(adder, ['12+7'])).toEqual([expect.stringMatching(/^\d+$/)]);
    adder.translator.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // ~25 s alone; a CI machine running other suites beside it can take twice that.
  }, 180_000);
});

const SMOKE_EPOCHS = 15;
const SMOKE_TARGET = 0.5; // 74.6% on wasm, 2 cores (seeded)
