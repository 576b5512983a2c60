// A character language model (the TF text-generation tutorial, grown up): trains on the first 90%
// of Moby-Dick or any text, reports bits per character on the last 10% it never saw, checkpoints
// with the vocabulary, reloads, and streams generated text.
//   pnpm start                          # a few minutes on 2 cores
//   pnpm start --text book.txt          # any UTF-8 text (Gutenberg header/footer stripped)
//   pnpm start --generate-only --prompt "The whale"   # sample again from out/char-lm/model
//   pnpm quality                        # the full run (≤ 20 min); writes results/char-lm.json
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RnnkitError } from '@rnnkit/core';
import { plotHistorySvg } from '@rnnkit/metrics/plots';
import { initBackend } from '@rnnkit/rnn-models';
import { describeMachine, loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { CharVocabulary } from '@rnnkit/tokenize';
import { type CliSettings, parseCli, USAGE, UsageError } from './cli-options.js';
import { loadText, splitCorpus } from './corpus.js';
import { heldOutBitsPerChar } from './held-out.js';
import type { ModelSettings } from './model.js';
import { sampleText } from './sample.js';
import { trainCharLm } from './train.js';

const print = (text: string) => process.stdout.write(text);
/** Held-out scoring layout: 32 streams of 100-character batches, the state carried between them. */
const SCORING = { streams: 32, sequenceLength: 100 } as const;

async function main(cli: CliSettings): Promise<void> {
  // A process dedicated to training: pinning keeps XNNPACK's worker off the main thread's CPU.
  const backend = await initBackend({ backend: 'wasm', threads: cli.threads, pinThreads: true });
  const machine = await describeMachine();
  const out = resolve(cli.out);
  const modelDir = join(out, 'model');
  if (cli.generateOnly) {
    const { model, vocabulary, settings } = await reload(modelDir);
    await generateFrom(model, vocabulary, settings, cli, cli.prompt ?? '\n');
    model.dispose();
    return;
  }

  const { text, source } = await loadText(cli.text);
  const corpus = splitCorpus(text, {
    heldOutFraction: cli.heldOutFraction,
    validationFraction: cli.validationFraction,
  });
  const { vocabulary } = corpus;
  console.log(
    `${source}: ${text.length.toLocaleString()} characters, ${vocabulary.vocabularySize} ids (with <unk>); ` +
      `training ${corpus.train.length.toLocaleString()}, validation ${corpus.validation.length.toLocaleString()}, ` +
      `held out ${corpus.heldOut.length.toLocaleString()} (${corpus.heldOutUnknown} unseen in training); backend ${backend}`,
  );
  const trained = await trainCharLm({
    ...corpus,
    model: { cell: cli.cell, units: cli.units, embeddingDim: cli.embeddingDim, dropout: cli.dropout },
    sequenceLength: cli.sequenceLength,
    batchSize: cli.batchSize,
    epochs: cli.epochs,
    stepsPerEpoch: cli.stepsPerEpoch,
    learningRate: cli.learningRate,
    finalLearningRateFraction: cli.finalLearningRateFraction,
    stateful: cli.stateful,
    patience: cli.patience,
    timeBudgetSeconds: cli.minutes * 60,
    checkpointDir: join(out, 'checkpoints'),
    every: cli.every,
    sample: { prompt: cli.prompt ?? defaultPrompt(text), maxNewTokens: 160, temperature: cli.temperature },
    seed: cli.seed,
    verbose: 1,
    print,
  });
  const losses = trained.history.history['loss']!;
  const validation = trained.history.history['val_loss'] ?? [];
  console.log(
    `Trained ${trained.history.epoch.length} epochs on ${trained.characters.toLocaleString()} characters in ` +
      `${(trained.seconds / 60).toFixed(1)} min (${Math.round(trained.characters / trained.seconds).toLocaleString()} characters/s); ` +
      `loss ${losses.map((l) => l.toFixed(3)).join(' → ')} nats, validation ${validation.map((l) => bits(l)).join(' → ')} bits/char`,
  );

  // What is measured is what a user reloads: save, load, then score and sample the loaded model.
  await saveModel(trained.model, modelDir, {
    extras: { vocabulary: vocabulary.toJSON(), model: { ...trained.settings } },
  });
  trained.model.dispose();
  const reloaded = await reload(modelDir);
  console.log(`Saved and reloaded ${modelDir} with its vocabulary`);
  const scoringStarted = performance.now();
  const carried = await heldOutBitsPerChar(
    reloaded.model,
    reloaded.settings,
    corpus.heldOutContext,
    corpus.heldOut,
    {
      ...SCORING,
      carryState: true,
    },
  );
  const fresh = await heldOutBitsPerChar(
    reloaded.model,
    reloaded.settings,
    corpus.heldOutContext,
    corpus.heldOut,
    {
      ...SCORING,
      carryState: false,
    },
  );
  const scoringSeconds = (performance.now() - scoringStarted) / 1000;
  console.log(
    `Held-out: ${carried.bitsPerChar.toFixed(3)} bits/char over ${carried.characters.toLocaleString()} characters ` +
      `(state carried; ${fresh.bitsPerChar.toFixed(3)} with a fresh state every ${SCORING.sequenceLength}; ` +
      `uniform guessing ${Math.log2(vocabulary.vocabularySize).toFixed(2)}; next-char accuracy ${(100 * carried.accuracy).toFixed(1)}%)`,
  );
  await generateFrom(
    reloaded.model,
    reloaded.vocabulary,
    reloaded.settings,
    cli,
    cli.prompt ?? defaultPrompt(text),
  );

  // The quality run's figures and plot are committed (results/); other runs' stay in out/.
  const plotDir = cli.quality ? resolve('results') : out;
  await mkdir(plotDir, { recursive: true });
  const plot = join(plotDir, 'char-lm-history.svg');
  await writeFile(
    plot,
    await plotHistorySvg(trained.history, { title: 'char-lm: loss (nats) and accuracy' }),
  );
  console.log(`History plot: ${plot}`);
  if (cli.quality) {
    const results = {
      summary: {
        example: 'char-lm',
        // performance.now() counts from the process' start: the whole run.
        seconds: Number((performance.now() / 1000).toFixed(1)),
        metrics: [
          {
            name: 'held-out bits/char',
            value: Number(carried.bitsPerChar.toFixed(4)),
            target: { atMost: 2.0 },
            met: carried.bitsPerChar <= 2.0,
          },
          {
            name: 'held-out next-char accuracy',
            value: Number(carried.accuracy.toFixed(4)),
            target: null,
            met: null,
          },
        ],
        note: carried.bitsPerChar <= 2.0 ? null : missedTargetNote(validation as number[]),
      },
      task: 'character language model; held-out bits per character on the last 10% of the text, never trained on',
      text: source,
      heldOutBitsPerChar: Number(carried.bitsPerChar.toFixed(4)),
      heldOutBitsPerCharFreshState: Number(fresh.bitsPerChar.toFixed(4)),
      heldOutAccuracy: Number(carried.accuracy.toFixed(4)),
      heldOutCharacters: carried.characters,
      heldOutUnseenCharacters: corpus.heldOutUnknown,
      target: 2.0,
      referencePoints: { wittenBell5gram: 2.38, bzip2: 2.39, xz: 2.58 },
      scoring: {
        ...SCORING,
        state: 'carried across batches within each stream; each stream starts from a zero state',
      },
      settings: {
        ...cli,
        // JSON has no Infinity: say 'all' as the flags do.
        stepsPerEpoch: Number.isFinite(cli.stepsPerEpoch) ? cli.stepsPerEpoch : 'all',
        minutes: Number.isFinite(cli.minutes) ? cli.minutes : 'all',
        vocabularySize: vocabulary.vocabularySize,
      },
      epochs: trained.history.epoch.length,
      lossPerEpoch: losses,
      validationLossPerEpoch: validation,
      trainCharacters: trained.characters,
      trainSeconds: Number(trained.seconds.toFixed(1)),
      scoringSeconds: Number(scoringSeconds.toFixed(1)),
      machine,
      machineAtEnd: await describeMachine(),
      date: new Date().toISOString(),
    };
    const file = resolve('results/char-lm.json');
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Results: ${file}`);
  }
  reloaded.model.dispose();
}

const bits = (nats: number) => (nats / Math.LN2).toFixed(3);

/** Moby-Dick's first line, or the first 40 characters of the user's text. */
function defaultPrompt(text: string): string {
  return text.includes('Call me Ishmael.') ? 'Call me Ishmael. ' : text.slice(0, 40);
}

async function reload(dir: string) {
  const checkpoint = await loadModel(dir);
  const extras = checkpoint.extras as { vocabulary?: unknown; model?: ModelSettings } | null;
  if (typeof extras?.vocabulary !== 'string' || typeof extras.model !== 'object') {
    checkpoint.model.dispose();
    throw new UsageError(
      `${dir} is not a char-lm model (its extras lack the vocabulary and model settings).`,
    );
  }
  return {
    model: checkpoint.model,
    vocabulary: CharVocabulary.fromJSON(extras.vocabulary),
    settings: extras.model,
  };
}

async function generateFrom(
  model: Awaited<ReturnType<typeof reload>>['model'],
  vocabulary: CharVocabulary,
  settings: ModelSettings,
  cli: CliSettings,
  prompt: string,
): Promise<void> {
  print(`\n${prompt}`);
  const sample = await sampleText(model, vocabulary, {
    prompt,
    maxNewTokens: cli.maxNewTokens,
    temperature: cli.temperature,
    topK: cli.topK,
    topP: cli.topP,
    seed: cli.seed,
    onText: print,
  });
  print(
    `\n\nSampled ${sample.text.length} characters in ${sample.millis.toFixed(0)} ms ` +
      `(${Math.round(sample.charactersPerSecond).toLocaleString()} characters/s, one ${settings.cell.toUpperCase()} step each)\n`,
  );
}

try {
  // pnpm 10 passes a `--` separator through to the script.
  const argv = process.argv.slice(2);
  await main(parseCli(argv[0] === '--' ? argv.slice(1) : argv));
} catch (error) {
  // Flag mistakes print the usage; rnnkit's errors (a missing or binary --text file, a checkpoint
  // that is not there) say what is wrong and how to fix it: the message is enough.
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else if (error instanceof RnnkitError) console.error(`${error.name}: ${error.message}`);
  else throw error;
  process.exit(1);
}

/**
 * What the validation curve says about a missed target: still falling at the end (more time
 * would help), or flat (a bigger or differently regularised model would, judged on validation).
 */
function missedTargetNote(validation: readonly number[]): string {
  const last = validation.length - 1;
  const best = Math.min(...validation);
  const earlier = Math.min(...validation.slice(0, Math.max(1, last - 3)));
  if (validation[last] === best && earlier - best > 0.002) {
    return 'more training time would close the gap: the validation loss was still falling at the end';
  }
  const flat = validation.length - 1 - validation.lastIndexOf(best);
  return (
    `validation loss flat for the last ${Math.max(flat, 1)} epoch(s) (best ${best.toFixed(4)}): more time does not ` +
    'help; a larger or differently regularised model, judged on the validation slice, would'
  );
}
