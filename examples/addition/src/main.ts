// Teaches a GRU encoder–decoder with attention to add, character by character: "123+45" → "168"
// (the Keras seq2seq addition example), then scores greedy answers on held-out sums.
//   pnpm start                          # 3-digit sums, a few minutes on 2 cores
//   pnpm start --epochs 20 --train 50000
//   pnpm quality                        # the full run; writes results/addition.json
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@rnnkit/rnn-models';
import { describeMachine } from '@rnnkit/rnn-models/node';
import type { AttentionKind } from '@rnnkit/seq2seq';
import { additionPairs, answer, evaluateAdder, trainAdder } from './addition.js';

const { values } = parseArgs({
  options: {
    quality: { type: 'boolean', default: false },
    digits: { type: 'string', default: '3' },
    train: { type: 'string' },
    'held-out': { type: 'string', default: '2000' },
    epochs: { type: 'string' },
    batch: { type: 'string', default: '64' },
    units: { type: 'string', default: '128' },
    embedding: { type: 'string', default: '16' },
    attention: { type: 'string', default: 'luong-dot' },
    'learning-rate': { type: 'string', default: '0.005' },
    'final-learning-rate-fraction': { type: 'string', default: '0.02' },
    seed: { type: 'string', default: '42' },
    threads: { type: 'string', default: 'auto' },
    out: { type: 'string', default: 'results/addition.json' },
  },
});
const number = (name: keyof typeof values, fallback?: number) => {
  const value = values[name] === undefined ? fallback : Number(values[name]);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${values[name]}`);
  return value as number;
};
/** `--threads`: 'auto' (as many wasm threads as cores sit idle at the start) or an integer in [1, 8]. */
const threads = (): number | 'auto' => {
  const raw = values.threads;
  if (raw === 'auto') return 'auto';
  const value = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isInteger(value) || value < 1 || value > 8)
    throw new Error(`--threads must be 'auto' or an integer in [1, 8], got '${raw}'`);
  return value;
};

// `quality` trains on Keras' 50,000 questions for longer; `start` on fewer for a few minutes.
const settings = {
  maxDigits: number('digits'),
  trainCount: number('train', values.quality ? 50_000 : 20_000),
  heldOutCount: number('held-out'),
  epochs: number('epochs', values.quality ? 30 : 10),
  batchSize: number('batch'),
  units: number('units'),
  embeddingDim: number('embedding'),
  attention: values.attention as AttentionKind,
  learningRate: number('learning-rate'),
  finalLearningRateFraction: number('final-learning-rate-fraction'),
  seed: number('seed'),
  threads: threads(),
};

// A process dedicated to training: pinning keeps XNNPACK's worker off the main thread's CPU.
const backend = await initBackend({ backend: 'wasm', threads: settings.threads, pinThreads: true });
const machine = await describeMachine();
const { train, heldOut } = additionPairs(settings);
console.log(
  `${train.length.toLocaleString()} training and ${heldOut.length.toLocaleString()} held-out sums of ` +
    `1–${settings.maxDigits} digit numbers, e.g. ${train[0]!.source} → ${train[0]!.target}; backend ${backend}`,
);
const started = performance.now();
const adder = await trainAdder({ ...settings, pairs: train, verbose: 1 });
const trainSeconds = (performance.now() - started) / 1000;
const losses = adder.history.history['loss']!;
console.log(`Trained in ${trainSeconds.toFixed(1)} s; loss ${losses.map((l) => l.toFixed(3)).join(' → ')}`);

const evaluated = performance.now();
const scores = await evaluateAdder(adder, heldOut);
const evaluateSeconds = (performance.now() - evaluated) / 1000;
console.log(
  `Held-out exact match ${(100 * scores.exactMatch).toFixed(2)}% (${scores.exactMatches}/${scores.sentences}), ` +
    `digit accuracy ${(100 * scores.tokenAccuracy).toFixed(2)}%, greedy, in ${evaluateSeconds.toFixed(1)} s`,
);
const examples = heldOut.slice(0, 8);
const answers = await answer(
  adder,
  examples.map((pair) => pair.source),
);
for (const [i, { source, target }] of examples.entries()) {
  console.log(
    `  ${source.padStart(2 * settings.maxDigits + 1)} = ${answers[i]!.padEnd(settings.maxDigits + 1)} ${answers[i] === target ? '✓' : `✗ (${target})`}`,
  );
}

if (values.quality) {
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  const results = {
    // What the root `pnpm quality` table reads.
    summary: {
      example: 'addition',
      // performance.now() counts from the process' start: the whole run.
      seconds: Number((performance.now() / 1000).toFixed(1)),
      metrics: [
        {
          name: 'held-out exact match (greedy)',
          value: scores.exactMatch,
          target: { atLeast: 0.99 },
          met: scores.exactMatch >= 0.99,
        },
        { name: 'held-out digit accuracy', value: scores.tokenAccuracy, target: null, met: null },
      ],
      note: null,
    },
    task: 'addition: "a+b" → the sum, character level, greedy decoding',
    exactMatch: scores.exactMatch,
    tokenAccuracy: scores.tokenAccuracy,
    heldOutSums: scores.sentences,
    settings,
    lossPerEpoch: losses,
    trainSeconds: Number(trainSeconds.toFixed(1)),
    evaluateSeconds: Number(evaluateSeconds.toFixed(1)),
    machine,
    machineAtEnd: await describeMachine(),
    date: new Date().toISOString(),
  };
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Results: ${out}`);
}
adder.translator.dispose();
