import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { gru } from '../layers/recurrent-layers.js';
import { DEFAULT_LAYER_OUTPUTS_OPTIONS, layerOutputs, resolveLayerOutputsOptions } from './layer-outputs.js';

const [BATCH, TIME, VOCAB, EMBED, UNITS] = [5, 4, 7, 3, 2];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function languageModel(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: EMBED, inputLength: TIME, name: 'emb' }),
      gru({ units: UNITS, returnSequences: true, name: 'rnn' }),
      tfl.layers.dense({ units: VOCAB, activation: 'softmax', name: 'head' }),
    ],
  });
}

function ids(): tf.Tensor2D {
  return tf.tensor2d(
    Array.from({ length: BATCH * TIME }, (_, k) => (k * 3) % VOCAB),
    [BATCH, TIME],
    'int32',
  );
}

describe('layerOutputs', () => {
  it('returns the named layers’ activations, equal to running the layers by hand', () => {
    const model = languageModel();
    const x = ids();
    const outputs = layerOutputs(model, x, ['emb', 'rnn', 'head']);
    expect(Object.keys(outputs)).toEqual(['emb', 'rnn', 'head']);
    const emb = outputs['emb'] as tf.Tensor;
    const rnn = outputs['rnn'] as tf.Tensor;
    expect(emb.shape).toEqual([BATCH, TIME, EMBED]);
    expect(rnn.shape).toEqual([BATCH, TIME, UNITS]);
    tf.tidy(() => {
      const embeddings = model.getLayer('emb').getWeights()[0]!;
      expectTensorsClose(emb, tf.gather(embeddings, x));
      expectTensorsClose(rnn, model.getLayer('rnn').apply(tf.gather(embeddings, x)) as tf.Tensor, {
        rtol: 1e-5,
        atol: 1e-6,
      });
      expectTensorsClose(outputs['head'] as tf.Tensor, model.predict(x) as tf.Tensor);
    });
    tf.dispose([x, ...Object.values(outputs).flat()]);
  });

  it('returns every output of a multi-output layer (returnState) as an array', () => {
    const input = tfl.input({ shape: [TIME], dtype: 'int32' });
    const embedded = tfl.layers
      .embedding({ inputDim: VOCAB, outputDim: EMBED })
      .apply(input) as tfl.SymbolicTensor;
    const [sequence, state] = gru({
      units: UNITS,
      returnSequences: true,
      returnState: true,
      name: 'g',
    }).apply(embedded) as tfl.SymbolicTensor[];
    const head = tfl.layers.dense({ units: VOCAB }).apply(sequence!) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: [head, state!] });
    const x = ids();
    const outputs = layerOutputs(model, x, ['g']);
    const g = outputs['g'] as tf.Tensor[];
    expect(g.map((t) => t.shape)).toEqual([
      [BATCH, TIME, UNITS],
      [BATCH, UNITS],
    ]);
    // The final state is the last step of the sequence output.
    tf.tidy(() =>
      expectTensorsClose(g[1]!, tf.squeeze(tf.slice(g[0]!, [0, TIME - 1, 0], [BATCH, 1, UNITS]), [1])),
    );
    tf.dispose([x, ...g]);
  });

  it('batchSize splits the forward pass without changing the result', () => {
    expect(resolveLayerOutputsOptions()).toEqual({ batchSize: 32 });
    expect(DEFAULT_LAYER_OUTPUTS_OPTIONS.batchSize).toBe(32);
    const model = languageModel();
    const x = ids();
    const whole = layerOutputs(model, x, ['rnn']);
    const split = layerOutputs(model, x, ['rnn'], { batchSize: 2 });
    expectTensorsClose(split['rnn'] as tf.Tensor, whole['rnn'] as tf.Tensor);
    tf.dispose([x, whole['rnn'] as tf.Tensor, split['rnn'] as tf.Tensor]);
    expectErrorCode(
      () => resolveLayerOutputsOptions({ batchSize: 0 }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(
      () => resolveLayerOutputsOptions({ batchSize: 1.5 }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
  });

  it('throws INVALID_OPTION for no names, unknown names and shared layers', () => {
    const model = languageModel();
    const x = ids();
    expectErrorCode(() => layerOutputs(model, x, []), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    expectErrorCode(() => layerOutputs(model, x, ['nope']), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    const input = tfl.input({ shape: [UNITS] });
    const shared = tfl.layers.dense({ units: UNITS, name: 'shared' });
    const twice = shared.apply(shared.apply(input)) as tfl.SymbolicTensor;
    const sharedModel = tfl.model({ inputs: input, outputs: twice });
    const features = tf.ones([1, UNITS]);
    expectErrorCode(
      () => layerOutputs(sharedModel, features, ['shared']),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    tf.dispose([x, features]);
  });

  it('leaves only the returned tensors, and does not dispose earlier results or the input', async () => {
    const model = languageModel();
    const x = ids();
    const first = layerOutputs(model, x, ['rnn']);
    await expectNoLeaks(() => tf.dispose(Object.values(layerOutputs(model, x, ['emb', 'rnn'])).flat()));
    expect((first['rnn'] as tf.Tensor).isDisposed).toBe(false);
    expect(x.isDisposed).toBe(false);
    tf.dispose([x, first['rnn'] as tf.Tensor]);
  });
});
