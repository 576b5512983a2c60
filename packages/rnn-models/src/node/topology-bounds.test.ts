import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../../test/node-support.js';
import { loadModel } from './load-model.js';
import { saveModel } from './save-model.js';

const root = useTempRoot('topology-bounds');

describe("loadModel's topology bound", () => {
  it('accepts a functional model whose InputLayer holds more time steps than the model has weights', async () => {
    // 1,000 token ids into a 5 × 2 embedding and a 2 → 1 dense: 13 weights, a 1,000-step input.
    const ids = tfl.input({ shape: [1000], dtype: 'int32' });
    const embedded = tfl.layers.embedding({ inputDim: 5, outputDim: 2 }).apply(ids) as tfl.SymbolicTensor;
    const pooled = tfl.layers.globalAveragePooling1d().apply(embedded) as tfl.SymbolicTensor;
    const output = tfl.layers.dense({ units: 1 }).apply(pooled) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: ids, outputs: output });
    const dir = root.fresh();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = tf.zeros([1, 1000], 'int32');
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.model.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.model.dispose();
  });
});
