import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/rnn-models';
import { loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { CharVocabulary } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mobyDickStory, sampleText, trainCharModel } from './pipeline.js';

let root: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  root = await mkdtemp(join(tmpdir(), 'rnnkit-char-rnn-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('char-rnn on Moby-Dick (smoke run on the first 6,000 characters)', () => {
  it('trains, checkpoints, and samples the same text from the reloaded model', async () => {
    const text = await mobyDickStory(6_000);
    expect(text.startsWith('call me ishmael.')).toBe(true);
    const before = tf.memory().numTensors;
    const trained = await trainCharModel({
      text,
      sequenceLength: 20,
      batchSize: 16,
      stepsPerEpoch: 15,
      epochs: 3,
      embeddingDim: 8,
      units: 32,
      learningRate: 0.02,
      seed: 3,
      verbose: 0,
    });
    const losses = trained.history.history['loss']!;
    // Uniform guessing costs log(vocabulary) nats per character; 45 steps must beat it clearly.
    expect(losses.at(-1)!).toBeLessThan(Math.log(trained.vocabulary.vocabularySize) - 0.5);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);

    const options = { prompt: 'call me ', maxNewTokens: 60, temperature: 0.8, topK: 5, seed: 11 };
    const streamed: string[] = [];
    const first = await sampleText(trained.model, trained.vocabulary, {
      ...options,
      onText: (piece) => streamed.push(piece),
    });
    expect(first.text).toHaveLength(60);
    expect(streamed.join('')).toBe(first.text);

    const dir = join(root, 'char-lstm');
    await saveModel(trained.model, dir, { extras: { vocabulary: trained.vocabulary.toJSON() } });
    const checkpoint = await loadModel(dir);
    const vocabulary = CharVocabulary.fromJSON((checkpoint.extras as { vocabulary: string }).vocabulary);
    const again = await sampleText(checkpoint.model, vocabulary, options);
    expect(again.text).toBe(first.text); // same weights, vocabulary and seed → same text

    trained.model.dispose();
    checkpoint.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
