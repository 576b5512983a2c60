import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import type { Batch } from './data-source.js';
import { evaluate } from './evaluate.js';
import { train } from './train.js';
import { WholeSetBatches } from './whole-set.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const ROWS = 10;
const FEATURES = 3;

/** A regression whose rows are told apart by their first feature (the row index). */
function wholeSet(): Batch {
  const xs = Array.from({ length: ROWS }, (_, i) => [i, Math.sin(i), Math.cos(i)]);
  return { xs: tf.tensor2d(xs), ys: tf.tensor2d(xs.map(([a, b]) => [0.1 * a! - b!])) };
}

function regressor(): tfl.Sequential {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [FEATURES] })] });
  model.setWeights([tf.tensor2d([[0.1], [-0.2], [0.3]]), tf.tensor1d([0.05])]);
  return model;
}

/** Row indices of each batch of one pass. */
async function passRows(source: WholeSetBatches<Batch>): Promise<number[][]> {
  const iterator = await source.iterator();
  const rows: number[][] = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
    const batch = r.value;
    const values = (batch.xs as tf.Tensor).dataSync();
    rows.push(Array.from({ length: values.length / FEATURES }, (_, i) => values[i * FEATURES]!));
    tf.dispose([batch.xs as tf.Tensor, batch.ys]);
  }
  return rows;
}

describe('WholeSetBatches', () => {
  it('cuts the rows in order into batches of batchSize, the last one smaller', async () => {
    const set = wholeSet();
    const source = new WholeSetBatches(set, 4, { shuffle: false });
    expect(source.size).toBe(3);
    expect(await passRows(source)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    tf.dispose([set.xs as tf.Tensor, set.ys]);
  });

  it('shuffles every pass into a permutation that depends only on the seed and the pass number', async () => {
    const set = wholeSet();
    const before = tf.memory().numTensors;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer(), async (batchSize, seed) => {
        const source = new WholeSetBatches(set, batchSize, { shuffle: true, seed, firstPass: 0 });
        const first = await passRows(source);
        const second = await passRows(source);
        for (const pass of [first, second]) {
          expect(pass.map((b) => b.length)).toEqual(
            Array.from({ length: Math.ceil(ROWS / batchSize) }, (_, i) =>
              Math.min(batchSize, ROWS - i * batchSize),
            ),
          );
          expect(pass.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
        }
        // Same seed, same order; a source resumed at pass 1 continues where the first left off.
        expect(
          await passRows(new WholeSetBatches(set, batchSize, { shuffle: true, seed, firstPass: 0 })),
        ).toEqual(first);
        expect(
          await passRows(new WholeSetBatches(set, batchSize, { shuffle: true, seed, firstPass: 1 })),
        ).toEqual(second);
      }),
      { numRuns: 30 },
    );
    // 10 rows: 10! orders; two passes alike would mean the pass number is not mixed in.
    const source = new WholeSetBatches(set, 10, { shuffle: true, seed: 7, firstPass: 0 });
    expect(await passRows(source)).not.toEqual(await passRows(source));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([set.xs as tf.Tensor, set.ys]);
  });
});

