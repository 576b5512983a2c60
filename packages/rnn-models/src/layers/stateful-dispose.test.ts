import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { gru, lstm, simpleRNN } from './recurrent-layers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const BATCH = 3;
const TIME = 4;

function statefulModel(layer: tfl.layers.Layer) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: 7, outputDim: 5, batchInputShape: [BATCH, TIME] }),
      layer,
      tfl.layers.dense({ units: 7 }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

describe.each([
  ['LSTM', () => lstm({ units: 6, stateful: true })],
  ['GRU', () => gru({ units: 6, stateful: true })],
  ['SimpleRNN', () => simpleRNN({ units: 6, stateful: true })],
])('disposing a model with a stateful %s', (_name, layer) => {
  it('frees the state tensors with the weights (after predictions and training steps)', async () => {
    const before = tf.memory().numTensors;
    const model = statefulModel(layer());
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6], [BATCH, TIME], 'int32');
    const y = tf.tensor2d([2, 3, 4], [BATCH, 1], 'float32');
    tf.dispose(model.predict(x) as tf.Tensor);
    await model.trainOnBatch(x, y); // training keeps the previous states for BPTT
    await model.trainOnBatch(x, y);
    tf.dispose(model.predict(x) as tf.Tensor);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
