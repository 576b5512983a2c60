// Transfer learning for character language models (the "Alice → Dr Seuss" notebook pattern):
// pretrain on Moby-Dick, realign the vocabulary to the State of the Union addresses', fine-tune,
// and compare with the same network trained from scratch on the same batches — in bits per
// character on the last 10% of the addresses, which no run trains on.
//   pnpm start                                   # a few minutes on 2 cores
//   pnpm start --source a.txt --target b.txt     # any two UTF-8 texts
//   pnpm start --pretrained ../char-lm/out/char-lm/model   # start from examples/char-lm's model
//   pnpm quality                                 # the full run (≤ 15 min quiet); writes results/transfer.json
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RnnkitError } from '@rnnkit/core';
import { plotHistorySvg } from '@rnnkit/metrics/plots';
import { type History, initBackend } from '@rnnkit/rnn-models';
import { describeMachine } from '@rnnkit/rnn-models/node';
import { type CliSettings, parseCli, USAGE, UsageError } from './cli-options.js';
import { loadSource, loadTarget, splitText } from './corpus.js';
import { type HeldOutScore, heldOutBitsPerChar } from './held-out.js';
import { loadCharModel, saveCharModel } from './persist.js';
import { sampleText } from './sample.js';
import { QUARTERS, type Trained } from './train.js';
import { type CharModel, pretrain, transfer } from './transfer.js';

const print = (text: string) => process.stdout.write(text);
/** Held-out scoring layout: 32 streams of 100-character batches, the state carried between them. */
const SCORING = { streams: 32, sequenceLength: 100 } as const;
/** Quarters of the fine-tuning steps after which --quality also scores both runs (the budget table). */
const CURVE_QUARTERS = [1, 2];

