import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../../test/node-support.js';
import { initBackend } from '../backend/backend.js';
import { gru } from '../layers/recurrent-layers.js';
import { loadModel } from './load-model.js';
import { saveModel } from './save-model.js';

const root = useTempRoot('stateful-load');

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('a stateful checkpoint', () => {
  it('loads, predicts and disposes without leaving a tensor behind (the weight check builds its states too)', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 6, outputDim: 3, batchInputShape: [2, 4] }),
        gru({ units: 5, stateful: true }),
        tfl.layers.dense({ units: 6 }),
      ],
    });
    const dir = root.fresh();
    await saveModel(model, dir);
    model.dispose();
    const before = tf.memory().numTensors;
    const loaded = await loadModel(dir);
    const x = tf.tensor2d([1, 2, 3, 4, 5, 4, 3, 2], [2, 4], 'int32');
    tf.dispose(loaded.model.predict(x) as tf.Tensor);
    x.dispose();
    loaded.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
