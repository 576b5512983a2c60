import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SeededRandom } from '@rnnkit/core';
import { splitDataset } from '@rnnkit/datasets';
import { initBackend } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taggerAccuracy, trainNgramTaggers } from './baselines.js';
import { loadBrown, type Sentence } from './data.js';
import {
  encodeSentences,
  fitFeaturizer,
  fitVocabulary,
  SHAPES,
  suffix,
  tokenizeText,
  wordShape,
} from './features.js';
import { loadTagger, saveTagger } from './persist.js';
import { tagScores, toUniversal, unseenFlags } from './scores.js';
import { parseSettings, UsageError } from './settings.js';
import { encodeExamples, predictIds, tagSentences, trainTagger } from './tagger.js';

// The training tests took 46 s and 7 s on the 2-core machine with a load average of 7 (other
// jobs); they get more than vitest's configured 60 s.
const SLOW_MACHINE_TIMEOUT = 180_000;

let dir: string;
// The CLI as a user runs it, from this example's folder whatever the runner's working directory.
const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: readonly string[]) =>
  promisify(execFile)('node', ['--import', 'tsx', 'src/main.ts', ...args], { cwd: EXAMPLE });
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = await mkdtemp(join(tmpdir(), 'pos-tagger-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('features', () => {
  it('gives each token a shape, suffixes and lowercase word ids', () => {
    const shapes = [
      'the',
      'The',
      'NATO',
      'McDonald',
      'well-known',
      'Anglo-Saxon',
      '1,000',
      '1950s',
      ',',
      '``',
      '$',
      'A',
    ].map(wordShape);
    expect(shapes).toEqual([
      'lower',
      'capitalized',
      'upper',
      'mixed',
      'lower-hyphen',
      'capitalized-hyphen',
      'number',
      'has-digit',
      'punctuation',
      'punctuation',
      'punctuation',
      'capitalized',
    ]);
    expect([suffix('Running', 3), suffix('Running', 2), suffix('a', 3)]).toEqual(['ing', 'ng', 'a']);
    // min count 2: 'the' (3) and 'cat' (2) keep ids 2 and 3 (Keras' frequency order); 'sat' is <unk> (1).
    const words = fitVocabulary([['the', 'cat', 'sat'], ['the', 'cat'], ['the']], 2);
    expect(words.textsToSequences([['the', 'cat', 'sat', 'dog']])).toEqual([[2, 3, 1, 1]]);
    expect(words.vocabularySize).toBe(4);
    const featurizer = fitFeaturizer(
      [
        ['The', 'cat', 'sat'],
        ['the', 'Cat'],
      ],
      2,
    );
    const [encoded] = encodeSentences(featurizer, [['THE', 'cat', 'hat']]);
    expect(encoded!.map((ids) => Array.from(ids))).toEqual([
      [2, 3, 1],
      [3, 2, 2], // suffix2: 'at' (3 times) is id 2, 'he' (twice) id 3; 'hat' ends in 'at' too
      [2, 3, 1], // suffix3: 'the', 'cat' kept; 'hat' unseen
      [SHAPES.indexOf('upper') + 1, SHAPES.indexOf('lower') + 1, SHAPES.indexOf('lower') + 1],
    ]);
  });

  it('splits typed-in text as Brown writes it', () => {
    expect(tokenizeText('"Hello," she said (quietly). U.S. troops!')).toEqual([
      '``',
      'Hello',
      ',',
      "''",
      'she',
      'said',
      '(',
      'quietly',
      ')',
      '.',
      'U.S.',
      'troops',
      '!',
    ]);
  });
});

describe('NLTK-style baselines', () => {
  it('tags by the most frequent tag per word, then by the previous tag, with a default', () => {
    const train = [
      { words: ['I', 'can', 'fish'], tags: ['PPSS', 'MD', 'VB'] },
      { words: ['a', 'can', 'of', 'fish'], tags: ['AT', 'NN', 'IN', 'NN'] },
      { words: ['the', 'can'], tags: ['AT', 'NN'] },
      { words: ['fish', 'swim'], tags: ['NN', 'VB'] },
    ];
    const taggers = trainNgramTaggers(train);
    expect(taggers.defaultTag).toBe('NN');
    // unigram: can → NN (2 of 3), fish → NN (2 of 3); unknown 'we' → NN.
    expect(taggers.unigram(['we', 'can', 'fish'])).toEqual(['NN', 'NN', 'NN']);
    // bigram: (PPSS, can) → MD and (MD, fish) → VB were seen; they differ from the unigram's guesses.
    expect(taggers.bigram(['I', 'can', 'fish'])).toEqual(['PPSS', 'MD', 'VB']);
    expect(taggerAccuracy(taggers.unigram, [train[0]!])).toBeCloseTo(1 / 3, 12);
  });
});