async function main(cli: CliSettings): Promise<void> {
  // A process dedicated to training: pinning keeps XNNPACK's worker off the main thread's CPU
  // (with one thread there is no worker to pin; 'auto' resolving to 1 stays silent about it).
  const backend = await initBackend({
    backend: 'wasm',
    threads: cli.threads,
    pinThreads: cli.threads === 'auto' || cli.threads > 1,
  });
  const machine = await describeMachine();
  const out = resolve(cli.out);
  const recipe = {
    batchSize: cli.batchSize,
    sequenceLength: cli.sequenceLength,
    learningRate: cli.learningRate,
    finalLearningRateFraction: cli.finalLearningRateFraction,
    seed: cli.seed,
    verbose: 1,
  } as const;

  const target = await loadTarget(cli.target);
  const corpus = splitText(target.text, {
    heldOutFraction: cli.heldOutFraction,
    validationFraction: cli.validationFraction,
  });
  console.log(
    `Target: ${target.name}: ${target.text.length.toLocaleString()} characters, ${corpus.vocabulary.vocabularySize} ids (with <unk>); ` +
      `training ${corpus.train.length.toLocaleString()}, validation ${corpus.validation.length.toLocaleString()}, ` +
      `held out ${corpus.heldOut.length.toLocaleString()} (the last ${100 * cli.heldOutFraction}%; ${corpus.heldOutUnknown} unseen in training); backend ${backend}`,
  );

  // 1. The pretrained model: loaded, or trained here on the source text.
  let pretrained: CharModel;
  let pretraining: (Trained & { readonly source: string }) | null = null;
  if (cli.pretrained !== undefined) {
    pretrained = await loadCharModel(cli.pretrained);
    console.log(
      `Pretrained: ${cli.pretrained} (${pretrained.settings.cell.toUpperCase()} ${pretrained.settings.units.join(',')}, ` +
        `embedding ${pretrained.settings.embeddingDim}, ${pretrained.vocabulary.vocabularySize} ids)`,
    );
  } else {
    const source = await loadSource(cli.source);
    console.log(
      `Pretraining on ${source.name}: ${source.text.length.toLocaleString()} characters, ${cli.pretrainSteps} batches of ${cli.batchSize}×${cli.sequenceLength}`,
    );
    const trained = await pretrain(
      source.text,
      { cell: cli.cell, units: cli.units, embeddingDim: cli.embeddingDim, dropout: 0 },
      { ...recipe, steps: cli.pretrainSteps, validationFraction: cli.validationFraction },
    );
    pretrained = trained;
    pretraining = { ...trained.trained, source: source.name };
    await saveCharModel(join(out, 'pretrained'), pretrained, { text: source.name });
    console.log(`Pretrained in ${minutes(trained.trained.seconds)}; saved to ${join(out, 'pretrained')}`);
  }

  // 2. Realign, score zero-shot, fine-tune; train the twin from scratch on the same batches.
  const result = await transfer(pretrained, corpus, {
    ...recipe,
    steps: cli.steps,
    scoring: SCORING,
    curveQuarters: cli.quality ? CURVE_QUARTERS : [],
    onRun: (name) =>
      console.log(
        name === 'fine-tuned'
          ? `Realigned the vocabulary: ${result0(pretrained, corpus.vocabulary.vocabularySize)}; zero-shot scored. Fine-tuning for ${cli.steps} batches:`
          : `From scratch, the same network, batches and schedule (${cli.steps} batches):`,
      ),
  });
  console.log(
    `New characters (seeded by realignVocabulary): ${JSON.stringify(result.newTokens.join(''))}; ` +
      `zero-shot held-out ${result.zeroShot.bitsPerChar.toFixed(3)} bits/char`,
  );
  pretrained.model.dispose();

  // 3. Save both, reload, and measure what was reloaded.
  const extras = { text: target.name, steps: cli.steps };
  const vocabulary = corpus.vocabulary;
  for (const [name, run] of [
    ['fine-tuned', result.fineTuned],
    ['scratch', result.scratch],
  ] as const) {
    await saveCharModel(join(out, name), { model: run.model, vocabulary, settings: run.settings }, extras);
    run.model.dispose();
  }
  const fineTuned = await loadCharModel(join(out, 'fine-tuned'));
  const scratch = await loadCharModel(join(out, 'scratch'));
  console.log(
    `Saved and reloaded ${join(out, 'fine-tuned')} and ${join(out, 'scratch')} with their vocabulary`,
  );
  const scoringStarted = performance.now();
  const score = (model: CharModel): Promise<HeldOutScore> =>
    heldOutBitsPerChar(model.model, model.settings, corpus.heldOutContext, corpus.heldOut, {
      ...SCORING,
      carryState: true,
    });
  const final = { fineTuned: await score(fineTuned), scratch: await score(scratch) };
  const scoringSeconds =
    (performance.now() - scoringStarted) / 1000 +
    result.fineTuned.scoringSeconds +
    result.scratch.scoringSeconds;

  const rows = [
    ...result.fineTuned.curve.map(({ quarter, score: fineTunedScore }) => ({
      steps: (cli.steps * quarter) / QUARTERS,
      fineTuned: fineTunedScore.bitsPerChar,
      scratch: result.scratch.curve.find((point) => point.quarter === quarter)!.score.bitsPerChar,
    })),
    { steps: cli.steps, fineTuned: final.fineTuned.bitsPerChar, scratch: final.scratch.bitsPerChar },
  ];
  console.log(
    `\nHeld-out bits/char on the last ${100 * cli.heldOutFraction}% of the target (${corpus.heldOut.length.toLocaleString()} characters, state carried):`,
  );
  console.log(`  pretrained, realigned, zero-shot: ${result.zeroShot.bitsPerChar.toFixed(3)}`);
  console.log('  batches  fine-tuned  from scratch  gap');
  for (const row of rows) {
    console.log(
      `  ${String(row.steps).padStart(7)}  ${row.fineTuned.toFixed(3).padStart(10)}  ${row.scratch.toFixed(3).padStart(12)}  ${(row.scratch - row.fineTuned).toFixed(3)}`,
    );
  }
  console.log(
    `  (uniform guessing ${Math.log2(vocabulary.vocabularySize).toFixed(2)}; next-char accuracy ${pct(final.fineTuned.accuracy)} fine-tuned, ${pct(final.scratch.accuracy)} from scratch)`,
  );

  // 4. A sample from the reloaded fine-tuned model.
  const prompt = cli.prompt ?? defaultPrompt(target.text);
  print(`\nFine-tuned sample:\n${prompt}`);
  const sample = await sampleText(fineTuned.model, fineTuned.vocabulary, {
    prompt,
    maxNewTokens: cli.maxNewTokens,
    temperature: cli.temperature,
    topK: null,
    topP: 1,
    seed: cli.seed,
    onText: print,
  });
  print('\n\n');

  // 5. Plots (committed for --quality) and results.
  const plotDir = cli.quality ? resolve('results') : out;
  await mkdir(plotDir, { recursive: true });
  const plots: [string, History, string][] = [
    ['transfer-fine-tuned-history.svg', result.fineTuned.trained.history, 'fine-tuned on the target'],
    ['transfer-scratch-history.svg', result.scratch.trained.history, 'from scratch on the target'],
  ];
  if (pretraining !== null)
    plots.unshift(['transfer-pretrain-history.svg', pretraining.history, 'pretraining on the source']);
  for (const [file, history, title] of plots) {
    await writeFile(
      join(plotDir, file),
      await plotHistorySvg(history, { title: `transfer, ${title}: loss (nats) and accuracy` }),
    );
  }
  console.log(`History plots: ${plots.map(([file]) => join(plotDir, file)).join(', ')}`);

  if (cli.quality) {
    const met = final.fineTuned.bitsPerChar <= final.scratch.bitsPerChar;
    const results = {
      summary: {
        example: 'transfer',
        // performance.now() counts from the process' start: the whole run.
        seconds: Number((performance.now() / 1000).toFixed(1)),
        metrics: [
          {
            name: 'held-out bits/char, fine-tuned',
            value: round(final.fineTuned.bitsPerChar),
            target: { atMost: round(final.scratch.bitsPerChar) },
            met,
          },
          {
            name: 'held-out bits/char, from scratch',
            value: round(final.scratch.bitsPerChar),
            target: null,
            met: null,
          },
          {
            name: 'held-out bits/char, zero-shot (realigned, not fine-tuned)',
            value: round(result.zeroShot.bitsPerChar),
            target: null,
            met: null,
          },
        ],
        note: met
          ? `fine-tuned ${(final.scratch.bitsPerChar - final.fineTuned.bitsPerChar).toFixed(3)} bits/char below from scratch after ${cli.steps} batches each; the gap was ${rows.map((row) => (row.scratch - row.fineTuned).toFixed(3)).join(', ')} after ${rows.map((row) => row.steps).join(', ')} batches`
          : 'fine-tuning did not beat training from scratch with this budget; a longer pretraining or a lower fine-tuning rate (chosen on the validation slice) would be the next things to try',
      },
      task: "character-level transfer: pretrain on the source, realign the vocabulary (realignVocabulary), fine-tune on the target; compared with the same network trained from scratch on the same target batches; held-out bits per character on the target's last part, never trained on",
      source: pretraining?.source ?? cli.pretrained,
      target: target.name,
      heldOut: {
        fraction: cli.heldOutFraction,
        characters: corpus.heldOut.length,
        unseenInTraining: corpus.heldOutUnknown,
        scoring: {
          ...SCORING,
          state: 'carried across batches within each stream; each stream starts from a zero state',
        },
      },
      vocabulary: {
        target: vocabulary.vocabularySize,
        source: pretrained.vocabulary.vocabularySize,
        shared: result.sharedTokens,
        newTokens: result.newTokens,
        seeding:
          "realignVocabulary defaults: mean embedding row, zero output-kernel column, the source model's smallest output bias",
      },
      bitsPerChar: {
        zeroShot: round(result.zeroShot.bitsPerChar),
        budget: rows.map((row) => ({
          steps: row.steps,
          fineTuned: round(row.fineTuned),
          scratch: round(row.scratch),
        })),
      },
      accuracy: {
        fineTuned: round(final.fineTuned.accuracy),
        scratch: round(final.scratch.accuracy),
        zeroShot: round(result.zeroShot.accuracy),
      },
      sample: { prompt, text: sample.text, temperature: cli.temperature, seed: cli.seed },
      settings: {
        ...cli,
        vocabularySize: vocabulary.vocabularySize,
        architecture: result.fineTuned.settings,
      },
      seconds: {
        pretraining: pretraining === null ? null : round(pretraining.seconds, 1),
        fineTuning: round(result.fineTuned.trained.seconds - result.fineTuned.scoringSeconds, 1),
        scratch: round(result.scratch.trained.seconds - result.scratch.scoringSeconds, 1),
        scoring: round(scoringSeconds + 0, 1),
      },
      history: {
        pretraining: pretraining?.history.history ?? null,
        fineTuned: result.fineTuned.trained.history.history,
        scratch: result.scratch.trained.history.history,
      },
      machine,
      machineAtEnd: await describeMachine(),
      date: new Date().toISOString(),
    };
    const file = resolve('results/transfer.json');
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Results: ${file}`);
  }
  fineTuned.model.dispose();
  scratch.model.dispose();
}

const round = (value: number, digits = 4) => Number(value.toFixed(digits));
const pct = (value: number) => `${(100 * value).toFixed(1)}%`;
const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

function result0(pretrained: CharModel, targetSize: number): string {
  return `${pretrained.vocabulary.vocabularySize} source ids → ${targetSize} target ids`;
}

/** The State of the Union's own phrase, or the first 40 characters of the user's target text. */
function defaultPrompt(text: string): string {
  return text.includes('State of the Union') ? 'The state of the Union is ' : text.slice(0, 40);
}

try {
  // pnpm 10 passes a `--` separator through to the script, after the script's own flags
  // (`pnpm quality -- --threads 1` runs `main.ts --quality -- --threads 1`).
  const argv = process.argv.slice(2);
  const separator = argv.indexOf('--');
  await main(parseCli(separator < 0 ? argv : [...argv.slice(0, separator), ...argv.slice(separator + 1)]));
} catch (error) {
  // Flag mistakes print the usage; rnnkit's errors (a missing or binary file, a directory that is
  // not a saved model) say what is wrong and how to fix it: the message is enough.
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else if (error instanceof RnnkitError) console.error(`${error.name}: ${error.message}`);
  else throw error;
  process.exit(1);
}
