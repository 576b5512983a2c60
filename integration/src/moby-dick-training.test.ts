// tokenize → datasets → rnn-models end to end on real text: a char-level GRU language model
// trained with rnnkit's train() on the opening of Moby-Dick, saved with its vocabulary, loaded back.
// Sized for the cpu backend on 2 busy cores: 8,000 characters (~25k token passes over 3 epochs),
// ~8 s of training; the loss margins below hold with room to spare.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, mobyDick, shiftedChunks } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { initBackend, languageModel, train } from '@rnnkit/rnn-models';
import { loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { CharVocabulary, standardize } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHARS = 8_000;
const [SEQ_LENGTH, BATCH, EPOCHS, SEED] = [24, 16, 3, 7];

let root: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  root = await mkdtemp(join(tmpdir(), 'rnnkit-moby-dick-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The first CHARS characters of the story (from chapter 1, "Loomings"), lowercased. */
async function storySlice(): Promise<string> {
  const chapters = await mobyDick({ byChapter: true });
  const first = chapters.findIndex((chapter) => chapter.chapter === '1');
  expect(chapters[first]?.title).toBe('Loomings.');
  const text = chapters
    .slice(first)
    .map((chapter) => chapter.text)
    .join('\n\n')
    .slice(0, CHARS * 2);
  return standardize(text, { lowercase: true, collapseWhitespace: true }).slice(0, CHARS);
}

describe('Moby-Dick char-level language model', () => {
  it('trains (loss falls clearly), saves with its vocabulary, loads bit-identical, leaks nothing', async () => {
    const text = await storySlice();
    expect(text).toHaveLength(CHARS);
    expect(text.startsWith('call me ishmael.')).toBe(true);
    const before = tf.memory().numTensors;

    const vocabulary = CharVocabulary.fromText(text);
    const ids = vocabulary.encode(text);
    const batches = toTensors(
      Dataset.from(() => shiftedChunks(ids, { sequenceLength: SEQ_LENGTH }))
        .shuffle(1024, SEED)
        .batch(BATCH),
      { xsDtype: 'int32', ysDtype: 'int32' },
    );
    const model = languageModel({
      vocabularySize: vocabulary.vocabularySize,
      embeddingDim: 8,
      sequenceLength: SEQ_LENGTH,
      cell: 'gru',
      units: 32,
      seed: SEED,
    });
    const history = await train(model, batches, {
      epochs: EPOCHS,
      optimizer: 'adam',
      learningRate: 0.02,
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
      globalClipNorm: 1,
      seed: SEED,
      verbose: 0,
    });
    const loss = history.history['loss']!;
    expect(history.epoch).toEqual([0, 1, 2]);
    // Uniform guessing costs log(vocab) ≈ 3.6 nats per character (35 characters); the model
    // must beat it clearly and keep improving over the run (seen: 3.03 → 2.53 → 2.36).
    expect(loss.at(-1)!).toBeLessThan(loss[0]! - 0.3);
    expect(loss.at(-1)!).toBeLessThan(Math.log(vocabulary.vocabularySize) - 0.8);

    const dir = join(root, 'char-gru');
    await saveModel(model, dir, { extras: { vocabulary: vocabulary.toJSON(), epochs: EPOCHS } });
    const checkpoint = await loadModel(dir, {
      expect: { vocabularySize: vocabulary.vocabularySize, inputShape: [SEQ_LENGTH] },
    });
    const extras = checkpoint.extras as { vocabulary: string; epochs: number };
    expect(extras.epochs).toBe(EPOCHS);

    // The restored vocabulary encodes (and decodes) exactly like the one trained with.
    const restored = CharVocabulary.fromJSON(extras.vocabulary);
    expect(restored.vocabularySize).toBe(vocabulary.vocabularySize);
    expect(restored.encode(text)).toEqual(ids);
    const prompt = 'call me ishmael.'.padStart(SEQ_LENGTH, ' ');
    expect(restored.encode(prompt)).toEqual(vocabulary.encode(prompt));
    expect(restored.decode(restored.encode(prompt))).toBe(prompt);

    // Same predictions to the bit: the prompt and three chunks of the training text.
    const rows = [
      restored.encode(prompt),
      ...[0, 3_000, 7_000].map((start) => ids.slice(start, start + SEQ_LENGTH)),
    ];
    const inputs = tf.tensor2d(rows, [rows.length, SEQ_LENGTH], 'int32');
    const predict = (m: typeof model | typeof checkpoint.model) =>
      tf.tidy(() => (m.predict(inputs) as tf.Tensor).dataSync() as Float32Array);
    const original = predict(model);
    const loaded = predict(checkpoint.model);
    expect(original).toHaveLength(rows.length * SEQ_LENGTH * vocabulary.vocabularySize);
    expect(loaded).toEqual(original);

    inputs.dispose();
    model.dispose();
    checkpoint.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
