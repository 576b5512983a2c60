// The model-folder checks, in Node on the committed model: every broken folder is refused with
// a ModelFilesError naming the culprit file, and leaves no tensors behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateText } from '../src/generate.js';
import { loadModelFiles, type ModelFile, ModelFilesError, toModelFiles } from '../src/model-files.js';
import { ROOT } from './paths.js';

const folder = join(ROOT, 'public/models/moby-dick');
const file = (name: string): ModelFile => {
  const bytes = readFileSync(join(folder, name));
  return {
    name,
    bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  };
};
const good = () => ['model.json', 'weights.bin', 'extras.json', 'checkpoint.json'].map(file);
const replace = (name: string, bytes: ArrayBuffer) =>
  good().map((f) => (f.name === name ? { name, bytes } : f));
const text = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

async function refusal(files: ModelFile[]): Promise<ModelFilesError> {
  const before = tf.memory().numTensors;
  const error = await loadModelFiles(files).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelFilesError);
  expect(tf.memory().numTensors).toBe(before);
  return error as ModelFilesError;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('a saved model folder', () => {
  it('loads the committed Moby-Dick model: GRU 256 over 90 characters, under 2 MB', async () => {
    const loaded = await loadModelFiles(good());
    expect(loaded.vocabulary.vocabularySize).toBe(90);
    expect(loaded.settings).toMatchObject({ cell: 'gru', units: [256], embeddingDim: 64 });
    expect(loaded.bytes).toBeLessThan(2 * 1024 * 1024);
    loaded.model.dispose();
  });

  it('round-trips through the three files the page offers to download: same text for the same seed', async () => {
    const loaded = await loadModelFiles(good());
    const settings = {
      prompt: 'Call me ',
      maxNewTokens: 30,
      temperature: 0.8,
      topK: null,
      topP: 1,
      seed: 3,
      stop: [],
    };
    const first = await generateText(loaded.model, loaded.vocabulary, settings, { onText: () => {} });
    const files = await toModelFiles(loaded.model, {
      vocabulary: loaded.vocabulary.toJSON(),
      model: loaded.settings!,
    });
    expect(files.map((f) => f.name)).toEqual(['model.json', 'weights.bin', 'extras.json']);
    const again = await loadModelFiles(files);
    expect((await generateText(again.model, again.vocabulary, settings, { onText: () => {} })).text).toBe(
      first.text,
    );
    loaded.model.dispose();
    again.model.dispose();
  });

  it('refuses broken folders naming the file', async () => {
    expect((await refusal(good().filter((f) => f.name !== 'model.json'))).file).toBe('model.json');
    const truncatedJson = await refusal(replace('model.json', text('{"modelTopology": {')));
    expect(truncatedJson.file).toBe('model.json');
    expect(truncatedJson.message).toMatch(/not valid JSON/);
    expect((await refusal(replace('model.json', text('{"format": "graph-model"}')))).message).toMatch(
      /modelTopology/,
    );
    const weights = file('weights.bin').bytes;
    const truncated = await refusal(replace('weights.bin', weights.slice(0, 1000)));
    expect(truncated.file).toBe('weights.bin');
    expect(truncated.message).toMatch(/1000 bytes/);
    const flipped = new Uint8Array(weights.slice(0));
    flipped[500] = (flipped[500] ?? 0) ^ 1;
    expect((await refusal(replace('weights.bin', flipped.buffer))).message).toMatch(/SHA-256/);
    expect((await refusal(good().filter((f) => f.name !== 'weights.bin'))).file).toBe('weights.bin');
    expect((await refusal(good().filter((f) => f.name !== 'extras.json'))).file).toBe('extras.json');
    const noChecksums = (files: ModelFile[]) => files.filter((f) => f.name !== 'checkpoint.json');
    const otherVocabulary = JSON.stringify({
      vocabulary: '{"class_name":"CharVocabulary","config":{"chars":["a","b"]}}',
    });
    const mismatch = await refusal(noChecksums(replace('extras.json', text(otherVocabulary))));
    expect(mismatch.file).toBe('extras.json');
    expect((await refusal(noChecksums(replace('extras.json', text('{"vocabulary": 7}'))))).file).toBe(
      'extras.json',
    );
  });
});
