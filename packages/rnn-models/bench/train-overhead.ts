// Cost per step of rnnkit's train() on one bench config (default char-lstm): the median
// wall time of a step (forward, loss, backward, Adam update, one read of the step's scalars)
// over a run of identical batches, on the wasm backend as the bench runs it; and, measured
// between those steps so that machine load affects both alike, the median time of the batch
// value checks train() adds to each step (batch-checks.ts: wasm runs ops as they are called,
// and their counts are read with the loss, so this is their whole cost).
//   pnpm --filter @rnnkit/rnn-models exec tsx --conditions=@rnnkit/source bench/train-overhead.ts [config] [steps] [rounds]
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, train } from '../src/index.js';
import { badValueCounts, batchRules } from '../src/training/batch-checks.js';
import { getLoss } from '../src/training/losses.js';
import { loadConfigs } from './config.js';
import { buildCase, RNNKIT_LAYERS } from './models.js';

const [name = 'char-lstm', stepsArg = '20', roundsArg = '3'] = process.argv
  .slice(2)
  .filter((a) => a !== '--');
const config = loadConfigs().find((c) => c.name === name);
if (!config) throw new Error(`no config ${name}`);
const backend = await initBackend({ backend: 'wasm' });
const { model, xs, ys } = buildCase(config, { layers: RNNKIT_LAYERS, resetAfter: true, seed: 0 });
const batches = Array.from({ length: Number(stepsArg) + 1 }, () => ({ xs: xs as tf.Tensor, ys }));
const rules = batchRules(model, getLoss('sparseCategoricalCrossentropy'), false)!;
const checkTimes: number[] = [];
const timeChecks = () => {
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    badValueCounts({ xs: xs as tf.Tensor, ys }, rules)?.dispose();
    checkTimes.push(performance.now() - t0);
  }
};
const medians: number[] = [];
for (let round = 0; round < Number(roundsArg); round++) {
  const times: number[] = [];
  let last = performance.now();
  await train(model, batches, {
    verbose: 0,
    callbacks: {
      onBatchEnd: () => {
        times.push(performance.now() - last);
        timeChecks();
        last = performance.now();
      },
    },
  });
  const timed = times.slice(1).sort((a, b) => a - b); // the first step warms up
  medians.push(timed[timed.length >> 1]!);
}
const sorted = [...medians].sort((a, b) => a - b);
const checks = checkTimes.slice(5).sort((a, b) => a - b);
const checkMs = checks[checks.length >> 1]!;
const stepMs = sorted[sorted.length >> 1]!;
console.log(
  JSON.stringify({
    config: name,
    backend,
    steps: Number(stepsArg),
    round_medians_ms: medians.map((m) => Math.round(m * 100) / 100),
    median_step_ms: Math.round(stepMs * 100) / 100,
    median_check_ms: Math.round(checkMs * 1000) / 1000,
    check_overhead_pct: Math.round((checkMs / (stepMs - checkMs)) * 10000) / 100,
    tensors: tf.memory().numTensors,
  }),
);
