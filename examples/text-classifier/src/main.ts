// Spam or ham (SpamAssassin), or the sentiment of a sentence<TAB>label file: Embedding →
// Bidirectional LSTM → Dense → sigmoid, maxLength from the training lengths' percentiles,
// early stopping on a validation slice, scored once on a stratified held-out 20%.
//   pnpm start                      # a few minutes on 2 cores
//   pnpm start --tsv yelp_labelled.txt
//   pnpm quality                    # the full run; writes results/text-classifier.json
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RnnkitError } from '@rnnkit/core';
import { lengthPercentiles } from '@rnnkit/datasets';
import { confusionMatrixSvg, plotHistorySvg, svgToPng } from '@rnnkit/metrics/plots';
import { initBackend, summary } from '@rnnkit/rnn-models';
import { describeMachine } from '@rnnkit/rnn-models/node';
import { evaluateClassifier, predictProbabilities, splitExamples, trainClassifier } from './classifier.js';
import { type LabelledData, loadSpamAssassin, loadTsv } from './data.js';
import { loadClassifier, saveClassifier } from './persist.js';
import { parseSettings, type Settings, USAGE, UsageError } from './settings.js';

const SHOWCASE: Record<string, readonly string[]> = {
  spam: [
    'Make money fast! Click here to claim your FREE prize, limited time offer, act now!!!',
    'Lowest mortgage rates guaranteed. Refinance today and save thousands, no credit check.',
    'Hi Tom, the build broke again after your last commit to the exmh CVS tree; can you have a look?',
    'Re: patch for the razor plugin. I tested it against spamassassin 2.40 and it works here.',
  ],
  sentiment: [
    'I love this phone, the battery lasts for days.',
    'Terrible service, I will never come back.',
    'The food was great and the staff were friendly.',
    'It broke after a week. Waste of money.',
  ],
};

