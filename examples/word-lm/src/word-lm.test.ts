import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { perplexityFromTotal } from '@rnnkit/metrics';
import { evaluate, initBackend } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, parseCli, UsageError } from './cli-options.js';
import { loadText, splitCorpus, WordVocabulary, wordTokens } from './corpus.js';
import { generateSentences } from './generate.js';
import { KneserNeyTrigram } from './kneser-ney.js';
import { lmLoss, lmMetrics, scoringBatches, windowsOver } from './model.js';
import { loadWordLm, saveWordLm } from './persist.js';
import { trainWordLm } from './train.js';

// The smoke run takes ~25 s of CPU; niced beside other training jobs holding both cores it took
// over 300 s, so it gets 600 s.
const SLOW_MACHINE_TIMEOUT = 600_000;
const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: readonly string[]) =>
  promisify(execFile)('node', ['--import', 'tsx', 'src/main.ts', ...args], { cwd: EXAMPLE });

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = await mkdtemp(join(tmpdir(), 'word-lm-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('tokens and vocabulary', () => {
  it('lowercases, keeps . ! ? and inner apostrophes as they are, drops other punctuation', () => {
    expect(
      wordTokens(`"Call me Ishmael." Some years ago--never mind how long; the whale's 2 jaws!\n'Tis so?`),
    ).toEqual([
      'call',
      'me',
      'ishmael',
      '.',
      'some',
      'years',
      'ago',
      'never',
      'mind',
      'how',
      'long',
      'the',
      "whale's",
      '2',
      'jaws',
      '!',
      "'tis",
      'so',
      '?',
    ]);
  });

  it('keeps the training words seen ≥ minCount times, <unk> = 0, and no padding id', () => {
    const tokens = wordTokens('the cat sat . the cat ran . the dog sat . a bird');
    const vocabulary = WordVocabulary.fromTokens(tokens, 2);
    // Counts: the 3, . 3, cat 2, sat 2; dog, ran, a, bird once → 4 words + <unk>.
    expect(vocabulary.vocabularySize).toBe(5);
    expect([0, 1, 2, 3, 4].map((id) => vocabulary.idToToken(id))).toEqual([
      '<unk>',
      'the',
      '.',
      'cat',
      'sat',
    ]);
    expect(Array.from(vocabulary.encodeTokens(['the', 'dog', 'sat', '.']))).toEqual([1, 0, 4, 2]);
    expect(vocabulary.decode([1, 3, 4, 2])).toBe('the cat sat.');
    expect(vocabulary.sentenceEndIds()).toEqual([2]);
    const again = WordVocabulary.fromJSON(vocabulary.toJSON());
    expect(Array.from(again.encodeTokens(tokens))).toEqual(Array.from(vocabulary.encodeTokens(tokens)));
  });

  it('splits by position and builds the vocabulary from the training slice only', () => {
    const tokens = [...'a b a b a b c c'.split(' '), 'd', 'd'];
    const corpus = splitCorpus(tokens, { heldOutFraction: 0.2, validationFraction: 0.25, minCount: 1 });
    expect(corpus.heldOutStart).toBe(8);
    expect(corpus.validationStart).toBe(6);
    // "c" (validation only) and "d" (held out only) are <unk>.
    expect(corpus.vocabulary.vocabularySize).toBe(3);
    expect(Array.from(corpus.ids.subarray(6))).toEqual([0, 0, 0, 0]);
    expect(corpus.heldOutUnknown).toBe(2);
  });
});

describe('flags', () => {
  it('has the documented defaults for start and quality', () => {
    expect(parseCli([])).toMatchObject({
      corpus: 'moby-dick',
      minCount: 5,
      sequenceLength: 5,
      units: [256],
      minutes: Number(DEFAULTS.start.minutes),
      stepsPerEpoch: Number(DEFAULTS.start['steps-per-epoch']),
      heldOutFraction: 0.1,
      threads: 'auto',
    });
    expect(parseCli(['--threads', '1']).threads).toBe(1);
    expect(parseCli(['--', '--quality'])).toMatchObject({
      quality: true,
      minutes: Number(DEFAULTS.quality.minutes),
      stepsPerEpoch: Number(DEFAULTS.quality['steps-per-epoch']),
    });
    expect(parseCli(['--steps-per-epoch', 'all']).stepsPerEpoch).toBe(Number.POSITIVE_INFINITY);
    expect(parseCli(['--top-k', 'all']).topK).toBeNull();
  });

  it('refuses unknown flags and bad values with a UsageError naming the flag', () => {
    expect(() => parseCli(['--min-cout', '3'])).toThrow(UsageError);
    expect(() => parseCli(['--min-count', 'two'])).toThrow(/--min-count must be an integer ≥ 1, got 'two'/);
    expect(() => parseCli(['--corpus', 'bible'])).toThrow(/--corpus must be 'moby-dick' or 'sotu'/);
    expect(() => parseCli(['--units', '256,x'])).toThrow(/--units/);
    expect(() => parseCli(['--dropout', '1'])).toThrow(/--dropout/);
    expect(() => parseCli(['--threads', '9'])).toThrow(
      /--threads must be 'auto' or an integer in \[1, 8\], got '9'/,
    );
    expect(() => parseCli(['--text', 'a.txt', '--corpus', 'sotu'])).toThrow(UsageError);
  });

  it('exits with code 1 and the usage on a bad flag', async () => {
    const error = await cli(['--temperature', 'hot']).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--temperature must be a number[\s\S]*Usage:/),
    });
  });
});