describe('scores', () => {
  it('splits accuracy into known and unseen words and maps Brown tags to universal', () => {
    const scores = tagScores(
      [
        ['AT', 'NN', 'VBD'],
        ['NP', '.'],
      ],
      [
        ['AT', 'NN', 'VBN'],
        ['NN', '.'],
      ],
      [
        [false, false, true],
        [true, false],
      ],
    );
    expect(scores).toEqual({
      accuracy: 3 / 5,
      tokens: 5,
      knownAccuracy: 1,
      knownTokens: 3,
      unseenAccuracy: 0,
      unseenTokens: 2,
    });
    expect(toUniversal([['AT', 'NN-TL', 'VBD', 'PPS+BEZ']])).toEqual([['DET', 'NOUN', 'VERB', 'PRT']]);
  });
});

describe('flags', () => {
  it('has the documented defaults for start and quality', () => {
    expect(parseSettings([])).toMatchObject({
      quality: false,
      tagged: null,
      trainSentences: 12_000,
      epochs: 2,
      testFraction: 0.1,
      out: 'out',
      threads: 'auto',
    });
    expect(parseSettings(['--threads', '1'])?.threads).toBe(1);
    expect(parseSettings(['--', '--quality'])).toMatchObject({
      quality: true,
      trainSentences: null,
      out: 'results',
    });
    expect(parseSettings(['--tag', 'A b .', '--tag', 'C'])!.tag).toEqual(['A b .', 'C']);
    expect(parseSettings(['--help'])).toBeNull();
  });

  it('refuses unknown flags and bad values with a message naming the flag', () => {
    expect(() => parseSettings(['--epoch', '3'])).toThrow(UsageError);
    expect(() => parseSettings(['--units', 'many'])).toThrow(/--units must be an integer ≥ 1, got "many"/);
    expect(() => parseSettings(['--unk-rate', '1'])).toThrow(/--unk-rate must be a number in \[0, 1\)/);
    expect(() => parseSettings(['--tag', ' '])).toThrow(/--tag needs a sentence/);
    expect(() => parseSettings(['--threads', '3'])).toThrow(
      /--threads must be 'auto' or an integer in \[1, 2\], got "3"/,
    );
  });

  it('exits with code 1 and a message on a bad flag', async () => {
    const error = await cli(['--batch-token', '9']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1, stderr: expect.stringMatching(/Unknown option '--batch-token'/) });
  });
});