let settings: Settings | null;
try {
  settings = parseSettings(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(error.message);
  process.exit(1);
}
if (settings === null) {
  console.log(USAGE);
  process.exit(0);
}

try {
  await run(settings);
} catch (error) {
  // rnnkit's errors say what to fix (a missing file, a bad line of the TSV file): no stack needed.
  if (!(error instanceof RnnkitError)) throw error;
  console.error(`${error.name} ${error.code}: ${error.message}`);
  process.exit(1);
}

async function run(settings: Settings): Promise<void> {
  const backend = await initBackend({
    backend: 'wasm',
    threads: settings.threads,
    // Pinned with 2 threads ('auto' finding one idle core runs 1 and stays silent about pinning).
    pinThreads: settings.threads === 'auto' || settings.threads > 1,
  });
  const machine = await describeMachine();
  const data: LabelledData = settings.tsv === null ? await loadSpamAssassin() : await loadTsv(settings.tsv);
  const split = splitExamples(data.examples, settings);
  const train = settings.trainExamples === null ? split.train : split.train.slice(0, settings.trainExamples);
  const positives = (examples: readonly { label: number }[]) => examples.filter((e) => e.label === 1).length;
  const [negative, positive] = data.classNames;
  console.log(
    `${data.examples.length.toLocaleString()} examples from ${data.source} (${positives(data.examples)} ${positive}); ` +
      `stratified split: ${train.length} train, ${split.validation.length} validation, ${split.test.length} test ` +
      `(${positives(split.test)} ${positive}); backend ${backend}`,
  );

  const started = performance.now();
  const classifier = await trainClassifier({ train, validation: split.validation }, data.classNames, {
    ...settings,
    verbose: 1,
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const lengths = classifier.tokenizer.textsToSequences(train.map((e) => e.sentence));
  const [p50, p75, p95, p100] = lengthPercentiles(lengths, [50, 75, 95, 100]).map(Math.round);
  console.log(
    `Training lengths in tokens: median ${p50}, 75th percentile ${p75}, 95th ${p95}, longest ${p100} → maxLength ${classifier.maxLength}` +
      (settings.maxLength === null ? ` (${settings.lengthPercentile}th percentile)` : ' (--max-length)'),
  );
  console.log(summary(classifier.model));
  const history = classifier.history.history;
  const bestEpoch = history['val_loss']!.indexOf(Math.min(...history['val_loss']!)) + 1;
  console.log(
    `Trained ${classifier.epochsRun} epochs in ${(trainSeconds / 60).toFixed(1)} min; best validation loss at epoch ${bestEpoch} ` +
      `(weights restored): val_accuracy ${history['val_accuracy']![bestEpoch - 1]!.toFixed(4)}`,
  );

  const evaluated = await evaluateClassifier(classifier, split.test);
  const { scores } = evaluated;
  console.log(
    `\nHeld-out ${scores.examples} examples: accuracy ${(100 * scores.accuracy).toFixed(2)}%, ${positive} F1 ${scores.f1.toFixed(4)}, ` +
      `loss ${scores.loss.toFixed(4)}`,
  );
  console.log(scores.report.text);
  const [[tn, fp], [fn, tp]] = scores.confusion.matrix as [[number, number], [number, number]];
  console.log(
    `Confusion (rows true, columns predicted ${negative}/${positive}): ${negative} ${tn}/${fp}, ${positive} ${fn}/${tp}`,
  );

  // Save with the tokenizer, reload, and classify with the reloaded model: what a user ships is what was measured.
  const modelDir = resolve(settings.modelDir);
  await saveClassifier(classifier, modelDir);
  const reloaded = await loadClassifier(modelDir);
  const showcase = SHOWCASE[settings.tsv === null ? 'spam' : 'sentiment']!.map(data.prepare);
  const before = await predictProbabilities(classifier, showcase);
  const after = await predictProbabilities(reloaded, showcase);
  const testBefore = evaluated.probabilities;
  const testAfter = await predictProbabilities(
    reloaded,
    split.test.map((e) => e.sentence),
  );
  const drift = Math.max(
    ...Array.from(after, (p, i) => Math.abs(p - before[i]!)),
    ...Array.from(testAfter, (p, i) => Math.abs(p - testBefore[i]!)),
  );
  console.log(
    `\nReloaded from ${modelDir} (largest probability change over ${showcase.length + testAfter.length} texts: ${drift}):`,
  );
  showcase.forEach((text, i) => {
    const p = after[i]!;
    console.log(
      `  ${(p >= 0.5 ? positive : negative).padEnd(8)} P(${positive}) = ${p.toFixed(4)}  ${text.length > 70 ? `${text.slice(0, 67)}...` : text}`,
    );
  });

  // The quality run's figures and pictures are committed (results/); other runs' go to out/.
  const outDir = resolve(settings.out);
  await mkdir(outDir, { recursive: true });
  await writeFile(
    join(outDir, 'text-classifier-history.svg'),
    await plotHistorySvg(classifier.history, { title: `${data.source}: training` }),
  );
  const confusionSvg = await confusionMatrixSvg(scores.confusion, {
    title: `Held-out confusion matrix (${scores.examples} examples)`,
  });
  await writeFile(join(outDir, 'text-classifier-confusion.svg'), confusionSvg);
  await writeFile(
    join(outDir, 'text-classifier-confusion.png'),
    await svgToPng(confusionSvg, { width: 400 }),
  );
  console.log(`Plots: ${outDir}`);
  reloaded.model.dispose();
  classifier.model.dispose();

  if (settings.quality) {
    const { report } = scores;
    const results = {
      summary: {
        example: 'text-classifier',
        // performance.now() counts from the process' start: the whole run.
        seconds: Number((performance.now() / 1000).toFixed(1)),
        metrics:
          settings.tsv === null
            ? [
                {
                  name: 'held-out accuracy',
                  value: scores.accuracy,
                  target: { atLeast: 0.98 },
                  met: scores.accuracy >= 0.98,
                },
                {
                  name: 'held-out spam F1',
                  value: scores.f1,
                  target: { atLeast: 0.97 },
                  met: scores.f1 >= 0.97,
                },
              ]
            : [
                { name: 'held-out accuracy', value: scores.accuracy, target: null, met: null },
                { name: `held-out ${positive} F1`, value: scores.f1, target: null, met: null },
              ],
        note: null,
      },
      task: `${data.source}: ${negative} vs ${positive}, stratified seeded split, held-out ${settings.testFraction}`,
      examples: data.examples.length,
      trainExamples: train.length,
      validationExamples: split.validation.length,
      testExamples: split.test.length,
      accuracy: scores.accuracy,
      f1: scores.f1,
      heldOutLoss: scores.loss,
      confusionMatrix: scores.confusion,
      report: {
        classes: report.classes,
        accuracy: report.accuracy,
        macroAvg: report.macroAvg,
        weightedAvg: report.weightedAvg,
        text: report.text,
      },
      maxLength: classifier.maxLength,
      vocabularySize: classifier.tokenizer.vocabularySize,
      epochsRun: classifier.epochsRun,
      bestEpoch,
      history,
      settings,
      trainSeconds: Number(trainSeconds.toFixed(1)),
      machine,
      machineAtEnd: await describeMachine(),
      date: new Date().toISOString(),
    };
    const out = join(outDir, 'text-classifier.json');
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Results: ${out}`);
  }
}
