// The translation notebook on rnnkit for any Tatoeba/ManyThings pairs file: trains a GRU
// encoder–decoder with attention, prints held-out BLEU (greedy and beam) and a few translations,
// saves the translator, reloads it and translates with the reloaded one, writes the loss and
// alignment plots.
//   pnpm start                          # the shipped sample (data/eng-fra-sample.txt), ~2 minutes
//   pnpm start --pairs ~/fra.txt        # the real Tatoeba file (first 30,000 lines by default)
//   pnpm quality                        # the full run; writes results/translate.json
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RnnkitError } from '@rnnkit/core';
import { initBackend } from '@rnnkit/rnn-models';
import { describeMachine } from '@rnnkit/rnn-models/node';
import { ATTENTION_KINDS, type AttentionKind } from '@rnnkit/seq2seq';
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
const USAGE = `Usage: pnpm start [--pairs fra.txt] [--max-pairs 30000|all] [--max-length 10] [--vocabulary all]
  [--held-out 0.1] [--epochs 30] [--batch 64] [--units 128] [--embedding 64] [--attention luong-dot]
  [--learning-rate 0.005] [--beam 4] [--beam-sentences 300] [--examples 6] [--seed 42] [--threads auto|N]
  [--out-dir out] [--quality] [--out results/translate.json]`;

/** A command-line mistake: printed with the usage, exit code 1. */
class UsageError extends Error {}