describe('smoke run on the start of Moby-Dick', () => {
  it('learns past the unigram baseline; evaluate() equals a hand computation; reload predicts the same; no tensor leaks', {
    timeout: SLOW_MACHINE_TIMEOUT,
  }, async () => {
    const { text } = await loadText('moby-dick', undefined);
    const tokens = wordTokens(text).slice(0, 24_000);
    const corpus = splitCorpus(tokens, { heldOutFraction: 0.1, validationFraction: 0.1, minCount: 3 });
    const { ids, validationStart, heldOutStart, vocabulary } = corpus;
    const V = vocabulary.vocabularySize;
    const settings = { vocabularySize: V, sequenceLength: 5, embeddingDim: 32, units: [64, 64], dropout: 0 };
    const before = tf.memory().numTensors;

    const trained = await trainWordLm({
      ids,
      validationStart,
      validationEnd: heldOutStart,
      model: settings,
      // Small batches: the model must leave the unigram plateau within a few epochs of 21k windows.
      batchSize: 32,
      epochs: 3,
      stepsPerEpoch: Number.POSITIVE_INFINITY,
      learningRate: 0.005,
      finalLearningRateFraction: 0.1,
      patience: 0,
      timeBudgetSeconds: Number.POSITIVE_INFINITY,
      seed: 7,
      verbose: 0,
      print: () => {},
    });
    const heldOut = () =>
      scoringBatches(ids, heldOutStart, ids.length, { sequenceLength: 5, batchSize: 256 });
    const result = await evaluate(trained.model, heldOut(), { loss: lmLoss(), metrics: lmMetrics() });
    expect(result.samples).toBe(ids.length - heldOutStart);

    // Trivial baseline: the training unigram distribution (add-one), on the same held-out ids.
    const counts = new Float64Array(V).fill(1);
    for (const id of ids.subarray(0, validationStart)) counts[id]! += 1;
    const total = counts.reduce((s, x) => s + x, 0);
    let unigramNats = 0;
    for (const id of ids.subarray(heldOutStart)) unigramNats -= Math.log(counts[id]! / total);
    const unigram = perplexityFromTotal(unigramNats, ids.length - heldOutStart);
    const trigram = KneserNeyTrigram.fit(ids.subarray(0, validationStart), V).score(ids, heldOutStart);
    const kn = perplexityFromTotal(trigram.totalNats, trigram.tokens);
    if (process.env.WORD_LM_REPORT)
      console.log({ V, gru: result.perplexity, unigram, kn, history: trained.history.history });
    expect(result.perplexity!).toBeLessThan(unigram * 0.9);
    expect(kn).toBeLessThan(unigram);

    // By hand: −log softmax(logits)[target] over every held-out window, from model.predict.
    const windows = await windowsOver(ids, heldOutStart, ids.length, 5).toArray();
    const xs = tf.tensor2d(
      windows.flatMap((w) => Array.from(w.xs)),
      [windows.length, 5],
      'int32',
    );
    const logits = trained.model.predict(xs) as tf.Tensor2D;
    const logProbabilities = tf.logSoftmax(logits);
    const rows = (await logProbabilities.array()) as number[][];
    const nats = windows.reduce((s, w, i) => s - rows[i]![w.ys[0]!]!, 0);
    expect(result.loss).toBeCloseTo(nats / windows.length, 4);
    expect(result.perplexity!).toBeCloseTo(Math.exp(nats / windows.length), 2);

    await saveWordLm({ model: trained.model, vocabulary, settings }, join(dir, 'model'));
    const reloaded = await loadWordLm(join(dir, 'model'));
    expect(reloaded.settings).toEqual(settings);
    expect(reloaded.vocabulary.toJSON()).toBe(vocabulary.toJSON());
    const again = reloaded.model.predict(xs) as tf.Tensor2D;
    expect(Array.from(await again.data())).toEqual(Array.from(await logits.data()));
    tf.dispose([xs, logits, logProbabilities, again]);

    const options = {
      prompt: 'Call me Ishmael.',
      samples: 2,
      maxNewTokens: 12,
      temperature: 0.8,
      topK: 20,
      seed: 3,
    };
    const sentences = await generateSentences(reloaded, options);
    expect(sentences).toHaveLength(2);
    expect(sentences.join(' ')).not.toContain('<unk>');
    expect(await generateSentences(reloaded, options)).toEqual(sentences);

    trained.model.dispose();
    reloaded.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
