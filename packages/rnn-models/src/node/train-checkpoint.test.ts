// ModelCheckpoint also serves rnnkit's own train() loop (its onEpochEnd matches TrainCallbacks
// once the model is set), and the NaN guard leaves the last good checkpoint intact.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../../test/node-support.js';
import { RnnModelsError } from '../errors.js';
import { gru } from '../layers/recurrent-layers.js';
import { train } from '../training/train.js';
import { loadModel } from './load-model.js';
import { ModelCheckpoint } from './model-checkpoint.js';

const [VOCAB, TIME, BATCH] = [6, 4, 3];

const temp = useTempRoot('train-ckpt');

function model(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: 4, inputLength: TIME }),
      gru({ units: 5, returnSequences: true }),
      tfl.layers.dense({ units: VOCAB, activation: 'softmax' }),
    ],
  });
}

function batches(): { xs: tf.Tensor2D; ys: tf.Tensor2D }[] {
  return [0, 1].map((b) => {
    const ids = Array.from({ length: BATCH * TIME }, (_, i) => (i * 2 + b) % VOCAB);
    return {
      xs: tf.tensor2d(ids, [BATCH, TIME], 'int32'),
      ys: tf.tensor2d(
        ids.map((id) => (id + 1) % VOCAB),
        [BATCH, TIME],
        'int32',
      ),
    };
  });
}

/** A fresh model, a loss-monitoring checkpoint into `<temp>/<name>` set on it, and its batches. */
function checkpointed(name: string, keepLast: number) {
  const dir = join(temp.path, name);
  const net = model();
  const checkpoint = new ModelCheckpoint({ dir, keepLast, monitor: 'loss', includeOptimizer: false });
  checkpoint.setModel(net);
  return { dir, net, checkpoint, data: batches() };
}

/** The checkpoint saved in `path` predicts the first batch exactly as `net` does. */
async function expectCheckpointPredictsLike(
  path: string,
  net: tfl.LayersModel,
  data: readonly { xs: tf.Tensor }[],
): Promise<void> {
  const last = await loadModel(path);
  const x = data[0]!.xs;
  expect((last.model.predict(x) as tf.Tensor).dataSync()).toEqual((net.predict(x) as tf.Tensor).dataSync());
}

describe('ModelCheckpoint with train()', () => {
  it('writes every epoch, keeps the last K and the best, loadable with identical predictions', async () => {
    const { dir, net, checkpoint, data } = checkpointed('every', 2);
    await train(net, data, {
      epochs: 4,
      optimizer: 'adam',
      learningRate: 0.05,
      loss: 'sparseCategoricalCrossentropy',
      callbacks: [checkpoint],
      verbose: 0,
      seed: 3,
    });
    expect((await readdir(dir)).sort()).toEqual(['best', 'epoch-0003', 'epoch-0004']);
    await expectCheckpointPredictsLike(join(dir, 'epoch-0004'), net, data);
    tf.dispose(data.flatMap((batch) => [batch.xs, batch.ys]));
  });

  it('a non-finite loss stops training with a typed error and the last good checkpoint stays intact', async () => {
    const { dir, net, checkpoint, data } = checkpointed('nan', 5);
    let step = 0;
    // Finite for two epochs (4 steps), then NaN.
    const loss = (_yTrue: tf.Tensor, yPred: tf.Tensor) =>
      tf.tidy(() => {
        const value = tf.mean(tf.square(tf.sub(yPred, 0.5))) as tf.Scalar;
        return (step++ >= 4 ? tf.mul(value, Number.NaN) : value) as tf.Scalar;
      });
    const error = await train(net, data, {
      epochs: 4,
      optimizer: 'sgd',
      loss,
      callbacks: [checkpoint],
      verbose: 0,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RnnModelsError);
    expect((error as RnnModelsError).code).toBe('RNN_MODELS_NON_FINITE_LOSS');
    expect((await readdir(dir)).filter((name) => name.startsWith('epoch-')).sort()).toEqual([
      'epoch-0001',
      'epoch-0002',
    ]);
    // The weights were not updated by the NaN step, so the last checkpoint equals the model.
    await expectCheckpointPredictsLike(join(dir, 'epoch-0002'), net, data);
    tf.dispose(data.flatMap((batch) => [batch.xs, batch.ys]));
  });
});
