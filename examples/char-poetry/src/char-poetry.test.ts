import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mobyDick } from '@rnnkit/datasets';
import { embeddingScatterSvg } from '@rnnkit/metrics/plots';
import { embeddingMatrix, initBackend, projectEmbeddings2d, summary } from '@rnnkit/rnn-models';
import { CharVocabulary } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from './cli-options.js';
import { ALPHABET, loadText, poetryVocabulary, splitCorpus, standardizePoetry } from './corpus.js';
import { generateText } from './generate.js';
import { buildPoetryModel, NOTEBOOK_MODEL } from './model.js';
import { loadPoetryModel, savePoetryModel } from './persist.js';
import { baselines, scoreWindows } from './score.js';
import { trainPoetry } from './train.js';
import { evaluationBatches, trainingBatches, windowCount } from './windows.js';

// ~10 s alone; a loaded 2-core CI machine can take several times that.
const SLOW_MACHINE_TIMEOUT = 180_000;
const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: readonly string[]) =>
  promisify(execFile)('node', ['--import', 'tsx', 'src/main.ts', ...args], { cwd: EXAMPLE });

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = await mkdtemp(join(tmpdir(), 'char-poetry-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('flags', () => {
  it('has the documented defaults for start and quality', () => {
    expect(parseCli([])).toMatchObject({
      epochs: 3,
      stepsPerEpoch: 300,
      batchSize: 256,
      prompt: 'To be or not to be.',
      threads: 'auto',
    });
    expect(parseCli(['--threads', '1'])?.threads).toBe(1);
    expect(parseCli(['--', '--quality'])).toMatchObject({ quality: true, epochs: 12, stepsPerEpoch: 1000 });
    expect(parseCli(['--steps-per-epoch', 'all'])?.stepsPerEpoch).toBe(Number.POSITIVE_INFINITY);
    expect(parseCli(['--help'])).toBeNull();
  });

  it('refuses unknown flags, bad values and incomplete sources with a UsageError', () => {
    expect(() => parseCli(['--epoch', '3'])).toThrow(UsageError);
    expect(() => parseCli(['--temperature', 'hot'])).toThrow(/--temperature/);
    expect(() => parseCli(['--threads', '3'])).toThrow(/--threads must be 'auto' or an integer in \[1, 2\]/);
    expect(() => parseCli(['--csv', 'poems.csv'])).toThrow(/--author/);
    expect(() => parseCli(['--author', 'William Shakespeare'])).toThrow(/--csv/);
    expect(() => parseCli(['--csv', 'a.csv', '--author', 'x', '--text', 'b.txt'])).toThrow(UsageError);
  });

  it('exits with code 1 and the message on a bad flag', async () => {
    const error = await cli(['--temprature', '0.5']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1, stderr: expect.stringMatching(/Unknown option '--temprature'/) });
  });
});

describe('text', () => {
  it("standardizes the notebook's way: lowercase letters, space and period", () => {
    expect(standardizePoetry("To be, or not to be:\nThat's the Question!  Café 1851.")).toBe(
      'to be or not to be that s the question cafe .',
    );
    expect(standardizePoetry('To be or not to be.')).toBe('to be or not to be.');
    const vocabulary = poetryVocabulary();
    expect(vocabulary.vocabularySize).toBe(28);
    expect(vocabulary.encode(' .az')).toEqual([0, 1, 2, 27]);
  });

  it('gives exactly the 28 symbols on Moby-Dick', async () => {
    const used = CharVocabulary.fromText(standardizePoetry(await mobyDick()));
    expect(used.tokens).toEqual(poetryVocabulary().tokens);
    expect(used.tokens.join('')).toBe([...ALPHABET].sort().join(''));
  });

  it("reads one author's poems from the poetry CSV, case-insensitively; an unknown author names some that exist", async () => {
    const file = join(dir, 'poems.csv');
    await writeFile(
      file,
      'author,content,poem name,age,type\n' +
        'WILLIAM SHAKESPEARE,"Shall I compare thee\nto a summer\'s day?",Sonnet 18,Renaissance,Love\n' +
        'John Donne,"Death, be not proud",Holy Sonnet 10,Renaissance,Mythology & Folklore\n' +
        'William Shakespeare,"When, in disgrace",Sonnet 29,Renaissance,Love\n',
    );
    const { text } = await loadText({ csv: file, author: 'william shakespeare' });
    expect(text).toBe("Shall I compare thee\nto a summer's day?\n\nWhen, in disgrace");
    await expect(loadText({ csv: file, author: 'Emily Dickinson' })).rejects.toThrow(
      /'Emily Dickinson'.*'WILLIAM SHAKESPEARE' \(2\), 'John Donne' \(1\)/,
    );
  });

  it('splits by position: train | validation | held out', () => {
    const corpus = splitCorpus('abcdefghij'.repeat(20), { heldOutFraction: 0.1, validationFraction: 0.25 });
    expect([corpus.train.length, corpus.validation.length, corpus.heldOut.length]).toEqual([135, 45, 20]);
    expect(corpus.vocabulary.decode([...corpus.heldOut])).toBe('abcdefghij'.repeat(2));
  });
});

