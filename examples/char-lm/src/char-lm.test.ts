import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, toStepModel } from '@rnnkit/rnn-models';
import { loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { logSoftmax } from '@rnnkit/sampling';
import { CharVocabulary } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from './cli-options.js';
import { loadText, splitCorpus } from './corpus.js';
import { heldOutBitsPerChar } from './held-out.js';
import { sampleText } from './sample.js';
import { trainCharLm } from './train.js';

let root: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  root = await mkdtemp(join(tmpdir(), 'rnnkit-char-lm-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the corpus split', () => {
  it('holds out the end by position; the vocabulary comes from the training part; unseen characters are <unk>', () => {
    const text = `${'abcab '.repeat(30)}zzq`; // 183 characters; 'z' and 'q' only in the held-out tail
    const corpus = splitCorpus(text, { heldOutFraction: 0.1, validationFraction: 0.1 });
    expect(corpus.heldOut).toHaveLength(19);
    expect(corpus.train.length + corpus.validation.length).toBe(164);
    expect(corpus.vocabulary.tokens).toEqual(['<unk>', ' ', 'a', 'b', 'c']);
    expect(corpus.heldOutUnknown).toBe(3);
    expect(corpus.vocabulary.decode([...corpus.heldOut])).toBe(`${text.slice(164, 180)}<unk><unk><unk>`);
    expect(corpus.heldOutContext).toBe(corpus.vocabulary.tokenToId(text[163]!));
  });
});

describe('the command line', () => {
  it('rejects bad flags with a UsageError naming the flag', () => {
    expect(() => parseCli(['--cell', 'rnn'])).toThrow(UsageError);
    expect(() => parseCli(['--temperature', 'hot'])).toThrow(/--temperature/);
    expect(() => parseCli(['--units', '256,0'])).toThrow(/--units/);
    expect(() => parseCli(['--epochz', '3'])).toThrow(UsageError);
    const quality = parseCli(['--quality']);
    expect([quality.units, quality.stepsPerEpoch, quality.minutes, quality.dropout]).toEqual([
      [512],
      Number.POSITIVE_INFINITY,
      18,
      0.2,
    ]);
    expect(parseCli([]).units).toEqual([256]);
    expect(parseCli(['--units', '128,64', '--stateful']).units).toEqual([128, 64]);
  });
});

describe('char-lm (smoke run on the first 40,000 characters of Moby-Dick)', () => {
  it('beats uniform guessing on held-out text, scores it honestly, reloads to identical logits, leaks nothing', async () => {
    const { text } = await loadText();
    const corpus = splitCorpus(text.slice(0, 40_000), { heldOutFraction: 0.1, validationFraction: 0.05 });
    const before = tf.memory().numTensors;
    const printed: string[] = [];
    const trained = await trainCharLm({
      ...corpus,
      model: { cell: 'gru', units: [96], embeddingDim: 24, dropout: 0 },
      sequenceLength: 50,
      batchSize: 32,
      epochs: 3,
      stepsPerEpoch: 20,
      learningRate: 0.01,
      finalLearningRateFraction: 0.1,
      stateful: false,
      patience: 0,
      timeBudgetSeconds: Number.POSITIVE_INFINITY,
      checkpointDir: join(root, 'checkpoints'),
      every: 3,
      sample: { prompt: 'The ', maxNewTokens: 20, temperature: 0.8 },
      seed: 3,
      verbose: 0,
      print: (piece) => printed.push(piece),
    });
    expect(await readdir(join(root, 'checkpoints'))).toEqual(expect.arrayContaining(['best', 'epoch-0003']));
    expect(printed.join('')).toMatch(/^Sample after epoch 3: The [\s\S]{20}\n$/);

    const { model, settings } = trained;
    const V = corpus.vocabulary.vocabularySize;
    const options = { streams: 4, sequenceLength: 50 };
    const carried = await heldOutBitsPerChar(model, settings, corpus.heldOutContext, corpus.heldOut, {
      ...options,
      carryState: true,
    });
    expect(carried.characters).toBe(corpus.heldOut.length); // every held-out character, once
    // Uniform guessing costs log2(V) ≈ 6.4 bits; 60 small steps must be far below it.
    expect(carried.bitsPerChar).toBeLessThan(Math.log2(V) - 2);
    // The same figure by hand, on the first 1,200 held-out characters: each stream stepped one
    // character at a time from a zero state.
    const head = corpus.heldOut.subarray(0, 1200);
    const batched = await heldOutBitsPerChar(model, settings, corpus.heldOutContext, head, {
      ...options,
      carryState: true,
    });
    expect(batched.bitsPerChar).toBeCloseTo(stepByStepBits(model, corpus.heldOutContext, head, options), 3);
    const fresh = await heldOutBitsPerChar(model, settings, corpus.heldOutContext, corpus.heldOut, {
      ...options,
      carryState: false,
    });
    expect(fresh.characters).toBe(corpus.heldOut.length);
    expect(fresh.bitsPerChar).toBeGreaterThan(carried.bitsPerChar); // less context, higher cost
    if (process.env.CHAR_LM_REPORT) console.log({ carried, fresh, batched, V });

    const dir = join(root, 'model');
    await saveModel(model, dir, {
      extras: { vocabulary: corpus.vocabulary.toJSON(), model: { ...settings } },
    });
    const checkpoint = await loadModel(dir, { expect: { vocabularySize: V } });
    const vocabulary = CharVocabulary.fromJSON((checkpoint.extras as { vocabulary: string }).vocabulary);
    expect(vocabulary.tokens).toEqual(corpus.vocabulary.tokens);
    expect(logitsOf(checkpoint.model, corpus.heldOut)).toEqual(logitsOf(model, corpus.heldOut)); // bit for bit
    const sampling = {
      prompt: 'Call me ',
      maxNewTokens: 40,
      temperature: 0.7,
      topK: 10,
      topP: 0.95,
      seed: 5,
    };
    const streamed: string[] = [];
    const first = await sampleText(model, corpus.vocabulary, {
      ...sampling,
      onText: (t) => streamed.push(t),
    });
    expect(first.text).toHaveLength(40);
    expect(streamed.join('')).toBe(first.text);
    expect((await sampleText(checkpoint.model, vocabulary, sampling)).text).toBe(first.text);

    model.dispose();
    checkpoint.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Logits of the last step for the first 200 ids (plain numbers). */
function logitsOf(model: tfl.LayersModel, ids: Int32Array): number[] {
  return tf.tidy(() => {
    const step = toStepModel(model);
    const state = step.initialState(1);
    let logits: tf.Tensor2D | undefined;
    let current = state;
    for (const id of ids.subarray(0, 200)) {
      const out = step.step(Int32Array.of(id), current);
      step.disposeState(current);
      current = out.state;
      logits = out.logits;
    }
    step.disposeState(current);
    return Array.from(logits!.dataSync());
  });
}

/** Bits per character stepping each of `streams` rows (heldOutBitsPerChar's layout) from a zero state. */
function stepByStepBits(
  model: tfl.LayersModel,
  context: number,
  heldOut: Int32Array,
  layout: { readonly streams: number; readonly sequenceLength: number },
): number {
  const n = heldOut.length;
  const rowLength = Math.ceil(n / layout.streams / layout.sequenceLength) * layout.sequenceLength;
  const step = toStepModel(model);
  let total = 0;
  for (let start = 0; start < n; start += rowLength) {
    let state = step.initialState(1);
    for (let at = start; at < Math.min(start + rowLength, n); at++) {
      const out = step.step(Int32Array.of(at === 0 ? context : heldOut[at - 1]!), state);
      step.disposeState(state);
      state = out.state;
      total -= logSoftmax(out.logits.dataSync() as Float32Array)[heldOut[at]!]! / Math.LN2;
      out.logits.dispose();
    }
    step.disposeState(state);
  }
  return total / n;
}
