import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, toStepModel } from '@rnnkit/rnn-models';
import { CharVocabulary } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from './cli-options.js';
import { loadSource, loadTarget, newTokens, splitText } from './corpus.js';
import { heldOutBitsPerChar } from './held-out.js';
import { buildModel } from './model.js';
import { loadCharModel, saveCharModel } from './persist.js';
import { sampleText } from './sample.js';
import { pretrain, transfer } from './transfer.js';

let root: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  root = await mkdtemp(join(tmpdir(), 'rnnkit-transfer-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the texts', () => {
  it('holds out the end of the target by position; its vocabulary comes from its training part', () => {
    const text = `${'abcab '.repeat(30)}zzq`; // 183 characters; 'z' and 'q' only in the held-out tail
    const corpus = splitText(text, { heldOutFraction: 0.1, validationFraction: 0.1 });
    expect(corpus.heldOut).toHaveLength(19); // 183 − floor(183 · 0.9)
    expect(corpus.validation).toHaveLength(17); // 164 − floor(164 · 0.9)
    expect(corpus.train).toHaveLength(147);
    expect(corpus.vocabulary.tokens).toEqual(['<unk>', ' ', 'a', 'b', 'c']);
    expect(corpus.heldOutUnknown).toBe(3);
    expect(corpus.heldOutContext).toBe(corpus.vocabulary.tokenToId(text[163]!));
    // The source keeps everything for training and validation.
    const source = splitText('hello there', { heldOutFraction: 0, validationFraction: 0.1 });
    expect(source.heldOut).toHaveLength(0);
    expect(source.train.length + source.validation.length).toBe(11);
    // What realignVocabulary will seed: target characters the source lacks.
    expect(newTokens(source.vocabulary, corpus.vocabulary)).toEqual(['a', 'b', 'c']);
  });

  it('--source and --target read any UTF-8 file', async () => {
    const file = join(root, 'poem.txt');
    await writeFile(file, 'One fish\r\ntwo fish\n');
    expect(await loadTarget(file)).toEqual({ text: 'One fish\ntwo fish\n', name: file });
    expect((await loadSource(file)).text).toBe('One fish\ntwo fish\n');
  });
});

describe('the command line', () => {
  it('rejects bad flags with a UsageError naming the flag', () => {
    expect(() => parseCli(['--cell', 'rnn'])).toThrow(UsageError);
    expect(() => parseCli(['--steps', '10'])).toThrow(/--steps must be a multiple of 4/);
    expect(() => parseCli(['--pretrain-steps', 'many'])).toThrow(/--pretrain-steps/);
    expect(() => parseCli(['--source', 'a.txt', '--pretrained', 'dir'])).toThrow(UsageError);
    expect(() => parseCli(['--stepz', '8'])).toThrow(UsageError);
    expect(() => parseCli(['--threads', 'many'])).toThrow(
      /--threads must be 'auto' or an integer in \[1, 8\], got 'many'/,
    );
    expect(parseCli(['--quality'])).toMatchObject({ pretrainSteps: 1000, steps: 480 });
    expect(parseCli([])).toMatchObject({ pretrainSteps: 300, steps: 120, units: [256], threads: 'auto' });
    expect(parseCli(['--threads', '1'])).toMatchObject({ threads: 1 });
  });

  it('refuses a --pretrained directory that is not a char-lm model', async () => {
    const dir = join(root, 'not-a-model');
    await mkdir(dir);
    await expect(loadCharModel(dir)).rejects.toThrow(); // rnnkit's CHECKPOINT error: nothing there
    const before = tf.memory().numTensors;
    const { model, vocabulary, settings } = await pretrainTiny('abc abc abc '.repeat(400), 4);
    await saveCharModel(join(root, 'no-extras'), { model, vocabulary, settings });
    // Overwrite with extras that lack the vocabulary: the model is disposed, a UsageError says why.
    const { saveModel } = await import('@rnnkit/rnn-models/node');
    await saveModel(model, join(root, 'no-extras'), { extras: { note: 'no vocabulary' } });
    model.dispose();
    await expect(loadCharModel(join(root, 'no-extras'))).rejects.toThrow(UsageError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('--pretrained', () => {
  it("loads char-lm's format; a stateful model comes back stateless with the same weights", async () => {
    const before = tf.memory().numTensors;
    const settings = { vocabularySize: 5, cell: 'gru', units: [6], embeddingDim: 3, dropout: 0 } as const;
    const stateful = buildModel(settings, { seed: 3, stateful: { batchSize: 4, sequenceLength: 10 } });
    const vocabulary = CharVocabulary.fromText('abcd', { specialTokens: { oov: '<unk>' } });
    const dir = join(root, 'stateful');
    await saveCharModel(dir, { model: stateful, vocabulary, settings });
    const loaded = await loadCharModel(dir);
    expect(loaded.model.layers.some((layer) => (layer as { stateful?: boolean }).stateful)).toBe(false);
    expect(loaded.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
      stateful.getWeights().map((w) => Array.from(w.dataSync())),
    );
    expect(loaded.vocabulary.tokens).toEqual(['<unk>', 'a', 'b', 'c', 'd']);
    expect(loaded.settings).toEqual(settings);
    stateful.dispose();
    loaded.model.dispose();
    // loadCharModel frees the stateful model it loaded, states included.
    expect(tf.memory().numTensors).toBe(before);
  });
});

const SMALL = { cell: 'gru', units: [64], embeddingDim: 16, dropout: 0 } as const;
const RECIPE = {
  batchSize: 16,
  sequenceLength: 50,
  learningRate: 0.01,
  finalLearningRateFraction: 0.1,
  verbose: 0,
} as const;

function pretrainTiny(text: string, steps: number) {
  return pretrain(text, SMALL, { ...RECIPE, seed: 1, steps, validationFraction: 0.05 });
}

describe('transfer (smoke run: 60,000 characters of Moby-Dick → 40,000 of the State of the Union)', () => {
  it('fine-tuned beats from scratch on held-out text; saves, reloads to identical logits and samples; leaks nothing', async () => {
    const source = (await loadSource()).text.slice(0, 60_000);
    const target = splitText((await loadTarget()).text.slice(-40_000), {
      heldOutFraction: 0.1,
      validationFraction: 0.05,
    });
    const before = tf.memory().numTensors;
    const pretrained = await pretrainTiny(source, 80);
    const result = await transfer(pretrained, target, {
      ...RECIPE,
      seed: 2,
      steps: 24,
      scoring: { streams: 8, sequenceLength: 50 },
      curveQuarters: [2],
    });
    const V = target.vocabulary.vocabularySize;
    const fineTuned = result.fineTuned.curve[0]!.score.bitsPerChar;
    const scratch = result.scratch.curve[0]!.score.bitsPerChar;
    if (process.env.TRANSFER_REPORT) console.log({ zeroShot: result.zeroShot, fineTuned, scratch, V });
    // English from Moby-Dick already predicts the addresses far better than uniform guessing…
    expect(result.zeroShot.bitsPerChar).toBeLessThan(Math.log2(V) - 1.5);
    expect(result.zeroShot.characters).toBe(target.heldOut.length);
    // …and after the same 12 batches, the fine-tuned model is well ahead of the one from scratch.
    expect(fineTuned).toBeLessThan(scratch - 0.3);
    expect(result.fineTuned.trained.history.history['loss']).toHaveLength(4);
    expect(result.newTokens.length + result.sharedTokens).toBe(V);
    pretrained.model.dispose();

    const dir = join(root, 'fine-tuned');
    await saveCharModel(dir, {
      model: result.fineTuned.model,
      vocabulary: target.vocabulary,
      settings: result.fineTuned.settings,
    });
    const reloaded = await loadCharModel(dir);
    expect(reloaded.vocabulary.tokens).toEqual(target.vocabulary.tokens);
    expect(logitsOf(reloaded.model, target.heldOut)).toEqual(
      logitsOf(result.fineTuned.model, target.heldOut),
    );
    const score = await heldOutBitsPerChar(
      reloaded.model,
      reloaded.settings,
      target.heldOutContext,
      target.heldOut,
      {
        streams: 8,
        sequenceLength: 50,
        carryState: true,
      },
    );
    expect(score.bitsPerChar).toBeLessThan(fineTuned); // the last 12 batches helped further
    const sampling = {
      prompt: 'The state of the Union is ',
      maxNewTokens: 30,
      temperature: 0.6,
      topK: null,
      topP: 1,
      seed: 5,
    };
    const first = await sampleText(result.fineTuned.model, target.vocabulary, sampling);
    expect(first.text).toHaveLength(30);
    expect((await sampleText(reloaded.model, reloaded.vocabulary, sampling)).text).toBe(first.text);

    result.fineTuned.model.dispose();
    result.scratch.model.dispose();
    reloaded.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Logits of the last step after the first 100 ids (plain numbers). */
function logitsOf(model: tfl.LayersModel, ids: Int32Array): number[] {
  return tf.tidy(() => {
    const step = toStepModel(model);
    let state = step.initialState(1);
    let logits: tf.Tensor2D | undefined;
    for (const id of ids.subarray(0, 100)) {
      const out = step.step(Int32Array.of(id), state);
      step.disposeState(state);
      state = out.state;
      logits = out.logits;
    }
    step.disposeState(state);
    return Array.from(logits!.dataSync());
  });
}
