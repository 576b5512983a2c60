// A word language model (the poetry notebook's word model, grown up): a stacked GRU reads the
// previous 5 words and predicts the next one. Trained on the first 90% of Moby-Dick (or the State
// of the Union addresses, or any text), scored in perplexity on the last 10% it never saw,
// against an interpolated modified Kneser–Ney trigram over exactly the same vocabulary and tokens.
//   pnpm start                                  # a few minutes on 2 cores
//   pnpm start --corpus sotu                    # the State of the Union addresses
//   pnpm start --text book.txt                  # any UTF-8 text (Gutenberg header/footer stripped)
//   pnpm start --generate-only --prompt "the whale"   # sample again from out/word-lm/model
//   pnpm quality                                # the full run (≤ 15 min); writes results/word-lm.json
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RnnkitError } from '@rnnkit/core';
import { perplexityFromTotal } from '@rnnkit/metrics';
import { plotHistorySvg } from '@rnnkit/metrics/plots';
import { evaluate, initBackend, summary } from '@rnnkit/rnn-models';
import { describeMachine } from '@rnnkit/rnn-models/node';
import { type CliSettings, parseCli, USAGE, UsageError } from './cli-options.js';
import { loadText, splitCorpus, wordTokens } from './corpus.js';
import { generateSentences } from './generate.js';
import { KneserNeyTrigram } from './kneser-ney.js';
import { lmLoss, lmMetrics, type ModelSettings, scoringBatches } from './model.js';
import { loadWordLm, saveWordLm, type WordLm } from './persist.js';
import { trainWordLm } from './train.js';

const processStarted = performance.now();
const print = (text: string) => process.stdout.write(text);