describe('windows', () => {
  it('cut every 10-character window and the character after it', async () => {
    const ids = Int32Array.from({ length: 14 }, (_, i) => i);
    expect(windowCount(ids, 10)).toBe(4);
    const batches = [];
    for await (const batch of evaluationBatches(ids, { sequenceLength: 10, batchSize: 3 }) as AsyncIterable<{
      xs: tf.Tensor;
      ys: tf.Tensor;
    }>) {
      batches.push({ xs: batch.xs.arraySync(), ys: batch.ys.arraySync(), dtype: batch.xs.dtype });
      tf.dispose([batch.xs, batch.ys]);
    }
    expect(batches.map((b) => b.ys)).toEqual([[10, 11, 12], [13]]);
    expect(batches[1]).toEqual({ xs: [[3, 4, 5, 6, 7, 8, 9, 10, 11, 12]], ys: [13], dtype: 'int32' });
  });

  it('shuffle with a seed, and move the start of every epoch', async () => {
    const ids = Int32Array.from({ length: 400 }, (_, i) => i % 28);
    const firstTargets = async (seed: number) => {
      const source = trainingBatches(ids, {
        sequenceLength: 10,
        batchSize: 8,
        shuffleBuffer: 50,
        seed,
        stepsPerEpoch: 2,
      }) as { iterator(): Promise<{ next(): Promise<{ value: { xs: tf.Tensor; ys: tf.Tensor } }> }> };
      const epochs = [];
      for (let epoch = 0; epoch < 2; epoch++) {
        const { value } = await (await source.iterator()).next();
        epochs.push(value.ys.arraySync());
        tf.dispose([value.xs, value.ys]);
      }
      return epochs;
    };
    const [a, b] = await firstTargets(7);
    expect(await firstTargets(7)).toEqual([a, b]);
    expect(a).not.toEqual(b);
  });
});

describe("the notebook's model", () => {
  it('has 81,212 parameters (80,828 trainable), as the notebook printed', () => {
    const model = buildPoetryModel({ ...NOTEBOOK_MODEL, vocabularySize: 28 }, 1);
    expect(model.countParams()).toBe(81_212);
    const text = summary(model);
    expect(text).toContain('Total params: 81,212');
    expect(text).toContain('Trainable params: 80,828');
    expect(text).toMatch(/RnnkitLSTM/);
    model.dispose();
  });
});

