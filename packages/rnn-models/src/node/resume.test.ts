// Resuming from a checkpoint continues training exactly: 2 epochs, saveModel, then (as a new
// process would) loadModel + a fresh optimizer + restoreOptimizer + 2 more epochs must give the
// same bits as 4 epochs in one train() call.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../../test/node-support.js';
import { lstm } from '../layers/recurrent-layers.js';
import type { History } from '../training/history.js';
import { train } from '../training/train.js';
import type { TrainOptions } from '../training/train-options.js';
import { loadModel } from './load-model.js';
import { restoreOptimizer } from './optimizer-state.js';
import { saveModel } from './save-model.js';

const [VOCAB, TIME, BATCH, BATCHES] = [7, 5, 4, 3];
/** Uninterrupted run: epochs 0…3; the resumed run stops after epoch 1 and continues from 2. */
const [EPOCHS, SPLIT] = [4, 2];
const SEED = 11;
const LEARNING_RATE = 0.02;

const temp = useTempRoot('resume', 'run');

interface TokenBatch {
  readonly xs: tf.Tensor2D;
  readonly ys: tf.Tensor2D;
}

/** The same batches every epoch (an array: train reads it every epoch and leaves it ours). */
function batches(): TokenBatch[] {
  return Array.from({ length: BATCHES }, (_, b) => {
    const ids = Array.from({ length: BATCH * (TIME + 1) }, (_, i) => (i * 3 + b * 5 + (i >> 2)) % VOCAB);
    const rows = Array.from({ length: BATCH }, (_, r) => ids.slice(r * (TIME + 1), (r + 1) * (TIME + 1)));
    return {
      xs: tf.tensor2d(
        rows.map((row) => row.slice(0, TIME)),
        [BATCH, TIME],
        'int32',
      ),
      ys: tf.tensor2d(
        rows.map((row) => row.slice(1)),
        [BATCH, TIME],
        'int32',
      ),
    };
  });
}

interface Variant {
  /** tfjs-layers' `Dropout` after the LSTM (its seed slot is set by train per (seed, step, layer)). */
  readonly layerDropout: boolean;
  /** `dropout` + `recurrentDropout` inside rnnkit's fused LSTM (also train-seeded). */
  readonly recurrentDropout: boolean;
}

function model({ layerDropout, recurrentDropout }: Variant): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: 4, inputLength: TIME }),
      lstm({
        units: 6,
        returnSequences: true,
        ...(recurrentDropout ? { dropout: 0.25, recurrentDropout: 0.25 } : {}),
      }),
      ...(layerDropout ? [tfl.layers.dropout({ rate: 0.3 })] : []),
      tfl.layers.dense({ units: VOCAB, activation: 'softmax' }),
    ],
  });
}

/**
 * State a resume must carry besides the weights: Adam's iterations, moments and running
 * accBeta1/2 (restoreOptimizer), the global step of a step-based schedule (initialStep), and the
 * dropout seeds train derives from (seed, step, layer).
 */
const options = (extra: Partial<TrainOptions<TokenBatch>>): TrainOptions<TokenBatch> => ({
  verbose: 0,
  loss: 'sparseCategoricalCrossentropy',
  metrics: ['accuracy'],
  globalClipNorm: 1,
  learningRateSchedule: { kind: 'cosineDecay', decaySteps: EPOCHS * BATCHES, alpha: 0.1 },
  seed: SEED,
  ...extra,
});

function weightsOf(m: tfl.LayersModel): Float32Array[] {
  return m.getWeights().map((w) => w.dataSync() as Float32Array);
}

function slice(history: History, from: number, to: number): History {
  return {
    epoch: history.epoch.slice(from, to),
    history: Object.fromEntries(
      Object.entries(history.history).map(([key, values]) => [key, values.slice(from, to)]),
    ),
  };
}

/** Learning rate of every update, by global step (from `onBatchEnd`). */
function recordRates(into: Map<number, number>) {
  return {
    onBatchEnd: (step: number, logs: Record<string, number>) => {
      into.set(step, logs['learningRate']!);
    },
  };
}