async function main(cli: CliSettings): Promise<void> {
  // A process dedicated to training: pinning keeps XNNPACK's worker off the main thread's CPU
  // ('auto' resolving to 1 thread stays silent about it).
  const backend = await initBackend({
    backend: 'wasm',
    threads: cli.threads,
    pinThreads: cli.threads === 'auto' || cli.threads > 1,
  });
  const machine = await describeMachine();
  const out = resolve(cli.out);
  const modelDir = join(out, 'model');
  if (cli.generateOnly) {
    const lm = await loadWordLm(modelDir);
    await printSamples(lm, cli, cli.prompt ?? 'the whale');
    lm.model.dispose();
    return;
  }

  const { text, source } = await loadText(cli.corpus, cli.text);
  const tokens = wordTokens(text);
  const corpus = splitCorpus(tokens, {
    heldOutFraction: cli.heldOutFraction,
    validationFraction: cli.validationFraction,
    minCount: cli.minCount,
  });
  const { vocabulary, ids, validationStart, heldOutStart } = corpus;
  const heldOutTokens = ids.length - heldOutStart;
  console.log(
    `${source}: ${tokens.length.toLocaleString()} tokens; vocabulary ${vocabulary.vocabularySize.toLocaleString()} ` +
      `(training words seen ≥ ${cli.minCount} times, + <unk>); training ${validationStart.toLocaleString()}, ` +
      `validation ${(heldOutStart - validationStart).toLocaleString()}, held out ${heldOutTokens.toLocaleString()} ` +
      `(${((100 * corpus.heldOutUnknown) / heldOutTokens).toFixed(1)}% <unk>); backend ${backend}`,
  );

  // The baseline, fitted on the same training tokens the GRU trains on.
  const knStarted = performance.now();
  const trigram = KneserNeyTrigram.fit(ids.subarray(0, validationStart), vocabulary.vocabularySize);
  const knValidation = trigram.score(ids.subarray(0, heldOutStart), validationStart);
  const knHeldOut = trigram.score(ids, heldOutStart);
  const knPerplexity = perplexityFromTotal(knHeldOut.totalNats, knHeldOut.tokens);
  const knValidationPerplexity = perplexityFromTotal(knValidation.totalNats, knValidation.tokens);
  const knSeconds = (performance.now() - knStarted) / 1000;
  const { trigram: d3, bigram: d2, unigram: d1 } = trigram.discounts;
  const fmt = (d: readonly number[]) => d.map((x) => x.toFixed(3)).join('/');
  console.log(
    `Kneser–Ney trigram (modified, interpolated; discounts D1/D2/D3+ trigram ${fmt(d3)}, bigram ${fmt(d2)}, ` +
      `unigram ${fmt(d1)}): perplexity validation ${knValidationPerplexity.toFixed(1)}, held out ${knPerplexity.toFixed(1)} ` +
      `(${knSeconds.toFixed(1)} s)`,
  );

  const settings: ModelSettings = {
    vocabularySize: vocabulary.vocabularySize,
    sequenceLength: cli.sequenceLength,
    embeddingDim: cli.embeddingDim,
    units: cli.units,
    dropout: cli.dropout,
  };
  const trained = await trainWordLm({
    ids,
    validationStart,
    validationEnd: heldOutStart,
    model: settings,
    batchSize: cli.batchSize,
    epochs: cli.epochs,
    stepsPerEpoch: cli.stepsPerEpoch,
    learningRate: cli.learningRate,
    finalLearningRateFraction: cli.finalLearningRateFraction,
    patience: cli.patience,
    timeBudgetSeconds: cli.minutes * 60,
    seed: cli.seed,
    verbose: 1,
    print,
  });
  console.log(summary(trained.model));
  const validationLosses = trained.history.history['val_loss'] ?? [];
  console.log(
    `Trained ${trained.history.epoch.length} epochs on ${trained.windows.toLocaleString()} windows in ` +
      `${(trained.seconds / 60).toFixed(1)} min (${Math.round(trained.windows / trained.seconds).toLocaleString()} windows/s); ` +
      `validation perplexity ${validationLosses.map((l) => Math.exp(l).toFixed(1)).join(' → ')}`,
  );

  // What is measured is what a user reloads: save, load, then score and sample the loaded model.
  await saveWordLm({ model: trained.model, vocabulary, settings }, modelDir);
  trained.model.dispose();
  const lm = await loadWordLm(modelDir);
  console.log(`Saved and reloaded ${modelDir} with its vocabulary`);
  const scoringStarted = performance.now();
  const score = (from: number, to: number) =>
    evaluate(
      lm.model,
      scoringBatches(ids, from, to, { sequenceLength: settings.sequenceLength, batchSize: 512 }),
      {
        loss: lmLoss(),
        metrics: lmMetrics(),
      },
    );
  const gruValidation = await score(validationStart, heldOutStart);
  const gruHeldOut = await score(heldOutStart, ids.length);
  const scoringSeconds = (performance.now() - scoringStarted) / 1000;
  const gruPerplexity = gruHeldOut.perplexity!;
  const accuracy = gruHeldOut.metrics['sparseCategoricalAccuracy'] ?? Number.NaN;
  console.log(
    `Held out (${gruHeldOut.samples.toLocaleString()} tokens, each after the ${settings.sequenceLength} before it): ` +
      `GRU perplexity ${gruPerplexity.toFixed(1)} (${gruHeldOut.bitsPerToken!.toFixed(3)} bits/word, next-word accuracy ` +
      `${(100 * accuracy).toFixed(1)}%), Kneser–Ney trigram ${knPerplexity.toFixed(1)} — ` +
      `${gruPerplexity < knPerplexity ? 'the GRU is better' : 'the trigram is better'} by ` +
      `${(100 * Math.abs(1 - gruPerplexity / knPerplexity)).toFixed(1)}%; uniform guessing ${vocabulary.vocabularySize}`,
  );
  const samples = await printSamples(lm, cli, cli.prompt ?? defaultPrompt(source, tokens));

  // The quality run's figures and plot are committed (results/); other runs' stay in out/.
  const plotDir = cli.quality ? resolve('results') : out;
  await mkdir(plotDir, { recursive: true });
  const plot = join(plotDir, 'word-lm-history.svg');
  await writeFile(
    plot,
    await plotHistorySvg(trained.history, { title: 'word-lm: loss (nats/word) and next-word accuracy' }),
  );
  console.log(`History plot: ${plot}`);
  if (cli.quality) {
    const stillFalling =
      validationLosses.length > 0 && validationLosses.at(-1) === Math.min(...validationLosses);
    const seconds = (performance.now() - processStarted) / 1000;
    const results = {
      summary: {
        example: 'word-lm',
        seconds: Number(seconds.toFixed(1)),
        metrics: [
          {
            name: 'held-out perplexity',
            value: round(gruPerplexity, 2),
            target: { atMost: round(knPerplexity, 2) },
            met: gruPerplexity <= knPerplexity,
          },
          {
            name: 'held-out perplexity, Kneser–Ney trigram',
            value: round(knPerplexity, 2),
            target: null,
            met: null,
          },
        ],
        note:
          gruPerplexity <= knPerplexity
            ? `The GRU (window of ${settings.sequenceLength} words) beats the interpolated modified Kneser–Ney trigram on the same tokens and ${vocabulary.vocabularySize}-word vocabulary (<unk> included).`
            : `The GRU misses the trigram after ${(trained.windows / validationStart).toFixed(1)} passes over the training text ` +
              `(${Math.round(trained.windows / trained.seconds)} windows/s on a shared machine, load ${machine.loadAverage[0].toFixed(1)}); ` +
              `its validation perplexity ${stillFalling ? 'was still falling' : 'had levelled off'} — more passes (a longer --minutes, a quiet machine, 2 threads) would close it.`,
      },
      task: 'word-level language model: held-out perplexity on the last 10% of the token stream, never trained on',
      text: source,
      tokenization:
        'lowercase; . ! ? as tokens; other punctuation and line breaks as spaces; apostrophes inside words kept; digits kept',
      tokens: tokens.length,
      vocabularySize: vocabulary.vocabularySize,
      minCount: cli.minCount,
      trainTokens: validationStart,
      validationTokens: heldOutStart - validationStart,
      heldOutTokens,
      heldOutUnknown: corpus.heldOutUnknown,
      gru: {
        heldOutPerplexity: round(gruPerplexity, 3),
        heldOutBitsPerWord: round(gruHeldOut.bitsPerToken!, 4),
        heldOutAccuracy: round(accuracy, 4),
        validationPerplexity: round(gruValidation.perplexity!, 3),
        epochs: trained.history.epoch.length,
        trainWindows: trained.windows,
        trainSeconds: round(trained.seconds, 1),
        scoringSeconds: round(scoringSeconds, 1),
        history: trained.history.history,
      },
      kneserNey: {
        variant:
          'interpolated modified Kneser–Ney trigram (Chen & Goodman), D1/D2/D3+ per order, uniform at the bottom',
        heldOutPerplexity: round(knPerplexity, 3),
        validationPerplexity: round(knValidationPerplexity, 3),
        discounts: trigram.discounts,
        seconds: round(knSeconds, 1),
      },
      settings: {
        ...cli,
        // JSON has no Infinity: say 'all' as the flags do.
        stepsPerEpoch: Number.isFinite(cli.stepsPerEpoch) ? cli.stepsPerEpoch : 'all',
        minutes: Number.isFinite(cli.minutes) ? cli.minutes : 'all',
      },
      samples,
      machine,
      machineAtEnd: await describeMachine(),
      date: new Date().toISOString(),
    };
    const file = resolve('results/word-lm.json');
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Results: ${file}`);
  }
  lm.model.dispose();
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The corpus' opening words: Moby-Dick's first line, the addresses' salutation, or a file's first 8 words. */
function defaultPrompt(source: string, tokens: readonly string[]): string {
  if (source.startsWith('Moby-Dick')) return 'Call me Ishmael. Some years ago';
  if (source.startsWith('State of the Union'))
    return 'Fellow citizens of the Senate and House of Representatives';
  return tokens.slice(0, 8).join(' ');
}

async function printSamples(lm: WordLm, cli: CliSettings, prompt: string): Promise<string[]> {
  const started = performance.now();
  const sentences = await generateSentences(lm, {
    prompt,
    samples: cli.samples,
    maxNewTokens: cli.maxNewTokens,
    temperature: cli.temperature,
    topK: cli.topK,
    seed: cli.seed,
  });
  console.log(
    `\nSampled from the reloaded model (temperature ${cli.temperature}, top-k ${cli.topK ?? 'all'}, seed ${cli.seed}; ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s):`,
  );
  for (const sentence of sentences) console.log(`  ${prompt} … ${sentence}`);
  return sentences.map((sentence) => `${prompt} … ${sentence}`);
}

try {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) console.log(USAGE);
  else await main(cli);
} catch (error) {
  // Flag mistakes print the usage; rnnkit's errors (a missing or binary --text file, a checkpoint
  // that is not there) say what is wrong and how to fix it: the message is enough.
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else if (error instanceof RnnkitError) console.error(`${error.name} ${error.code}: ${error.message}`);
  else throw error;
  process.exit(1);
}