describe('char-poetry (smoke run on the first 120,000 characters of Moby-Dick)', () => {
  it('learns above the trivial baselines; held-out figures match a hand count; reloads to identical predictions and text; leaks nothing', {
    timeout: SLOW_MACHINE_TIMEOUT,
  }, async () => {
    const corpus = splitCorpus((await mobyDick()).slice(0, 120_000), {
      heldOutFraction: 0.1,
      validationFraction: 0.05,
    });
    const settings = { ...NOTEBOOK_MODEL, vocabularySize: 28 };
    const before = tf.memory().numTensors;
    const model = buildPoetryModel(settings, 3);
    const trained = await trainPoetry(model, {
      train: corpus.train,
      validation: corpus.validation,
      sequenceLength: 10,
      batchSize: 128,
      epochs: 3,
      stepsPerEpoch: 60,
      shuffleBuffer: 20_000,
      recalibrationWindows: 5000,
      learningRate: 0.01,
      finalLearningRateFraction: 0.1,
      patience: 0,
      seed: 3,
      verbose: 0,
    });
    expect(trained.history.epoch).toEqual([0, 1, 2]);
    expect(trained.windows).toBe(3 * 60 * 128);

    const heldOut = await scoreWindows(model, corpus.heldOut, 10);
    const trivial = baselines(corpus.train, corpus.heldOut, 28, 10);
    expect(heldOut.characters).toBe(corpus.heldOut.length - 10);
    if (process.env.CHAR_POETRY_REPORT) console.log({ heldOut, trivial, history: trained.history.history });
    // The space is ~19% of the characters: 23,040 windows must do far better than always guessing it.
    expect(heldOut.accuracy).toBeGreaterThan(trivial.majorityAccuracy + 0.1);
    expect(heldOut.bitsPerChar).toBeLessThan(trivial.unigramBitsPerChar);
    // The same figures by hand, from predict on every held-out window.
    const byHand = handScore(model, corpus.heldOut);
    expect(heldOut.accuracy).toBeCloseTo(byHand.accuracy, 6);
    expect(heldOut.bitsPerChar).toBeCloseTo(byHand.bitsPerChar, 4);
    expect(heldOut.bitsPerChar).toBeCloseTo(heldOut.loss / Math.LN2, 10);

    const modelDir = join(dir, 'model');
    await savePoetryModel(model, corpus.vocabulary, settings, modelDir);
    const reloaded = await loadPoetryModel(modelDir);
    expect(reloaded.settings).toEqual(settings);
    expect(reloaded.vocabulary.tokens).toEqual(corpus.vocabulary.tokens);
    const windows = corpus.heldOut.subarray(0, 10 * 50);
    expect(predictions(reloaded.model, windows)).toEqual(predictions(model, windows)); // bit for bit
    const generation = {
      prompt: 'To be or not to be.',
      sequenceLength: 10,
      maxNewTokens: 40,
      temperature: 0.5,
      seed: 9,
    };
    const streamed: string[] = [];
    const original = await generateText(model, corpus.vocabulary, {
      ...generation,
      onText: (t) => streamed.push(t),
    });
    expect(original.prompt).toBe('to be or not to be.');
    expect(original.text).toMatch(/^[a-z .]{40}$/);
    expect(streamed.join('')).toBe(original.text);
    expect((await generateText(reloaded.model, reloaded.vocabulary, generation)).text).toBe(original.text);

    // The embedding PCA picture: one labelled point per symbol.
    const projection = projectEmbeddings2d(embeddingMatrix(reloaded.model), {
      labels: reloaded.vocabulary.tokens,
    });
    expect(projection.points).toHaveLength(28);
    expect(await embeddingScatterSvg(projection.points, projection.labels)).toContain('<svg');

    model.dispose();
    reloaded.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Accuracy and bits per character over every window of `ids`, from `predict` and plain arithmetic. */
function handScore(model: tfl.LayersModel, ids: Int32Array): { accuracy: number; bitsPerChar: number } {
  const n = ids.length - 10;
  const probabilities = tf.tidy(() => {
    const xs = tf.tensor2d(
      Int32Array.from({ length: n * 10 }, (_, k) => ids[Math.floor(k / 10) + (k % 10)]!),
      [n, 10],
      'int32',
    );
    return (model.predict(xs) as tf.Tensor).dataSync() as Float32Array;
  });
  let hits = 0;
  let bits = 0;
  for (let row = 0; row < n; row++) {
    const p = probabilities.subarray(row * 28, (row + 1) * 28);
    const target = ids[row + 10]!;
    let best = 0;
    for (let id = 1; id < 28; id++) if (p[id]! > p[best]!) best = id;
    if (best === target) hits += 1;
    bits -= Math.log2(p[target]!);
  }
  return { accuracy: hits / n, bitsPerChar: bits / n };
}

/** The model's probabilities for the windows of `ids` (plain numbers). */
function predictions(model: tfl.LayersModel, ids: Int32Array): number[] {
  return tf.tidy(() => {
    const n = ids.length - 10;
    const xs = tf.tensor2d(
      Int32Array.from({ length: n * 10 }, (_, k) => ids[Math.floor(k / 10) + (k % 10)]!),
      [n, 10],
      'int32',
    );
    return Array.from((model.predict(xs) as tf.Tensor).dataSync());
  });
}