describe('train and evaluate with one { xs, ys } of the whole set (Keras fit(x, y, batch_size))', () => {
  it('train without shuffling equals train on the same batches given as an array, bit for bit', async () => {
    const set = wholeSet();
    const a = regressor();
    const b = regressor();
    const before = tf.memory().numTensors;
    const options = {
      epochs: 3,
      loss: 'meanSquaredError',
      optimizer: 'sgd',
      learningRate: 0.05,
      verbose: 0,
    } as const;
    const steps: number[] = [];
    const history = await train(a, set, {
      ...options,
      batchSize: 4,
      shuffle: false,
      callbacks: { onBatchEnd: (step) => void steps.push(step) },
    });
    expect(steps).toHaveLength(9); // 3 epochs × ceil(10 / 4)
    expect(tf.memory().numTensors).toBe(before); // the slices are freed; the set is still the caller's
    expect((set.xs as tf.Tensor).isDisposed).toBe(false);
    const batches: Batch[] = [0, 4, 8].map((start) => ({
      xs: tf.slice(set.xs as tf.Tensor, start, Math.min(4, ROWS - start)),
      ys: tf.slice(set.ys, start, Math.min(4, ROWS - start)),
    }));
    const reference = await train(b, batches, options);
    expect(history.history['loss']).toEqual(reference.history['loss']);
    expect(a.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
      b.getWeights().map((w) => Array.from(w.dataSync())),
    );
    tf.dispose(batches.flatMap((batch) => [batch.xs as tf.Tensor, batch.ys]));
    tf.dispose([set.xs as tf.Tensor, set.ys]);
    a.dispose();
    b.dispose();
  });

  it('shuffles with the seed: equal seeds train equally, other seeds differently; default batchSize 32', async () => {
    const set = wholeSet();
    const losses: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const model = regressor();
      const history = await train(model, set, {
        epochs: 2,
        loss: 'meanSquaredError',
        optimizer: 'sgd',
        learningRate: 0.05,
        batchSize: 3,
        seed,
        verbose: 0,
      });
      losses.push(history.history['loss']!);
      model.dispose();
    }
    expect(losses[0]).toEqual(losses[1]);
    expect(losses[0]).not.toEqual(losses[2]);
    const model = regressor();
    const steps: number[] = [];
    await train(model, set, {
      loss: 'meanSquaredError',
      verbose: 0,
      callbacks: { onBatchEnd: (s) => void steps.push(s) },
    });
    expect(steps).toHaveLength(1); // 10 rows, batchSize 32: one batch per epoch
    tf.dispose([set.xs as tf.Tensor, set.ys]);
    model.dispose();
  });

  it('a whole validation set gives the val_loss evaluate gives on it; disposeBatches: true frees both sets', async () => {
    const set = wholeSet();
    const validation = wholeSet();
    const model = regressor();
    const before = tf.memory().numTensors;
    const history = await train(model, set, {
      epochs: 1,
      loss: 'meanSquaredError',
      batchSize: 4,
      validationData: validation,
      verbose: 0,
    });
    const evaluated = await evaluate(model, validation, { loss: 'meanSquaredError', batchSize: 3 });
    expect(history.history['val_loss']![0]).toBeCloseTo(evaluated.loss, 6);
    expect(tf.memory().numTensors).toBe(before);
    await train(model, set, {
      loss: 'meanSquaredError',
      validationData: validation,
      verbose: 0,
      disposeBatches: true,
    });
    expect((set.xs as tf.Tensor).isDisposed && set.ys.isDisposed).toBe(true);
    expect((validation.xs as tf.Tensor).isDisposed && validation.ys.isDisposed).toBe(true);
    model.dispose();
  });

  it('rejects shuffle and batchSize for sources that batch themselves, bad values and rows that differ, leaking nothing', async () => {
    const set = wholeSet();
    const model = regressor();
    const batches = [set];
    const before = tf.memory().numTensors;
    const options = { loss: 'meanSquaredError', verbose: 0 } as const;
    await expectErrorCode(
      train(model, batches, { ...options, shuffle: true }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(
      train(model, batches, { ...options, batchSize: 4 }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(
      train(model, set, { ...options, batchSize: 0 }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(
      train(model, set, { ...options, batchsize: 4 } as never),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expect(train(model, set, { ...options, batchsize: 4 } as never)).rejects.toThrow(/batchSize/);
    const ragged = { xs: set.xs, ys: tf.zeros([ROWS - 1, 1]) };
    await expectErrorCode(train(model, ragged, options), RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH');
    await expectErrorCode(
      train(model, set, { ...options, validationData: ragged }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    ragged.ys.dispose();
    // batchSize with a batched training source is fine when it cuts a whole validation set.
    await train(model, batches, { ...options, batchSize: 4, validationData: set });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([set.xs as tf.Tensor, set.ys]);
    model.dispose();
  });
});