function parse() {
  try {
    return parseArgs({
      options: {
        quality: { type: 'boolean', default: false },
        pairs: { type: 'string', default: SAMPLE },
        'max-pairs': { type: 'string', default: '30000' },
        'max-length': { type: 'string', default: '10' },
        vocabulary: { type: 'string', default: 'all' },
        'held-out': { type: 'string', default: '0.1' },
        epochs: { type: 'string' },
        batch: { type: 'string', default: '64' },
        units: { type: 'string', default: '128' },
        embedding: { type: 'string', default: '64' },
        attention: { type: 'string', default: 'luong-dot' },
        'learning-rate': { type: 'string', default: '0.005' },
        beam: { type: 'string', default: '4' },
        'beam-sentences': { type: 'string', default: '300' },
        examples: { type: 'string', default: '6' },
        seed: { type: 'string', default: '42' },
        threads: { type: 'string', default: 'auto' },
        'out-dir': { type: 'string', default: 'out' },
        out: { type: 'string', default: 'results/translate.json' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function main(): Promise<void> {
  const values = parse();
  /** `--name` as a number in [min, max] (an integer unless `real`); `all` → Infinity where allowed. */
  const number = (
    name: keyof typeof values,
    fallback: number,
    rule: { min: number; max?: number; real?: boolean; all?: boolean },
  ) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    if (rule.all && raw === 'all') return Number.POSITIVE_INFINITY;
    const value = Number(raw);
    const max = rule.max ?? Number.POSITIVE_INFINITY;
    if (
      typeof raw !== 'string' ||
      raw.trim() === '' ||
      !Number.isFinite(value) ||
      (!rule.real && !Number.isInteger(value)) ||
      value < rule.min ||
      value > max
    ) {
      const kind = rule.real ? 'a number' : 'an integer';
      const range = max === Number.POSITIVE_INFINITY ? `≥ ${rule.min}` : `in ${rule.min} … ${max}`;
      throw new UsageError(
        `--${name} must be ${kind} ${range}${rule.all ? " or 'all'" : ''}, got ${JSON.stringify(raw)}`,
      );
    }
    return value;
  };
  if (!(ATTENTION_KINDS as readonly string[]).includes(values.attention)) {
    throw new UsageError(
      `--attention must be one of ${ATTENTION_KINDS.join(', ')}, got ${JSON.stringify(values.attention)}`,
    );
  }
  /** `--threads`: 'auto' (as many wasm threads as cores sit idle at the start) or an integer in 1 … 8. */
  const threads = (): number | 'auto' => {
    const raw = values.threads;
    if (raw === 'auto') return 'auto';
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < 1 || value > 8)
      throw new UsageError(`--threads must be 'auto' or an integer in 1 … 8, got ${JSON.stringify(raw)}`);
    return value;
  };
  const vocabulary = number('vocabulary', Number.POSITIVE_INFINITY, { min: 4, all: true });
  const settings = {
    pairs: resolve(values.pairs),
    maxPairs: number('max-pairs', 30_000, { min: 1, all: true }),
    maxLength: number('max-length', 10, { min: 1 }),
    maxVocabularySize: vocabulary === Number.POSITIVE_INFINITY ? null : vocabulary,
    heldOutFraction: number('held-out', 0.1, { min: 0.001, max: 0.9, real: true }),
    epochs: number('epochs', values.quality ? 40 : 30, { min: 1 }),
    batchSize: number('batch', 64, { min: 1 }),
    units: number('units', 128, { min: 1 }),
    embeddingDim: number('embedding', 64, { min: 1 }),
    attention: values.attention as AttentionKind,
    learningRate: number('learning-rate', 0.005, { min: 0, real: true }),
    beamWidth: number('beam', 4, { min: 1 }),
    beamSentences: number('beam-sentences', 300, { min: 1, all: true }),
    examples: number('examples', 6, { min: 0 }),
    seed: number('seed', 42, { min: 0 }),
    threads: threads(),
  };
  const outDir = resolve(values['out-dir']);

  // A process dedicated to training: pinning keeps XNNPACK's worker off the main thread's CPU
  // ('auto' finding one idle core runs 1 thread and stays silent about pinning).
  const backend = await initBackend({ backend: 'wasm', threads: settings.threads, pinThreads: true });
  const machine = await describeMachine();
  const loaded = await loadPairs(settings.pairs, settings);
  const split = splitBySource(loaded.groups, {
    heldOutFraction: settings.heldOutFraction,
    seed: settings.seed,
  });
  const withAttribution = loaded.pairs.filter((pair) => pair.attribution !== undefined).length;
  console.log(
    `${settings.pairs}: ${loaded.pairs.length.toLocaleString()} pairs read (${withAttribution.toLocaleString()} with attribution), ` +
      `${loaded.kept.toLocaleString()} of ≤ ${settings.maxLength} words, ${loaded.groups.length.toLocaleString()} distinct sources\n` +
      `split by source (seed ${settings.seed}): ${split.train.length.toLocaleString()} training pairs ` +
      `(${split.trainGroups.length.toLocaleString()} sources), ${split.heldOut.length.toLocaleString()} held out ` +
      `(${split.heldOutGroups.length.toLocaleString()} sources, ${(split.heldOut.length / split.heldOutGroups.length).toFixed(2)} references each); backend ${backend}`,
  );

  const started = performance.now();
  const trained = await trainTranslator({ ...settings, pairs: split.train, verbose: 1 });
  const trainSeconds = (performance.now() - started) / 1000;
  const losses = trained.history.history['loss'] as number[];
  const { sourceVocabulary, targetVocabulary } = trained.prepared;
  console.log(
    `Trained in ${trainSeconds.toFixed(1)} s (vocabularies ${sourceVocabulary.vocabularySize} → ${targetVocabulary.vocabularySize}); ` +
      `loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}`,
  );

  // Beam search decodes one hypothesis set per source: score it (and greedy, for a fair comparison) on the first sources.
  const beamPairs = split.heldOut.filter((pair) =>
    split.heldOutGroups.slice(0, settings.beamSentences).some((group) => group.source === pair.source),
  );
  const evaluated = performance.now();
  const greedy = await evaluate(trained, split.heldOut, { method: 'greedy', beamWidth: 1 });
  const greedySeconds = (performance.now() - evaluated) / 1000;
  const greedySubset =
    beamPairs.length === split.heldOut.length
      ? greedy
      : await evaluate(trained, beamPairs, { method: 'greedy', beamWidth: 1 });
  const beamStarted = performance.now();
  const beam = await evaluate(trained, beamPairs, { method: 'beam', beamWidth: settings.beamWidth });
  const beamSeconds = (performance.now() - beamStarted) / 1000;
  const pct = (x: number) => `${(100 * x).toFixed(2)}`;
  console.log(
    `Held-out BLEU-4 (NLTK corpus_bleu, every reference of a source): greedy ${pct(greedy.bleu)} on ${greedy.sentences} sources ` +
      `(exact match ${pct(greedy.exactMatch)}%, ${greedySeconds.toFixed(1)} s)\n` +
      `  on the first ${beam.sentences} sources: greedy ${pct(greedySubset.bleu)} vs beam (width ${settings.beamWidth}) ${pct(beam.bleu)} ` +
      `(exact match ${pct(greedySubset.exactMatch)}% vs ${pct(beam.exactMatch)}%; beam ${beamSeconds.toFixed(1)} s)`,
  );

  await mkdir(outDir, { recursive: true });
  const reloaded = await saveAndReload(trained, join(outDir, 'translator'), {
    seed: settings.seed,
    epochs: settings.epochs,
  });
  // Spread over the held-out set (the file is sorted by length: the first sources are the shortest).
  const shown = Array.from(
    { length: Math.min(settings.examples, split.heldOutGroups.length) },
    (_, i) => split.heldOutGroups[Math.floor((i * split.heldOutGroups.length) / settings.examples)]!,
  );
  const sources = shown.map((group) => group.source);
  const [fresh, again, beamed] = await Promise.all([
    translateTexts(trained, sources, { method: 'greedy', beamWidth: 1 }),
    translateTexts(reloaded, sources, { method: 'greedy', beamWidth: 1 }),
    translateTexts(reloaded, sources, { method: 'beam', beamWidth: settings.beamWidth }),
  ]);
  const same = fresh.every((text, i) => text === again[i]);
  console.log(
    `Saved to ${join(outDir, 'translator')}, reloaded: ${same ? 'same' : 'DIFFERENT'} greedy translations. Held-out examples (reloaded translator):`,
  );
  for (const [i, group] of shown.entries()) {
    console.log(
      `  ${group.source}\n    greedy: ${again[i]}\n    beam:   ${beamed[i]}\n    refs:   ${group.targets.join(' | ')}`,
    );
  }
  // The longest example shows the alignment best.
  const longest = [...sources].sort((a, b) => b.length - a.length)[0] ?? split.heldOutGroups[0]!.source;
  const alignment = await alignmentPlot(reloaded, longest);
  await writeFile(join(outDir, 'alignment.svg'), alignment.svg);
  await writeFile(join(outDir, 'history.svg'), await historyPlot(trained.history));
  console.log(`Plots: ${join(outDir, 'history.svg')}, ${join(outDir, 'alignment.svg')}`);

  if (values.quality) {
    const out = resolve(values.out);
    await mkdir(dirname(out), { recursive: true });
    const results = {
      summary: {
        example: 'translate',
        // performance.now() counts from the process' start: the whole run.
        seconds: Number((performance.now() / 1000).toFixed(1)),
        metrics: [
          { name: 'held-out BLEU-4 (greedy)', value: greedy.bleu, target: null, met: null },
          { name: 'held-out BLEU-4 (beam)', value: beam.bleu, target: null, met: null },
        ],
        note:
          settings.pairs === SAMPLE
            ? "the shipped sample's held-out sentences recombine training words: this measures the pipeline, not translation quality; run --pairs fra.txt for that"
            : null,
      },
      task: 'translation notebook: English → French, word level, GRU encoder–decoder with Luong attention',
      data:
        settings.pairs === SAMPLE
          ? 'data/eng-fra-sample.txt (sentences written for rnnkit, not Tatoeba)'
          : settings.pairs,
      pairsRead: loaded.pairs.length,
      pairsKept: loaded.kept,
      trainPairs: split.train.length,
      heldOutPairs: split.heldOut.length,
      heldOutSources: split.heldOutGroups.length,
      bleuGreedy: greedy.bleu,
      exactMatchGreedy: greedy.exactMatch,
      beamSources: beam.sentences,
      bleuGreedyOnBeamSources: greedySubset.bleu,
      bleuBeam: beam.bleu,
      exactMatchBeam: beam.exactMatch,
      reloadedSameTranslations: same,
      vocabularySizes: { source: sourceVocabulary.vocabularySize, target: targetVocabulary.vocabularySize },
      settings: {
        ...settings,
        pairs: undefined,
        maxPairs: String(settings.maxPairs),
        beamSentences: String(settings.beamSentences),
      },
      lossPerEpoch: losses,
      trainSeconds: Number(trainSeconds.toFixed(1)),
      greedySeconds: Number(greedySeconds.toFixed(1)),
      beamSeconds: Number(beamSeconds.toFixed(1)),
      machine,
      machineAtEnd: await describeMachine(),
      date: new Date().toISOString(),
    };
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Results: ${out}`);
  }
  reloaded.model.dispose();
  trained.model.dispose();
}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError || error instanceof RangeError) {
    console.error(`${error.message}\n${USAGE}`);
  } else if (error instanceof RnnkitError) {
    console.error(`${error.name} ${(error as RnnkitError & { code: string }).code}: ${error.message}`);
  } else {
    throw error;
  }
  process.exitCode = 1;
}