describe('Brown tagger (smoke run on a slice)', () => {
  it('learns well above the most-frequent-tag baseline; the reloaded model tags identically; no tensor leaks', {
    timeout: SLOW_MACHINE_TIMEOUT,
  }, async () => {
    const corpus = await loadBrown();
    expect(corpus.sentences).toHaveLength(57_340);
    const [train, validation, test] = splitDataset(corpus.sentences, [1500, 200, 400], { seed: 7 }) as [
      Sentence[],
      Sentence[],
      Sentence[],
    ];
    const before = tf.memory().numTensors;
    const tagger = await trainTagger({ train, validation }, corpus.tagsets, SMOKE);
    expect(tagger.tagsets.map((t) => t.name)).toEqual(['brown', 'universal']);
    const examples = encodeExamples(tagger, test);
    const ids = await predictIds(tagger, examples);
    const unseen = unseenFlags(tagger.featurizer, test);
    const universal = tagScores(
      test.map((s) => s.tags[1]!),
      ids[1]!.map((sentence) => Array.from(sentence, (id) => tagger.tagsets[1]!.tags[id - 1]!)),
      unseen,
    );
    // References trained on the same slice: every word a NOUN, and NLTK's unigram tagger.
    const universalOf = (part: readonly Sentence[]) =>
      part.map((s) => ({ words: s.words, tags: s.tags[1]! }));
    const unigram = trainNgramTaggers(universalOf(train)).unigram;
    const baselines = {
      noun: taggerAccuracy((words) => words.map(() => 'NOUN'), universalOf(test)),
      unigram: taggerAccuracy(unigram, universalOf(test)),
    };
    if (process.env.POS_TAGGER_REPORT) console.log(universal, baselines, tagger.history.history);
    expect(universal.accuracy).toBeGreaterThan(
      Math.max(0.85, baselines.noun + 0.5, baselines.unigram + 0.02),
    );
    expect(universal.unseenTokens).toBeGreaterThan(0);

    await saveTagger(tagger, join(dir, 'brown'));
    const reloaded = await loadTagger(join(dir, 'brown'));
    expect(reloaded.tagsets).toEqual(tagger.tagsets);
    expect(reloaded.featurizer.words.toJSON()).toBe(tagger.featurizer.words.toJSON());
    const again = await predictIds(reloaded, examples);
    expect(again.map((head) => head.map((s) => Array.from(s)))).toEqual(
      ids.map((head) => head.map((s) => Array.from(s))),
    );
    const [tags] = await tagSentences(reloaded, [['The', 'man', 'saw', 'the', 'dog', '.']]);
    expect(tags![0]).toHaveLength(6);
    reloaded.model.dispose();
    tagger.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('--tagged (a word/TAG file)', () => {
  it('trains both heads on Brown-style tags, scores, saves, reloads and tags through the CLI', {
    timeout: SLOW_MACHINE_TIMEOUT,
  }, async () => {
    const path = join(dir, 'tiny.txt');
    await writeFile(path, taggedLines(300).join('\n'));
    const { stdout } = await cli([
      '--tagged',
      path,
      '--epochs',
      '3',
      '--units',
      '16',
      '--embedding',
      '16',
      '--suffix-embedding',
      '8',
      '--batch-tokens',
      '256',
      '--learning-rate',
      '0.02',
      '--threads',
      '1',
      '--tag',
      'the cat sees a bird .',
      '--out',
      join(dir, 'out'),
      '--model-dir',
      join(dir, 'tiny-model'),
    ]);
    expect(stdout).toMatch(/300 sentences .* tagsets: tags, universal/);
    const accuracy = Number(/universal accuracy ([\d.]+)%/.exec(stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(90);
    expect(stdout).toMatch(/: 0 of \d+ held-out tags differ/);
    expect(stdout).toMatch(/the\/AT\|DET cat\/NN\|NOUN sees\/VBZ\|VERB/);
  });

  it('says what is wrong with a malformed file and exits with code 1', async () => {
    const path = join(dir, 'bad.txt');
    await writeFile(path, 'the/at dog/nn\nno tags here\n');
    const error = await cli(['--tagged', path]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1, stderr: expect.stringMatching(/DATASETS_PARSE_ERROR: Line 2/) });
  });
});

const SMOKE = {
  minCount: 1,
  unkRate: 0.02,
  embeddingDim: 32,
  suffixEmbeddingDim: 16,
  shapeEmbeddingDim: 4,
  units: 32,
  dropout: 0,
  batchTokens: 512,
  epochs: 3,
  patience: 1,
  learningRate: 0.01,
  seed: 3,
  verbose: 0,
} as const;

/** Seeded sentences of a toy grammar in Brown's tags: "the cat sees a bird ." */
function taggedLines(count: number): string[] {
  const random = new SeededRandom(11);
  const pick = (words: readonly string[]) => words[Math.floor(random.nextFloat() * words.length)]!;
  const nouns = ['cat', 'dog', 'bird', 'man', 'child', 'house', 'tree', 'car'];
  const verbs = ['sees', 'likes', 'finds', 'hears', 'wants'];
  const determiners = ['the', 'a', 'every', 'this'];
  const tagOf: Record<string, string> = { the: 'AT', a: 'AT', every: 'AT', this: 'DT' };
  return Array.from({ length: count }, () => {
    const np = () => {
      const det = pick(determiners);
      return `${det}/${tagOf[det]} ${pick(nouns)}/NN`;
    };
    return `${np()} ${pick(verbs)}/VBZ ${np()} ./.`;
  });
}
