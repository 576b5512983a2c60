// Trains a character-level LSTM on Moby-Dick (the Keras/TF text-generation tutorial's model),
// saves it with its vocabulary, and streams text sampled from it.
//   pnpm start                      # ~1–2 minutes on 2 cores
//   pnpm start --steps 600 --epochs 3 --temperature 0.6
//   pnpm start --generate-only      # sample again from the saved checkpoint
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@rnnkit/rnn-models';
import { loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { CharVocabulary } from '@rnnkit/tokenize';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { mobyDickStory, sampleText, trainCharModel } from './pipeline.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '120' },
    epochs: { type: 'string', default: '1' },
    'sequence-length': { type: 'string', default: '100' },
    batch: { type: 'string', default: '64' },
    units: { type: 'string', default: '256' },
    embedding: { type: 'string', default: '64' },
    'learning-rate': { type: 'string', default: '0.005' },
    prompt: { type: 'string', default: 'call me ishmael. ' },
    'max-new-tokens': { type: 'string', default: '400' },
    temperature: { type: 'string', default: '0.6' },
    'top-k': { type: 'string', default: '0' },
    seed: { type: 'string', default: '42' },
    threads: { type: 'string', default: '2' },
    out: { type: 'string', default: 'out/char-lstm' },
    'generate-only': { type: 'boolean', default: false },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${values[name]}`);
  return value;
};

// A process dedicated to training: pinning keeps XNNPACK's worker off the main thread's CPU.
const backend = await initBackend({ backend: 'wasm', threads: number('threads'), pinThreads: true });
const out = resolve(values.out);
const seed = number('seed');

let model: LayersModel;
let vocabulary: CharVocabulary;
if (values['generate-only']) {
  const checkpoint = await loadModel(out);
  model = checkpoint.model;
  vocabulary = CharVocabulary.fromJSON((checkpoint.extras as { vocabulary: string }).vocabulary);
  console.log(`Loaded ${out} (saved ${checkpoint.savedAt})`);
} else {
  const text = await mobyDickStory();
  console.log(`Moby-Dick from "Loomings": ${text.length.toLocaleString()} characters; backend ${backend}`);
  const started = performance.now();
  const trained = await trainCharModel({
    text,
    sequenceLength: number('sequence-length'),
    batchSize: number('batch'),
    stepsPerEpoch: number('steps'),
    epochs: number('epochs'),
    embeddingDim: number('embedding'),
    units: number('units'),
    learningRate: number('learning-rate'),
    seed,
    verbose: 1,
  });
  const seconds = (performance.now() - started) / 1000;
  const losses = trained.history.history['loss']!;
  console.log(
    `Trained on ${trained.tokens.toLocaleString()} characters in ${seconds.toFixed(1)} s ` +
      `(${Math.round(trained.tokens / seconds).toLocaleString()} characters/s); loss ${losses.map((l) => l.toFixed(3)).join(' → ')} nats ` +
      `(uniform guessing: ${Math.log(trained.vocabulary.vocabularySize).toFixed(2)})`,
  );
  ({ model, vocabulary } = trained);
  await saveModel(model, out, { extras: { vocabulary: vocabulary.toJSON() } });
  console.log(`Checkpoint with its vocabulary: ${out}`);
}

const topK = number('top-k');
process.stdout.write(`\n${values.prompt}`);
const sample = await sampleText(model, vocabulary, {
  prompt: values.prompt,
  maxNewTokens: number('max-new-tokens'),
  temperature: number('temperature'),
  topK: topK > 0 ? topK : null,
  seed,
  onText: (text) => process.stdout.write(text),
});
console.log(
  `\n\nSampled ${sample.text.length} characters in ${sample.millis.toFixed(0)} ms ` +
    `(${Math.round(sample.tokensPerSecond).toLocaleString()} steps/s, one LSTM step per character)`,
);
model.dispose();
