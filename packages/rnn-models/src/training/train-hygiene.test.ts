import { expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { gru, lstm } from '../layers/recurrent-layers.js';
import { DropoutSeeds, mixSeed } from './dropout-seeds.js';
import type { History } from './history.js';
import { getLoss } from './losses.js';
import { train } from './train.js';
import type { TrainOptions } from './train-options.js';

const [VOCAB, TIME, BATCH] = [7, 4, 4];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Embedding(maskZero) → LSTM with dropout → GRU → Dropout → softmax per step. */
function model(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: 3, inputLength: TIME, maskZero: true }),
      lstm({ units: 5, returnSequences: true, dropout: 0.3, recurrentDropout: 0.3 }),
      gru({ units: 4, returnSequences: true }),
      tfl.layers.dropout({ rate: 0.4 }),
      tfl.layers.dense({ units: VOCAB, activation: 'softmax' }),
    ],
  });
}

function batch(seed: number) {
  const ids = Array.from({ length: BATCH * TIME }, (_, i) => ((i * 5 + seed * 3) % (VOCAB - 1)) + 1);
  const xs = tf.tensor2d(ids, [BATCH, TIME], 'int32');
  const ys = tf.tensor2d(
    ids.map((id) => (id % (VOCAB - 1)) + 1),
    [BATCH, TIME],
    'int32',
  );
  const mask = tf.tensor2d(
    ids.map((_, i) => (i % TIME === TIME - 1 && i % 3 === 0 ? 0 : 1)),
    [BATCH, TIME],
  );
  return { xs, ys, mask };
}

const everything = (extra: Partial<TrainOptions> = {}): TrainOptions => ({
  verbose: 0,
  epochs: 2,
  optimizer: 'adam',
  learningRate: 0.01,
  loss: 'sparseCategoricalCrossentropy',
  metrics: ['accuracy'],
  globalClipNorm: 1,
  learningRateSchedule: { kind: 'warmup', warmupSteps: 2, after: { kind: 'cosineDecay', decaySteps: 4 } },
  validationData: () => [batch(9)],
  earlyStopping: { patience: 5, restoreBestWeights: true },
  ...extra,
});

describe('train: tensor hygiene', () => {
  it('leaks no tensors across calls and epochs (batches made per epoch, validation, metrics, clipping, best weights)', async () => {
    const m = model();
    await expectNoLeaks(
      async () => {
        await train(m, () => [batch(1), batch(2)], everything());
      },
      { warmupRuns: 1, runs: 2 },
    );
    m.dispose();
  });

  it('leaks nothing with a caller-owned optimizer and array data (kept by the caller), nor on errors', async () => {
    const m = model();
    const optimizer = tf.train.rmsprop(0.01);
    const data = [batch(3)];
    await expectNoLeaks(async () => {
      await train(m, data, everything({ optimizer, validationData: data, seed: 3 }));
    });
    let calls = 0;
    const failing = (yTrue: tf.Tensor, yPred: tf.Tensor) => {
      const loss = getLoss('sparseCategoricalCrossentropy')(yTrue, yPred);
      return ++calls % 2 === 0 ? tf.mul(loss, Number.NaN) : loss;
    };
    await expectNoLeaks(async () => {
      await expect(
        train(m, () => [batch(4), batch(5)], everything({ loss: failing, metrics: [] })),
      ).rejects.toThrow(/NaN/);
    });
    tf.dispose(data.flatMap((b) => [b.xs, b.ys, b.mask]));
    optimizer.dispose();
    m.dispose();
  });
});

describe('train: determinism', () => {
  async function run(
    seed: number,
    initial: tf.Tensor[],
  ): Promise<{ history: History; weights: Float32Array[] }> {
    const m = model();
    m.setWeights(initial);
    const history = await train(
      m,
      () => [batch(1), batch(2)],
      everything({ seed, validationData: undefined, earlyStopping: undefined }),
    );
    const weights = m.getWeights().map((w) => w.dataSync() as Float32Array);
    m.dispose();
    return { history, weights };
  }

  it('gives bit-identical weights and history for the same seed and data (dropout included), different ones for another seed', async () => {
    const reference = model();
    const initial = reference.getWeights().map((w) => tf.clone(w));
    reference.dispose();
    const a = await run(7, initial);
    const b = await run(7, initial);
    const c = await run(8, initial);
    expect(b.history).toEqual(a.history);
    expect(b.weights.map((w) => Array.from(w))).toEqual(a.weights.map((w) => Array.from(w)));
    expect(c.history.history['loss']).not.toEqual(a.history.history['loss']);
    tf.dispose(initial);
  });

  it('sets and then restores the seeds of layers that have an unset seed slot', () => {
    const m = model();
    const layers = m.layers as unknown as Array<{ seed?: number }>;
    const seeds = new DropoutSeeds(m, 42);
    expect(seeds.size).toBe(3); // lstm, gru (fused layers) and Dropout; not Embedding or Dense
    seeds.apply(5);
    expect(layers[1]!.seed).toBe(mixSeed(42, 5, 0));
    expect(layers[3]!.seed).toBe(mixSeed(42, 5, 2));
    expect(layers[0]!.seed).toBeUndefined();
    seeds.restore();
    expect(layers.map((l) => l.seed)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const seeded = tfl.sequential({
      layers: [lstm({ units: 2, inputShape: [3, 1], dropout: 0.5, seed: 1 })],
    });
    expect(new DropoutSeeds(seeded, 42).size).toBe(0); // a seed the user chose is left alone
    expect(new Set([mixSeed(1, 0, 0), mixSeed(1, 1, 0), mixSeed(1, 0, 1), mixSeed(2, 0, 0)]).size).toBe(4);
    expect(mixSeed(2 ** 40, 3, 1)).toBeGreaterThanOrEqual(0);
    m.dispose();
    seeded.dispose();
  });
});
