import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, it } from 'vitest';
import { CLOSE } from '../../test/support.js';
import { CONVERTERS, loadTorchFixture, type TorchFixture } from '../../test/torch-fixtures.js';
import { initBackend } from '../backend/backend.js';
import type { KerasWeightArray } from '../interop/torch-weights.js';
import { gru, lstm, simpleRNN } from './recurrent-layers.js';

// Layer-level PyTorch parity: PyTorch state dicts → converters → our Keras-style layers
// (Bidirectional included) → the outputs and final states PyTorch computed (fixtures from
// scripts/make_torch_fixtures.py; the kernel-level checks are in torch-weights.test.ts), on
// the cpu backend and on wasm, where units divisible by 4 run the fused step kernels.

function tensors(weights: Record<string, KerasWeightArray<number[]>>): tf.Tensor[] {
  return [weights.kernel!, weights.recurrentKernel!, weights.bias!].map((w) => tf.tensor(w.values, w.shape));
}

function layerFor(fixture: TorchFixture): tfl.layers.Layer {
  const units = fixture.config.hidden_size;
  const common = { units, returnSequences: true, returnState: true };
  if (fixture.module === 'LSTM') return lstm(common);
  if (fixture.module === 'GRU') return gru({ ...common, resetAfter: true });
  return simpleRNN({ ...common, activation: fixture.config.nonlinearity ?? 'tanh' });
}

function weightsFor(fixture: TorchFixture, direction: 'forward' | 'reverse'): tf.Tensor[] {
  const convert = CONVERTERS[fixture.module];
  return tensors(
    convert(fixture.state_dict, { direction }) as unknown as Record<string, KerasWeightArray<number[]>>,
  );
}

/** PyTorch's `[directions, batch, units]` initial states as Keras' list: h (then c) per direction. */
function initialStates(fixture: TorchFixture, directions: number): tf.Tensor[] {
  const batch = fixture.input.length;
  const units = fixture.config.hidden_size;
  const states: tf.Tensor[] = [];
  for (let d = 0; d < directions; d++) {
    states.push(fixture.h0 ? tf.tensor2d(fixture.h0[d]!) : tf.zeros([batch, units]));
    if (fixture.module === 'LSTM')
      states.push(fixture.c0 ? tf.tensor2d(fixture.c0[d]!) : tf.zeros([batch, units]));
  }
  return states;
}

function finalStates(fixture: TorchFixture, directions: number): number[][][] {
  const states: number[][][] = [];
  for (let d = 0; d < directions; d++) {
    states.push(fixture.h_n[d]!);
    if (fixture.c_n) states.push(fixture.c_n[d]!);
  }
  return states;
}

describe.each(['cpu', 'wasm'] as const)(
  'on %s: fused layers with converted PyTorch weights reproduce PyTorch',
  (backend) => {
    beforeAll(async () => {
      await initBackend({ backend });
    });

    it.each(['lstm', 'lstm_zero_state', 'gru', 'gru_zero_state', 'gru_units8', 'rnn_tanh', 'rnn_relu'])(
      '%s',
      (name) => {
        const fixture = loadTorchFixture(name);
        const layer = layerFor(fixture);
        const x = tf.tensor3d(fixture.input);
        const states = initialStates(fixture, 1);
        layer.apply(x, { initialState: states }); // builds the weights
        layer.setWeights(weightsFor(fixture, 'forward'));
        const [output, ...final] = layer.apply(x, { initialState: states }) as tf.Tensor[];
        expectTensorsClose(output!, tf.tensor3d(fixture.output), CLOSE);
        for (const [index, state] of finalStates(fixture, 1).entries())
          expectTensorsClose(final[index]!, tf.tensor2d(state), CLOSE);
      },
    );

    it.each([
      'lstm_bidirectional',
      'gru_bidirectional',
      'lstm_bidirectional_units8',
      'gru_bidirectional_units8',
    ])('%s inside tfjs-layers Bidirectional', (name) => {
      const fixture = loadTorchFixture(name);
      const layer = tfl.layers.bidirectional({
        layer: layerFor(fixture) as unknown as tfl.RNN,
        mergeMode: 'concat',
      });
      const x = tf.tensor3d(fixture.input);
      const states = initialStates(fixture, 2);
      layer.apply(x, { initialState: states });
      layer.setWeights([...weightsFor(fixture, 'forward'), ...weightsFor(fixture, 'reverse')]);
      const [output, ...final] = layer.apply(x, { initialState: states }) as tf.Tensor[];
      // Keras re-reverses the backward sequence before concatenating, exactly as PyTorch lays it out.
      expectTensorsClose(output!, tf.tensor3d(fixture.output), CLOSE);
      for (const [index, state] of finalStates(fixture, 2).entries())
        expectTensorsClose(final[index]!, tf.tensor2d(state), CLOSE);
    });
  },
);
