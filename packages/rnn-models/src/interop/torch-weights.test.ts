import { expectErrorCode, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { CONVERTERS, loadTorchFixture, type TorchFixture } from '../../test/torch-fixtures.js';
import { RnnModelsError } from '../errors.js';
import { gruSequence } from '../ops/gru-sequence.js';
import { lstmSequence } from '../ops/lstm-sequence.js';
import { simpleRnnSequence } from '../ops/simple-rnn-sequence.js';
import {
  gruWeightsFromTorch,
  type KerasWeightArray,
  lstmWeightsFromTorch,
  simpleRnnWeightsFromTorch,
  type TorchWeightsOptions,
} from './torch-weights.js';

const FIXTURES = [
  'lstm',
  'lstm_zero_state',
  'lstm_2layer',
  'lstm_bidirectional',
  'lstm_submodule',
  'gru',
  'gru_zero_state',
  'gru_bidirectional',
  'rnn_tanh',
  'rnn_tanh_zero_state',
  'rnn_relu',
] as const;

/** `l1_reverse` → `{ layer: 1, direction: 'reverse' }`. */
function optionsOf(suffix: string, prefix: string): TorchWeightsOptions {
  const match = /^l(\d+)(_reverse)?$/.exec(suffix);
  if (!match) throw new Error(`unexpected fixture suffix ${suffix}`);
  return { layer: Number(match[1]), direction: match[2] ? 'reverse' : 'forward', prefix };
}

interface WeightTensors<Bias extends tf.Tensor> {
  readonly kernel: tf.Tensor2D;
  readonly recurrentKernel: tf.Tensor2D;
  readonly bias: Bias;
}

function toTensors<Bias extends tf.Tensor>(weights: {
  kernel: KerasWeightArray<[number, number]>;
  recurrentKernel: KerasWeightArray<[number, number]>;
  bias: KerasWeightArray<number[]>;
}): WeightTensors<Bias> {
  return {
    kernel: tf.tensor2d(weights.kernel.values, weights.kernel.shape),
    recurrentKernel: tf.tensor2d(weights.recurrentKernel.values, weights.recurrentKernel.shape),
    bias: tf.tensor(weights.bias.values, weights.bias.shape) as Bias,
  };
}

/** Runs one layer in one direction from the initial states given, on an input already in that direction's order. */
type DirectionRunner = (
  f: TorchFixture,
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  options: TorchWeightsOptions,
) => { outputs: tf.Tensor3D; h: tf.Tensor2D; c?: tf.Tensor2D };

const RUNNERS: Record<TorchFixture['module'], DirectionRunner> = {
  LSTM: (f, x, h0, c0, options) =>
    lstmSequence(x, h0, c0, toTensors<tf.Tensor1D>(lstmWeightsFromTorch(f.state_dict, options))),
  GRU: (f, x, h0, _c0, options) =>
    gruSequence(x, h0, toTensors<tf.Tensor2D>(gruWeightsFromTorch(f.state_dict, options)), {
      resetAfter: true,
    }),
  RNN: (f, x, h0, _c0, options) =>
    simpleRnnSequence(x, h0, toTensors<tf.Tensor1D>(simpleRnnWeightsFromTorch(f.state_dict, options)), {
      activation: f.config.nonlinearity ?? 'tanh',
    }),
};

/**
 * PyTorch's stacking rules: layer l reads layer l−1's outputs (both directions concatenated);
 * the reverse direction runs on the time-reversed input and its outputs are reversed back;
 * states are `[numLayers·numDirections, batch, units]`, layer-major.
 */
function runLikeTorch(f: TorchFixture): { output: tf.Tensor3D; hN: tf.Tensor3D; cN: tf.Tensor3D } {
  return tf.tidy(() => {
    const directions = f.config.bidirectional ? 2 : 1;
    const layers = f.config.num_layers ?? 1;
    const input = tf.tensor3d(f.input);
    const zeros = tf.zeros([layers * directions, input.shape[0], f.config.hidden_size]);
    const h0 = tf.unstack(f.h0 ? tf.tensor3d(f.h0) : zeros) as tf.Tensor2D[];
    const c0 = tf.unstack(f.c0 ? tf.tensor3d(f.c0) : zeros) as tf.Tensor2D[];
    const hN: tf.Tensor2D[] = [];
    const cN: tf.Tensor2D[] = [];
    let layerInput = input;
    for (let layer = 0; layer < layers; layer++) {
      const outputs: tf.Tensor3D[] = [];
      for (let d = 0; d < directions; d++) {
        const reverse = d === 1;
        const index = layer * directions + d;
        const x = reverse ? tf.reverse(layerInput, 1) : layerInput;
        const result = RUNNERS[f.module](f, x, h0[index]!, c0[index]!, {
          layer,
          direction: reverse ? 'reverse' : 'forward',
          prefix: f.prefix,
        });
        outputs.push(reverse ? tf.reverse(result.outputs, 1) : result.outputs);
        hN.push(result.h);
        cN.push(result.c ?? tf.zerosLike(result.h));
      }
      layerInput = outputs.length === 1 ? outputs[0]! : (tf.concat(outputs, 2) as tf.Tensor3D);
    }
    return { output: layerInput, hN: tf.stack(hN) as tf.Tensor3D, cN: tf.stack(cN) as tf.Tensor3D };
  });
}

useCpuBackend();

describe('PyTorch → Keras weight conversion', () => {
  it.each(FIXTURES)('%s: equals the Python script’s conversion bit for bit', (name) => {
    const f = loadTorchFixture(name);
    const suffixes = Object.keys(f.keras);
    expect(suffixes.length).toBeGreaterThan(0);
    for (const suffix of suffixes) {
      const expected = f.keras[suffix]!;
      const ours = CONVERTERS[f.module](f.state_dict, optionsOf(suffix, f.prefix));
      const bias = expected.bias as number[] | number[][];
      const biasShape = Array.isArray(bias[0]) ? [bias.length, (bias[0] as number[]).length] : [bias.length];
      expect(ours.kernel.shape, `${suffix} kernel shape`).toEqual([
        expected.kernel.length,
        expected.kernel[0]!.length,
      ]);
      expect(ours.recurrentKernel.shape, `${suffix} recurrent shape`).toEqual([
        expected.recurrent_kernel.length,
        expected.recurrent_kernel[0]!.length,
      ]);
      expect(ours.bias.shape, `${suffix} bias shape`).toEqual(biasShape);
      expect(ours.kernel.values, `${suffix} kernel`).toEqual(new Float32Array(expected.kernel.flat()));
      expect(ours.recurrentKernel.values, `${suffix} recurrent`).toEqual(
        new Float32Array(expected.recurrent_kernel.flat()),
      );
      expect(ours.bias.values, `${suffix} bias`).toEqual(new Float32Array(bias.flat()));
    }
  });

  it.each(FIXTURES)('%s: reproduces PyTorch’s output, h_n and c_n', (name) => {
    const f = loadTorchFixture(name);
    const before = tf.memory().numTensors;
    const { output, hN, cN } = runLikeTorch(f);
    const tolerance = { atol: 1e-5, rtol: 0 };
    // expectTensorsClose flattens at most two levels of nesting: pass the values flat, check shapes apart.
    expectTensorsClose(output, f.output.flat(2), tolerance);
    expect(output.shape).toEqual([f.output.length, f.output[0]!.length, f.output[0]![0]!.length]);
    expectTensorsClose(hN, f.h_n.flat(2), tolerance);
    expect(hN.shape).toEqual([f.h_n.length, f.h_n[0]!.length, f.h_n[0]![0]!.length]);
    if (f.c_n) expectTensorsClose(cN, f.c_n.flat(2), tolerance);
    tf.dispose([output, hN, cN]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts { shape, data } entries and gives the same result as nested arrays', () => {
    const f = loadTorchFixture('lstm_bidirectional');
    const flat: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [key, value] of Object.entries(f.state_dict)) {
      const t = tf.tensor(value as number[]);
      flat[key] = { shape: t.shape, data: t.dataSync() as Float32Array };
      t.dispose();
    }
    expect(lstmWeightsFromTorch(flat, { direction: 'reverse' })).toEqual(
      lstmWeightsFromTorch(f.state_dict, { direction: 'reverse' }),
    );
  });

  it('converts the GRU gate order r, z, n to z, r, h', () => {
    // One unit, one input: each gate's weight is its PyTorch block index, so the order is visible.
    const w = gruWeightsFromTorch({
      weight_ih_l0: [[0], [1], [2]],
      weight_hh_l0: [[10], [11], [12]],
      bias_ih_l0: [20, 21, 22],
      bias_hh_l0: [30, 31, 32],
    });
    expect(Array.from(w.kernel.values)).toEqual([1, 0, 2]);
    expect(Array.from(w.recurrentKernel.values)).toEqual([11, 10, 12]);
    expect(Array.from(w.bias.values)).toEqual([21, 20, 22, 31, 30, 32]);
    expect(w.bias.shape).toEqual([2, 3]);
  });
});

describe('PyTorch weight conversion errors', () => {
  it('names a missing key and lists the available ones', () => {
    const f = loadTorchFixture('lstm');
    const error = expectErrorCode(
      () => lstmWeightsFromTorch(f.state_dict, { layer: 1 }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(error.message).toContain("'weight_hh_l1'");
    expect(error.message).toContain('weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0');

    const reverse = expectErrorCode(
      () => gruWeightsFromTorch(loadTorchFixture('gru').state_dict, { direction: 'reverse' }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(reverse.message).toMatch(/'weight_hh_l0_reverse'.*not look bidirectional/);
  });

  it('suggests the prefix of a submodule', () => {
    const f = loadTorchFixture('lstm_submodule');
    const error = expectErrorCode(
      () => lstmWeightsFromTorch(f.state_dict),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(error.message).toContain("did you mean prefix 'rnn.'");
    expect(error.message).toContain('head.weight');
    expect(lstmWeightsFromTorch(f.state_dict, { prefix: 'rnn.' }).kernel.shape).toEqual([4, 24]);
  });

  it('reports a missing bias', () => {
    const { bias_ih_l0: _, ...noBias } = loadTorchFixture('rnn_tanh').state_dict;
    const error = expectErrorCode(
      () => simpleRnnWeightsFromTorch(noBias),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(error.message).toMatch(/'bias_ih_l0'.*bias=False/);
  });

  it('reports wrong shapes with what was received and expected', () => {
    const f = loadTorchFixture('lstm');
    const wrongIh = expectErrorCode(
      () =>
        lstmWeightsFromTorch({
          ...f.state_dict,
          weight_ih_l0: { shape: [20, 4], data: new Float32Array(80) },
        }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expect(wrongIh.message).toContain('[20, 4]');
    expect(wrongIh.message).toContain('[24, inputDim]');

    const wrongBias = expectErrorCode(
      () => lstmWeightsFromTorch({ ...f.state_dict, bias_hh_l0: [1, 2, 3] }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expect(wrongBias.message).toMatch(/'bias_hh_l0' has shape \[3\].*\[24\]/);

    const ragged = expectErrorCode(
      () =>
        simpleRnnWeightsFromTorch({
          ...loadTorchFixture('rnn_relu').state_dict,
          weight_hh_l0: [[1, 2], [3]],
        }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expect(ragged.message).toContain('ragged');

    const badData = expectErrorCode(
      () =>
        lstmWeightsFromTorch({ ...f.state_dict, bias_ih_l0: { shape: [24], data: new Float32Array(23) } }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expect(badData.message).toContain('23 values');
  });

  it('recognises another module’s weights', () => {
    const error = expectErrorCode(
      () => lstmWeightsFromTorch(loadTorchFixture('gru').state_dict),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expect(error.message).toContain('[18, 6]');
    expect(error.message).toContain('use gruWeightsFromTorch');
  });

  it('rejects bad options, non-numeric entries and LSTM projections', () => {
    const f = loadTorchFixture('lstm');
    for (const options of [{ layer: -1 }, { layer: 0.5 }, { direction: 'backward' as 'reverse' }]) {
      expectErrorCode(
        () => lstmWeightsFromTorch(f.state_dict, options),
        RnnModelsError,
        'RNN_MODELS_INVALID_OPTION',
      );
    }
    const text = expectErrorCode(
      () => lstmWeightsFromTorch({ ...f.state_dict, bias_ih_l0: ['0.1'] as unknown as number[] }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(text.message).toContain("'bias_ih_l0' holds string at [0]");
    const projected = expectErrorCode(
      () => lstmWeightsFromTorch({ ...f.state_dict, weight_hr_l0: [[0]] }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(projected.message).toContain('proj_size');
  });
});
