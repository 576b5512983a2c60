import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPairs, splitBySource } from './pairs.js';
import {
  alignmentPlot,
  evaluate,
  historyPlot,
  saveAndReload,
  trainTranslator,
  translateTexts,
} from './translate.js';

const SAMPLE = fileURLToPath(new URL('../data/eng-fra-sample.txt', import.meta.url));
let dir: string;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = await mkdtemp(join(tmpdir(), 'rnnkit-translate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('translate (smoke run on the shipped sample)', () => {
  it('reads the shipped CRLF sample with its attribution column', async () => {
    const text = await readFile(SAMPLE, 'utf8');
    expect(text).toContain('\r\n');
    const { pairs, groups } = await loadPairs(SAMPLE, { maxPairs: Number.POSITIVE_INFINITY, maxLength: 10 });
    expect(pairs.length).toBe(text.split('\r\n').length - 1);
    expect(pairs[0]).toEqual({
      source: 'Go.',
      target: 'Va\u202f!',
      attribution: expect.stringContaining('CC-BY 2.0'),
    });
    expect(pairs.every((pair) => !/\r/.test(pair.target) && !/\r/.test(pair.attribution ?? ''))).toBe(true);
    // "Go." has three translations on three lines: one group, three references.
    expect(groups.find((group) => group.source === 'Go.')?.targets).toEqual([
      'Va\u202f!',
      'Marche.',
      'Bouge\u202f!',
    ]);
  });

  it('trains, scores held-out BLEU greedy and beam, saves, reloads and plots without leaking', async () => {
    const { groups } = await loadPairs(SAMPLE, { maxPairs: Number.POSITIVE_INFINITY, maxLength: 10 });
    const split = splitBySource(groups, { heldOutFraction: 0.1, seed: 1 });
    const before = tf.memory().numTensors;
    const trained = await trainTranslator({
      pairs: split.train,
      maxLength: 10,
      maxVocabularySize: null,
      units: 64,
      embeddingDim: 32,
      attention: 'luong-dot',
      epochs: SMOKE_EPOCHS,
      batchSize: 32,
      learningRate: 0.01,
      seed: 1,
      verbose: 0,
    });
    const losses = trained.history.history['loss'] as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
    const heldOut = split.heldOut.slice(0, 60);
    const greedy = await evaluate(trained, heldOut, { method: 'greedy', beamWidth: 1 });
    const beam = await evaluate(trained, heldOut.slice(0, 20), { method: 'beam', beamWidth: 3 });
    if (process.env.TRANSLATE_REPORT) console.log(greedy.bleu, beam.bleu, losses);
    expect(greedy.bleu).toBeGreaterThanOrEqual(SMOKE_BLEU);
    expect(beam.bleu).toBeGreaterThan(0);

    const reloaded = await saveAndReload(trained, join(dir, 'translator'), { seed: 1 });
    const sources = split.heldOutGroups.slice(0, 5).map((group) => group.source);
    expect(await translateTexts(reloaded, sources, { method: 'greedy', beamWidth: 1 })).toEqual(
      await translateTexts(trained, sources, { method: 'greedy', beamWidth: 1 }),
    );
    const { svg } = await alignmentPlot(reloaded, sources[0]!);
    expect(svg).toMatch(/^<svg/);
    expect(await historyPlot(trained.history)).toMatch(/^<svg/);
    reloaded.model.dispose();
    trained.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

const SMOKE_EPOCHS = 6;
const SMOKE_BLEU = 0.1;
