import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { toStepModel } from '../inference/step-model.js';
import { lstmWeightsFromTorch, type TorchStateDict } from '../interop/torch-weights.js';
import { lstm } from '../layers/recurrent-layers.js';
import { simpleRnnSequence } from '../ops/simple-rnn-sequence.js';
import { embeddingMatrix, projectEmbeddings2d } from './embedding.js';
import { gateWeights } from './gate-weights.js';
import { layerOutputs } from './layer-outputs.js';
import { buildVocabularyMap, transferWeights } from './transfer-weights.js';

const [VOCAB, TIME, UNITS] = [5, 4, 3];
let model: tfl.LayersModel;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  model = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: 2, inputLength: TIME, name: 'embedding' }),
      lstm({ units: UNITS, returnSequences: true, name: 'lstm' }),
      tfl.layers.dense({ units: VOCAB, name: 'dense' }),
    ],
  });
});

afterAll(() => model.dispose());

const invalid = (fn: () => unknown) => expectErrorCode(fn, RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
const shape = (fn: () => unknown) => expectErrorCode(fn, RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH');

/** A PyTorch nn.LSTM state dict (units 2, inputs 3) as nested arrays, every weight `fill`. */
function torchLstm(fill: number): Record<string, unknown> {
  const matrix = (rows: number, cols: number) => Array.from({ length: rows }, () => Array(cols).fill(fill));
  return {
    weight_ih_l0: matrix(8, 3),
    weight_hh_l0: matrix(8, 2),
    bias_ih_l0: Array(8).fill(fill),
    bias_hh_l0: Array(8).fill(fill),
  };
}

describe('issue 13: bad arguments to inference, inspection and interop are typed errors, and leak nothing', () => {
  it('toStepModel: a non-model, a state too large to allocate, null ids or rows', async () => {
    invalid(() => toStepModel(null as never));
    const lm = toStepModel(model);
    // 1e9 rows × 3 units: 12 GB of state, which tf.zeros would reserve without a word.
    expectErrorCode(() => lm.initialState(1e9), RnnModelsError, 'RNN_MODELS_TOO_LARGE');
    const state = lm.initialState(2);
    await expectNoLeaks(() => {
      shape(() => lm.step(null as never, state));
      invalid(() => lm.step([Number.NaN, 1] as never, state));
      invalid(() => lm.gatherState(state, null as never));
    });
    lm.disposeState(state);
  });

  it('layerOutputs: input of the wrong rank or size is a shape mismatch; non-models, non-tensors and a string of names are invalid', async () => {
    await expectNoLeaks(() => {
      const [flat, long, ids] = [tf.zeros([TIME]), tf.zeros([1, TIME + 5]), tf.zeros([1, TIME])];
      shape(() => layerOutputs(model, flat, ['lstm']));
      shape(() => layerOutputs(model, long, ['lstm']));
      shape(() => layerOutputs(model, [ids, ids], ['lstm']));
      invalid(() => layerOutputs(model, null as never, ['lstm']));
      invalid(() => layerOutputs(null as never, ids, ['lstm']));
      invalid(() => layerOutputs(model, ids, 'lstm' as never));
      tf.dispose([flat, long, ids]);
    });
  });

  it('layerOutputs: a string tensor, an id beyond the Embedding (tfjs throws a plain Error) are invalid', async () => {
    await expectNoLeaks(() => {
      const [text, beyond] = [tf.tensor([['a', 'b', 'c', 'd']]), tf.tensor([[1, 9, 2, 3]])];
      invalid(() => layerOutputs(model, text, ['dense']));
      invalid(() => layerOutputs(model, beyond, ['dense']));
      tf.dispose([text, beyond]);
    });
  });

  it('a disposed model: step, gateWeights, embeddingMatrix and layerOutputs say so instead of a plain Error', () => {
    const doomed = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: VOCAB, outputDim: 2, inputLength: TIME }),
        lstm({ units: UNITS, returnSequences: true }),
        tfl.layers.dense({ units: VOCAB, name: 'doomed_dense' }),
      ],
    });
    const lm = toStepModel(doomed);
    const state = lm.initialState(1);
    doomed.dispose();
    const ids = tf.zeros([1, TIME]);
    invalid(() => lm.step(Int32Array.of(1), state));
    invalid(() => gateWeights(doomed.layers[1]!));
    invalid(() => embeddingMatrix(doomed));
    invalid(() => layerOutputs(doomed, ids, ['doomed_dense']));
    tf.dispose(ids);
    lm.disposeState(state);
  });

  it('gateWeights, embeddingMatrix and transferWeights: null instead of a layer or model', () => {
    invalid(() => gateWeights(null as never));
    invalid(() => embeddingMatrix(null as never));
    invalid(() => transferWeights(null as never, model));
    invalid(() => transferWeights(model, undefined as never));
  });

  it('projectEmbeddings2d: NaN, Infinity or non-number entries, a null matrix, labels that are not strings', () => {
    invalid(() =>
      projectEmbeddings2d([
        [1, 2],
        [3, Number.NaN],
        [0, 1],
      ]),
    );
    invalid(() =>
      projectEmbeddings2d({ values: Float32Array.of(1, 2, Number.POSITIVE_INFINITY, 4), shape: [2, 2] }),
    );
    invalid(() =>
      projectEmbeddings2d([
        [1, 2],
        [3, '4' as never],
      ]),
    );
    invalid(() => projectEmbeddings2d(null as never));
    invalid(() =>
      projectEmbeddings2d(
        [
          [1, 2],
          [3, 4],
        ],
        { labels: 'ab' as never },
      ),
    );
    invalid(() =>
      projectEmbeddings2d(
        [
          [1, 2],
          [3, 4],
        ],
        { labels: ['a', 2 as never] },
      ),
    );
  });

  it('buildVocabularyMap: token lists that are not arrays of strings', () => {
    invalid(() => buildVocabularyMap(null as never, ['a']));
    invalid(() => buildVocabularyMap(['a', 'b'], 'ab' as never));
    invalid(() => buildVocabularyMap(['a', 1 as never], ['a']));
    expect([...buildVocabularyMap(['__proto__', 'constructor'], ['constructor', '__proto__', 'x'])]).toEqual([
      1, 0, -1,
    ]);
  });

  it('PyTorch converters: NaN, Infinity and values beyond float32 are rejected, naming the entry', () => {
    invalid(() => lstmWeightsFromTorch(torchLstm(Number.NaN) as TorchStateDict));
    invalid(() => lstmWeightsFromTorch(torchLstm(1e39) as TorchStateDict));
    invalid(() =>
      lstmWeightsFromTorch({
        ...torchLstm(0.1),
        bias_ih_l0: { shape: [8], data: Float32Array.of(0, 0, 0, 0, 0, 0, 0, Number.NEGATIVE_INFINITY) },
      } as TorchStateDict),
    );
    const error = invalid(() => lstmWeightsFromTorch(torchLstm(Number.NaN) as TorchStateDict));
    expect(error.message).toContain('weight_hh_l0');
    // A `__proto__` key from JSON is an own key holding the weights: not read, and nothing polluted.
    const polluting = JSON.parse(`{"__proto__": ${JSON.stringify(torchLstm(0.1))}}`) as TorchStateDict;
    invalid(() => lstmWeightsFromTorch(polluting));
    expect('weight_ih_l0' in {}).toBe(false);
  });

  it('sequence ops: null weights and disposed tensors are invalid, and leak nothing', async () => {
    const kernel = tf.fill([2, UNITS], 0.1) as tf.Tensor2D;
    const recurrentKernel = tf.fill([UNITS, UNITS], 0.1) as tf.Tensor2D;
    await expectNoLeaks(() => {
      const x = tf.ones([1, TIME, 2]) as tf.Tensor3D;
      const h0 = tf.zeros([1, UNITS]) as tf.Tensor2D;
      invalid(() => simpleRnnSequence(x, h0, null as never));
      h0.dispose();
      invalid(() => simpleRnnSequence(x, h0, { kernel, recurrentKernel }));
      x.dispose();
    });
    tf.dispose([kernel, recurrentKernel]);
  });

  it('initBackend: a wasmPaths map with an entry that is not a URL string', async () => {
    await invalid(() => initBackend({ backend: 'cpu', wasmPaths: { 'tfjs-backend-wasm.wasm': 5 } as never }));
  });
});
