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
import {
  type Example,
  evaluateClassifier,
  predictProbabilities,
  splitExamples,
  trainClassifier,
} from './classifier.js';
import { loadSpamAssassin } from './data.js';
import { cleanMail, htmlToText } from './mail.js';
import { loadClassifier, saveClassifier } from './persist.js';
import { parseSettings, UsageError } from './settings.js';

// The training tests take ~11 s and ~4 s on an idle 2-core machine; 58 s and 29 s were seen with
// another job holding both cores, so they get more than vitest's configured 60 s.
const SLOW_MACHINE_TIMEOUT = 180_000;

let dir: string;
// The CLI as a user runs it, from this example's folder whatever the runner's working directory (the root runs every project).
const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: readonly string[]) =>
  promisify(execFile)('node', ['--import', 'tsx', 'src/main.ts', ...args], { cwd: EXAMPLE });
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = await mkdtemp(join(tmpdir(), 'text-classifier-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mail clean-up', () => {
  it('keeps the decoded subject and the text parts; drops routing headers, markup and attachments', () => {
    const raw = [
      'Received: from mx1.example.com by relay 10.0.0.1',
      'Subject: =?iso-8859-1?Q?Caf=E9_offer?=',
      '  for you',
      'Content-Type: multipart/alternative; boundary="XYZ"',
      '',
      'preamble',
      '--XYZ',
      'Content-Type: text/html; charset=us-ascii',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<html><head><style>p{color:red}</style></head><body><p>Save 70%=',
      ' <a href=3D"http://x.biz">now</a> &amp; mail me@x.biz</p></body></html>',
      '--XYZ',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      '',
      'AAECAwQ=',
      '--XYZ--',
      'epilogue',
    ].join('\r\n');
    expect(cleanMail(raw)).toEqual({
      subject: 'Café offer for you',
      body: 'Save number % hyperlink now & mail emailaddr attachment',
    });
  });

  it('reads base64 text bodies and turns HTML entities and URLs into words', () => {
    const raw = `Subject: hi\nContent-Transfer-Encoding: base64\n\n${Buffer.from('see https://a.b/c?d=1 at 5pm').toString('base64')}\n`;
    expect(cleanMail(raw).body).toBe('see url at number pm');
    expect(htmlToText('<b>A&lt;B</b>&#33;')).toBe(' A<B !');
  });
});

describe('flags', () => {
  it('has the documented defaults for start and quality', () => {
    const start = parseSettings([])!;
    expect(start).toMatchObject({
      quality: false,
      tsv: null,
      lengthPercentile: 75,
      epochs: 3,
      out: 'out',
      testFraction: 0.2,
      threads: 'auto',
    });
    expect(parseSettings(['--threads', '1'])?.threads).toBe(1);
    expect(parseSettings(['--', '--quality'])).toMatchObject({
      quality: true,
      lengthPercentile: 95,
      epochs: 8,
      out: 'results',
    });
    expect(parseSettings(['--help'])).toBeNull();
  });

  it('refuses unknown flags and bad values with a message naming the flag', () => {
    expect(() => parseSettings(['--epoch', '3'])).toThrow(UsageError);
    expect(() => parseSettings(['--epochs', 'three'])).toThrow(
      /--epochs must be an integer ≥ 1, got "three"/,
    );
    expect(() => parseSettings(['--dropout', '1'])).toThrow(/--dropout must be a number in \[0, 1\)/);
    expect(() => parseSettings(['--test-fraction', '0.9'])).toThrow(/--test-fraction/);
    expect(() => parseSettings(['--threads', '3'])).toThrow(
      /--threads must be 'auto' or an integer in \[1, 2\], got "3"/,
    );
  });

  it('exits with code 1 and a message on a bad flag', async () => {
    const error = await cli(['--max-lenght', '9']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1, stderr: expect.stringMatching(/Unknown option '--max-lenght'/) });
  });
});