async function adamState(optimizer: tf.Optimizer): Promise<Float32Array[]> {
  const named = await optimizer.getWeights();
  const values = named.map((w) => w.tensor.dataSync() as Float32Array);
  tf.dispose(named.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  return values;
}

/**
 * Runs A (EPOCHS straight) and B (SPLIT epochs, saved, loaded into C, continued to EPOCHS) from
 * the same initial weights and asserts C ends bit-identical to A. With `restore: false`, C skips
 * restoreOptimizer (a control: then it must differ).
 */
async function checkResume(variant: Variant, restore = true): Promise<void> {
  const before = tf.memory().numTensors;
  const data = batches();
  const initial = model(variant);
  const owned: { dispose(): void }[] = [initial];
  try {
    // A: uninterrupted.
    const a = model(variant);
    a.setWeights(initial.getWeights());
    const optimizerA = tf.train.adam(LEARNING_RATE);
    owned.push(a, optimizerA);
    const ratesA = new Map<number, number>();
    const historyA = await train(
      a,
      data,
      options({ optimizer: optimizerA, epochs: EPOCHS, callbacks: recordRates(ratesA) }),
    );

    // B: SPLIT epochs, then a checkpoint with the optimizer state and the position in extras.
    const b = model(variant);
    b.setWeights(initial.getWeights());
    const optimizerB = tf.train.adam(LEARNING_RATE);
    let steps = 0;
    const historyB = await train(
      b,
      data,
      options({
        optimizer: optimizerB,
        epochs: SPLIT,
        callbacks: {
          onBatchEnd: (step) => {
            steps = step + 1;
          },
        },
      }),
    );
    const dir = temp.fresh();
    await saveModel(b, dir, { optimizer: optimizerB, extras: { epoch: SPLIT, step: steps } });
    optimizerB.dispose();
    b.dispose();

    // C: what a new process does — load, an optimizer made as before, restore, continue.
    const checkpoint = await loadModel(dir);
    const c = checkpoint.model;
    const optimizerC = tf.train.adam(LEARNING_RATE);
    owned.push(c, optimizerC);
    const { epoch, step } = checkpoint.extras as { epoch: number; step: number };
    expect({ epoch, step }).toEqual({ epoch: SPLIT, step: SPLIT * BATCHES });
    if (restore) await restoreOptimizer(optimizerC, checkpoint);
    const ratesC = new Map<number, number>();
    const historyC = await train(
      c,
      data,
      options({
        optimizer: optimizerC,
        initialEpoch: epoch,
        initialStep: step,
        epochs: EPOCHS,
        callbacks: recordRates(ratesC),
      }),
    );

    expect(historyB).toEqual(slice(historyA, 0, SPLIT));
    // The schedule sees the same global steps…
    expect([...ratesC]).toEqual([...ratesA].slice(SPLIT * BATCHES));
    if (restore) {
      // …and everything else continues too: same epoch logs, weights and optimizer state.
      expect(historyC).toEqual(slice(historyA, SPLIT, EPOCHS));
      expect(weightsOf(c)).toEqual(weightsOf(a));
      expect(await adamState(optimizerC)).toEqual(await adamState(optimizerA));
    } else {
      expect(weightsOf(c)).not.toEqual(weightsOf(a));
    }
  } finally {
    for (const item of owned) item.dispose();
    tf.dispose(data.flatMap((batch) => [batch.xs, batch.ys]));
  }
  expect(tf.memory().numTensors, 'tensors left by train, saveModel, loadModel, restoreOptimizer').toBe(
    before,
  );
}

describe('resume from a checkpoint equals uninterrupted training (cpu backend, bit for bit)', () => {
  it('Adam state (moments, iterations, accBeta), cosine schedule by global step, global-norm clipping', async () => {
    await checkResume({ layerDropout: false, recurrentDropout: false });
  });

  it('control: without restoreOptimizer (Adam restarts) the resumed weights differ', async () => {
    await checkResume({ layerDropout: false, recurrentDropout: false }, false);
  });

  // Known failure: tfjs-layers serialises Dropout's unset seed as `seed: null`, so the loaded
  // Dropout has seed === null; DropoutSeeds only manages slots === undefined, so after loadModel
  // that layer draws unseeded masks. Flip to `it` once DropoutSeeds treats null as unset.
  it('with tfjs-layers Dropout seeded by train (seed, step, layer)', async () => {
    await checkResume({ layerDropout: true, recurrentDropout: false });
  });

  // Known failure: rnnkit's fused layers add a private per-call counter (dropoutDraws) to the
  // seed train sets, and a loaded layer restarts it at 0 while the uninterrupted one is at
  // 2 draws × 6 steps = 12. Flip to `it` once the counter no longer depends on the layer's past.
  it('with dropout/recurrentDropout inside rnnkit’s LSTM, seeded by train', async () => {
    await checkResume({ layerDropout: false, recurrentDropout: true });
  });
});
