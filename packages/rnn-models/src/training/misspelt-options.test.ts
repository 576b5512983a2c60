import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import type { Batch } from './data-source.js';
import { evaluate } from './evaluate.js';
import { createLearningRateSchedule, type LearningRateScheduleConfig } from './learning-rate-schedules.js';
import { getLoss, type LossName } from './losses.js';
import { train } from './train.js';
import type { TrainOptions } from './train-options.js';

let model: tfl.Sequential;
let batches: Batch[];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
  batches = [{ xs: tf.tensor2d([[3, 4]]), ys: tf.tensor2d([[10]]) }];
});

afterAll(() => {
  model.dispose();
  tf.dispose(batches.map((batch) => [batch.xs as tf.Tensor, batch.ys]));
});

/** Expects `RNN_MODELS_INVALID_OPTION` with a message naming `closest`. */
async function expectMisspelt(run: () => unknown, closest: string): Promise<void> {
  const error = await expectErrorCode(async () => run(), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
  expect(error.message).toContain(`'${closest}'`);
}

const trainWith = (options: Record<string, unknown>) =>
  train(model, batches, { verbose: 0, loss: 'meanSquaredError', ...options } as TrainOptions);

describe('training rejects misspelt option names, naming the closest', () => {
  it('train options', async () => {
    await expectMisspelt(() => trainWith({ epoch: 3 }), 'epochs');
    await expectMisspelt(() => trainWith({ clipnorm: 1 }), 'clipNorm');
  });

  it('train earlyStopping, callbacks, optimizer, loss and metric names', async () => {
    await expectMisspelt(() => trainWith({ earlyStopping: { patiance: 2 } }), 'patience');
    await expectMisspelt(() => trainWith({ callbacks: { onEpochEnds: () => {} } }), 'onEpochEnd');
    await expectMisspelt(() => trainWith({ optimizer: 'adma' }), 'adam');
    await expectMisspelt(() => trainWith({ loss: 'meanSquaredErorr' }), 'meanSquaredError');
    await expectMisspelt(() => trainWith({ metrics: ['accuarcy'] }), 'accuracy');
  });

  it('learning-rate schedules (in train and createLearningRateSchedule)', async () => {
    await expectMisspelt(
      () => trainWith({ learningRateSchedule: { kind: 'cosineDecay', decaySteps: 5, alpah: 0.1 } }),
      'alpha',
    );
    await expectMisspelt(
      () =>
        createLearningRateSchedule({ kind: 'exponentialDecay', decaySteps: 5, decayRte: 0.5 } as never, 1),
      'decayRate',
    );
    await expectMisspelt(
      () => createLearningRateSchedule({ kind: 'cosinDecay' } as unknown as LearningRateScheduleConfig, 1),
      'cosineDecay',
    );
  });

  it('evaluate options, loss and metric names', async () => {
    const evaluateWith = (options: Record<string, unknown>) =>
      evaluate(model, batches, { loss: 'meanSquaredError', ...options });
    await expectMisspelt(() => evaluateWith({ batchsize: 2 }), 'batchSize');
    await expectMisspelt(() => evaluateWith({ onBatchEnd: () => {} }), 'onBatch');
    await expectMisspelt(() => evaluateWith({ loss: 'meanSquaredErorr' }), 'meanSquaredError');
    await expectMisspelt(() => evaluateWith({ metrics: ['accuarcy'] }), 'accuracy');
  });

  it('getLoss', async () => {
    await expectMisspelt(() => getLoss('binaryCrossEntropy' as LossName), 'binaryCrossentropy');
  });
});