describe('spam filter (smoke run on a stratified slice of SpamAssassin)', () => {
  it('learns far above the majority class; the reloaded model gives the same probabilities; no tensor leaks', {
    timeout: SLOW_MACHINE_TIMEOUT,
  }, async () => {
    const data = await loadSpamAssassin();
    expect(data.examples).toHaveLength(6046);
    const [slice] = splitDataset(data.examples, [1200], { seed: 5, stratify: (e: Example) => e.label }) as [
      Example[],
    ];
    const split = splitExamples(slice, { testFraction: 0.2, validationFraction: 0.1, seed: 5 });
    const majority = 1 - split.test.filter((e) => e.label === 1).length / split.test.length;
    const before = tf.memory().numTensors;
    const classifier = await trainClassifier(split, data.classNames, {
      ...SMOKE,
      maxLength: null,
      lengthPercentile: 50,
    });
    const { scores, probabilities } = await evaluateClassifier(classifier, split.test);
    if (process.env.TEXT_CLASSIFIER_REPORT)
      console.log(scores.report.text, classifier.maxLength, classifier.history.history);
    expect(scores.accuracy).toBeGreaterThan(Math.max(0.9, majority + 0.15));
    expect(scores.f1).toBeGreaterThan(0.8);
    expect(scores.report.accuracy).toBe(scores.accuracy);

    await saveClassifier(classifier, join(dir, 'spam'));
    const reloaded = await loadClassifier(join(dir, 'spam'));
    expect(reloaded.maxLength).toBe(classifier.maxLength);
    expect(reloaded.tokenizer.toJSON()).toBe(classifier.tokenizer.toJSON());
    const again = await predictProbabilities(
      reloaded,
      split.test.map((e) => e.sentence),
    );
    expect(Array.from(again)).toEqual(Array.from(probabilities));
    reloaded.model.dispose();
    classifier.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('--tsv (a sentence<TAB>label file)', () => {
  it('trains, scores, saves and reloads end to end through the CLI', {
    timeout: SLOW_MACHINE_TIMEOUT,
  }, async () => {
    const path = join(dir, 'sentiment.txt');
    await writeFile(path, sentimentLines(400).join('\n'));
    const { stdout } = await cli([
      '--tsv',
      path,
      '--epochs',
      '4',
      '--units',
      '8',
      '--embedding',
      '16',
      '--dense',
      '0',
      '--learning-rate',
      '0.01',
      '--batch',
      '32',
      '--threads',
      '1',
      '--out',
      join(dir, 'out'),
      '--model-dir',
      join(dir, 'sentiment-model'),
    ]);
    expect(stdout).toMatch(/400 examples from .*sentiment\.txt \(200 positive\)/);
    const accuracy = Number(/Held-out 80 examples: accuracy ([\d.]+)%/.exec(stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(80);
    expect(stdout).toMatch(/largest probability change over \d+ texts: 0\)/);
  });

  it('says what is wrong with a malformed file and exits with code 1', async () => {
    const path = join(dir, 'bad.txt');
    await writeFile(path, 'fine\t1\nno label here\n');
    const error = await cli(['--tsv', path]).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/DATASETS_PARSE_ERROR: Line 2 has no tab/),
    });
  });
});

const SMOKE = {
  numWords: 4000,
  embeddingDim: 32,
  units: 16,
  denseUnits: 16,
  dropout: 0,
  epochs: 3,
  batchSize: 32,
  learningRate: 0.005,
  patience: 1,
  seed: 3,
  verbose: 0,
} as const;

/** Seeded review-like sentences whose label is carried by one adjective, half positive. */
function sentimentLines(count: number): string[] {
  const random = new SeededRandom(11);
  const pick = (words: readonly string[]) => words[Math.floor(random.nextFloat() * words.length)]!;
  const good = ['great', 'excellent', 'wonderful', 'fantastic', 'lovely', 'superb'];
  const bad = ['awful', 'terrible', 'horrible', 'poor', 'dreadful', 'useless'];
  const things = ['phone', 'battery', 'screen', 'service', 'food', 'movie', 'staff', 'price'];
  const filler = ['the', 'this', 'my', 'our'];
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2;
    return `${pick(filler)} ${pick(things)} was ${pick(label === 1 ? good : bad)} and the ${pick(things)} too.\t${label}`;
  });
}
