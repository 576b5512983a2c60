// pnpm bench (in packages/metrics): corpus BLEU and corpus WER over 100k seeded sentence pairs with
// @rnnkit/metrics and — on the same data, written to a temp file — NLTK 3.8's corpus_bleu and
// nltk.edit_distance when /usr/bin/python3 has nltk (apt-get install python3-nltk). Prints pairs/s,
// the ratio and whether both sides computed the same value. `--json` prints JSON lines only;
// `--pairs N` changes the corpus size.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BleuAccumulator, corpusBleu, wordErrorRate } from '../src/index.js';

const TARGET_RATIO = 10;
const args = process.argv.slice(2);
const json = args.includes('--json');
const pairsArg = args.indexOf('--pairs');
const PAIRS = pairsArg >= 0 ? Number(args[pairsArg + 1]) : 100_000;
const OUR_RUNS = 5;
const NLTK_RUNS = Number(process.env['NLTK_RUNS'] ?? 1);
const SEED = 20240607;

/** mulberry32: a small seeded PRNG, so every run benchmarks the same corpus. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sentences of 5–30 words from a Zipf-like 5,000-word vocabulary; hypotheses are noisy copies. */
function generate(count: number): { references: string[][][]; hypotheses: string[][] } {
  const random = mulberry32(SEED);
  const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i}`);
  const word = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(1 / (random() + 1e-4)) - 1)]!;
  const sentence = () => Array.from({ length: 5 + Math.floor(random() * 26) }, word);
  const references: string[][][] = [];
  const hypotheses: string[][] = [];
  for (let i = 0; i < count; i++) {
    const reference = sentence();
    const hypothesis: string[] = [];
    for (const token of reference) {
      const roll = random();
      if (roll < 0.08) continue; // deletion
      hypothesis.push(roll < 0.2 ? word() : token); // substitution or match
      if (random() < 0.05) hypothesis.push(word()); // insertion
    }
    references.push(random() < 0.2 ? [reference, sentence()] : [reference]);
    hypotheses.push(hypothesis);
  }
  return { references, hypotheses };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(fn: () => T): { seconds: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

async function startNltkPeer(dataFile: string) {
  const peer = spawn('/usr/bin/python3', [join(import.meta.dirname, 'nltk_peer.py'), dataFile], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const alive = await new Promise<boolean>((resolve) => {
    peer.once('error', () => resolve(false));
    peer.once('spawn', () => resolve(true));
  });
  if (!alive) return null;
  const replies = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
  const ready = await replies.next();
  if (ready.done) return null;
  const run = async (command: 'bleu' | 'wer') => {
    peer.stdin.write(`${command}\n`);
    const reply = await replies.next();
    if (reply.done) throw new Error(`nltk_peer.py exited during '${command}'`);
    return JSON.parse(reply.value) as { seconds: number; value: number };
  };
  return { run, stop: () => peer.stdin.end() };
}

const { references, hypotheses } = generate(PAIRS);
const firstReferences = references.map((refs) => refs[0]!);
const dir = mkdtempSync(join(tmpdir(), 'rnnkit-metrics-bench-'));
const dataFile = join(dir, 'pairs.jsonl');
writeFileSync(dataFile, references.map((r, i) => JSON.stringify({ r, h: hypotheses[i] })).join('\n'));
const nltk = await startNltkPeer(dataFile);

const tasks = {
  corpusBleu: () => corpusBleu(references, hypotheses),
  'BleuAccumulator (batches of 1,000)': () => {
    const accumulator = new BleuAccumulator();
    for (let i = 0; i < PAIRS; i += 1000)
      accumulator.update(references.slice(i, i + 1000), hypotheses.slice(i, i + 1000));
    return accumulator.result();
  },
  wordErrorRate: () => wordErrorRate(firstReferences, hypotheses),
} as const;
const peerCommand: Record<keyof typeof tasks, 'bleu' | 'wer'> = {
  corpusBleu: 'bleu',
  'BleuAccumulator (batches of 1,000)': 'bleu',
  wordErrorRate: 'wer',
};

const results: Record<string, unknown>[] = [];
const nltkCache = new Map<string, { pairsPerSecond: number; value: number }>();
for (const [name, task] of Object.entries(tasks) as [keyof typeof tasks, () => number][]) {
  task(); // warm-up (JIT)
  const runs = Array.from({ length: OUR_RUNS }, () => time(task));
  const ours = median(runs.map((r) => PAIRS / r.seconds));
  const value = runs[0]!.value;
  const command = peerCommand[name];
  if (nltk && !nltkCache.has(command)) {
    const nltkRuns = [];
    for (let i = 0; i < NLTK_RUNS; i++) nltkRuns.push(await nltk.run(command));
    nltkCache.set(command, {
      pairsPerSecond: median(nltkRuns.map((r) => PAIRS / r.seconds)),
      value: nltkRuns[0]!.value,
    });
  }
  const reference = nltkCache.get(command);
  results.push({
    bench: 'metrics',
    metric: name,
    pairs: PAIRS,
    rnnkitPairsPerSecond: ours,
    nltkPairsPerSecond: reference?.pairsPerSecond ?? null,
    ratio: reference ? ours / reference.pairsPerSecond : null,
    value,
    nltkValue: reference?.value ?? null,
    agree: reference ? Math.abs(value - reference.value) <= 1e-12 * Math.abs(reference.value) : null,
  });
}
nltk?.stop();
rmSync(dir, { recursive: true, force: true });

if (json) {
  for (const row of results) console.log(JSON.stringify(row));
} else {
  console.log(
    `${PAIRS.toLocaleString('en')} seeded pairs (5–30 words, 5,000-word Zipf vocabulary, 20% with two references); rnnkit median of ${OUR_RUNS} runs after a warm-up, NLTK ${nltk ? `median of ${NLTK_RUNS} run(s)` : 'not available (apt-get install python3-nltk)'}`,
  );
  console.log('');
  console.log('metric                              rnnkit pairs/s  NLTK pairs/s  ratio   same value  target');
  for (const row of results) {
    const ratio = row['ratio'] as number | null;
    console.log(
      [
        String(row['metric']).padEnd(35),
        Math.round(row['rnnkitPairsPerSecond'] as number)
          .toLocaleString('en')
          .padStart(14),
        (row['nltkPairsPerSecond'] === null
          ? '-'
          : Math.round(row['nltkPairsPerSecond'] as number).toLocaleString('en')
        ).padStart(13),
        (ratio === null ? '-' : `${ratio.toFixed(1)}×`).padStart(6),
        String(row['agree'] ?? '-').padStart(11),
        ratio === null ? '' : ` ${ratio >= TARGET_RATIO ? 'meets' : 'MISSES'} ≥${TARGET_RATIO}×`,
      ].join(' '),
    );
  }
  for (const row of results)
    console.log(`${row['metric']}: ${row['value']} (NLTK ${row['nltkValue'] ?? '-'})`);
}
