import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateG2p, pronounce, scorePronunciations, trainG2p } from './g2p.js';
import { lexiconPairs, loadLexicon, readLexicon, splitLexicon } from './lexicon.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = await mkdtemp(join(tmpdir(), 'g2p-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the CMUdict lexicon', () => {
  it('groups alternates under their word, strips stress, drops punctuation names', async () => {
    const lexicon = await loadLexicon();
    const byWord = new Map(lexicon.map((entry) => [entry.word, entry.pronunciations]));
    expect(byWord.get('read')).toEqual([
      ['R', 'EH', 'D'],
      ['R', 'IY', 'D'],
    ]);
    expect(byWord.get('tomato')?.[0]).toEqual(['T', 'AH', 'M', 'EY', 'T', 'OW']);
    expect(lexicon.every((entry) => /^[a-z][a-z'.-]*$/.test(entry.word))).toBe(true);
    expect(byWord.has('!exclamation-point')).toBe(false);
    expect(lexicon.length).toBeGreaterThan(120_000);
  });

  it('splits by word, seeded: no held-out word in training, every pronunciation kept', async () => {
    const lexicon = (await loadLexicon()).slice(0, 3000);
    const split = splitLexicon(lexicon, { heldOutFraction: 0.1, seed: 7 });
    expect(split.heldOut).toHaveLength(300);
    const trainWords = new Set(split.train.map((entry) => entry.word));
    expect(split.heldOut.some((entry) => trainWords.has(entry.word))).toBe(false);
    expect(split.train.length + split.heldOut.length).toBe(lexicon.length);
    expect(splitLexicon(lexicon, { heldOutFraction: 0.1, seed: 7 })).toEqual(split);
    const pronunciations = split.train.reduce((n, entry) => n + entry.pronunciations.length, 0);
    expect(lexiconPairs(split.train)).toHaveLength(pronunciations);
  });

  it('reads a dictionary file in CMUdict format (comments, CRLF, alternates, stress)', async () => {
    const path = join(dir, 'mini.dict');
    await writeFile(
      path,
      ';;; a comment\r\nREAD  R IY1 D\r\nREAD(1)  R EH1 D\r\nlive l ih1 v # verb\r\nLIVE(2) L AY1 V\r\n\r\n',
    );
    expect(await readLexicon(path)).toEqual([
      {
        word: 'read',
        pronunciations: [
          ['R', 'IY', 'D'],
          ['R', 'EH', 'D'],
        ],
      },
      {
        word: 'live',
        pronunciations: [
          ['L', 'IH', 'V'],
          ['L', 'AY', 'V'],
        ],
      },
    ]);
  });
});

describe('scoring against every reference pronunciation', () => {
  it('counts a word right when it matches any reference; phoneme errors against the closest (hand-computed)', () => {
    const entries = [
      {
        word: 'read',
        pronunciations: [
          ['R', 'IY', 'D'],
          ['R', 'EH', 'D'],
        ],
      },
      { word: 'cat', pronunciations: [['K', 'AE', 'T']] },
      {
        word: 'live',
        pronunciations: [
          ['L', 'IH', 'V'],
          ['L', 'AY', 'V'],
        ],
      },
    ];
    // read: matches its 2nd reference; cat: one substitution of 3; live: 1 deletion vs either (closest first).
    const scores = scorePronunciations(entries, [
      ['R', 'EH', 'D'],
      ['K', 'AH', 'T'],
      ['L', 'V'],
    ]);
    expect(scores.wrongWords).toBe(2);
    expect(scores.wordErrorRate).toBeCloseTo(2 / 3, 12);
    expect(scores.phonemeErrorRate).toBeCloseTo((0 + 1 + 1) / (3 + 3 + 3), 12);
  });
});

describe('g2p (smoke run on a slice of CMUdict)', () => {
  it('learns to pronounce held-out words far better than chance, without leaking tensors', async () => {
    const split = splitLexicon((await loadLexicon()).filter((e) => e.word.length <= 6).slice(0, 3000), {
      heldOutFraction: 0.1,
      seed: 1,
    });
    const before = tf.memory().numTensors;
    const g2p = await trainG2p({
      pairs: lexiconPairs(split.train),
      units: 64,
      embeddingDim: 32,
      attention: 'luong-general',
      bidirectionalEncoder: true,
      dropout: 0,
      epochs: SMOKE_EPOCHS,
      batchSize: 64,
      learningRate: 0.01,
      finalLearningRateFraction: 0.05,
      seed: 3,
      verbose: 0,
    });
    const greedy = await evaluateG2p(g2p, split.heldOut, { method: 'greedy', beamWidth: 1 });
    const beam = await evaluateG2p(g2p, split.heldOut, { method: 'beam', beamWidth: 3 });
    if (process.env.G2P_REPORT) console.log(greedy.scores, beam.scores, g2p.history.history['loss']);
    // An untrained model's phoneme error rate is ≥ 100%; a bigram-free guess of the commonest phoneme ~90%.
    expect(greedy.scores.phonemeErrorRate).toBeLessThan(SMOKE_PER);
    expect(beam.scores.phonemeErrorRate).toBeLessThan(SMOKE_PER);
    expect(await pronounce(g2p, ['cat'], { method: 'greedy', beamWidth: 1 })).toEqual([expect.any(Array)]);
    g2p.translator.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // ~25 s alone; a CI machine running other suites beside it can take twice that.
  }, 180_000);
});

const SMOKE_EPOCHS = 6;
const SMOKE_PER = 0.5;
