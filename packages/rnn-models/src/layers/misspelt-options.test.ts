import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import {
  gruWeightsFromTorch,
  lstmWeightsFromTorch,
  simpleRnnWeightsFromTorch,
} from '../interop/torch-weights.js';
import { gruSequence } from '../ops/gru-sequence.js';
import { lstmSequence } from '../ops/lstm-sequence.js';
import { simpleRnnSequence } from '../ops/simple-rnn-sequence.js';
import { Orthogonal, orthogonal } from './orthogonal-initializer.js';
import { GRUCell, LSTMCell, PeepholeLSTMCell, SimpleRNNCell } from './recurrent-cells.js';
import {
  GRU,
  gru,
  LSTM,
  lstm,
  PeepholeLSTM,
  peepholeLSTM,
  SimpleRNN,
  simpleRNN,
} from './recurrent-layers.js';

useCpuBackend();

/** Expects `RNN_MODELS_INVALID_OPTION` whose message proposes `closest`. */
function expectMisspelt(fn: () => unknown, closest: string): void {
  const error = expectErrorCode(fn, RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
  expect(error.message).toContain(`'${closest}'`);
}

const expectInvalid = (fn: () => unknown) => expectErrorCode(fn, RnnModelsError, 'RNN_MODELS_INVALID_OPTION');

// Every factory, layer class and cell, with the arguments each accepts typed loosely for the misspellings.
const MAKERS: Record<string, (args: Record<string, unknown>) => unknown> = {
  lstm: (args) => lstm(args as never),
  gru: (args) => gru(args as never),
  simpleRNN: (args) => simpleRNN(args as never),
  peepholeLSTM: (args) => peepholeLSTM(args as never),
  LSTM: (args) => new LSTM(args as never),
  GRU: (args) => new GRU(args as never),
  SimpleRNN: (args) => new SimpleRNN(args as never),
  PeepholeLSTM: (args) => new PeepholeLSTM(args as never),
  LSTMCell: (args) => new LSTMCell(args as never),
  GRUCell: (args) => new GRUCell(args as never),
  SimpleRNNCell: (args) => new SimpleRNNCell(args as never),
  PeepholeLSTMCell: (args) => new PeepholeLSTMCell(args as never),
};

describe('layer and cell arguments', () => {
  it.each(Object.entries(MAKERS))('%s rejects misspelt names, naming the closest', (_name, make) => {
    expectMisspelt(() => make({ units: 2, returnSequence: true }), 'returnSequences');
    expectMisspelt(() => make({ units: 2, recurrent_dropout: 0.1 }), 'recurrentDropout');
    expectMisspelt(() => make({ unit: 2 }), 'units');
    expectMisspelt(() => make({ units: 2, activation: 'tahn' }), 'tanh');
  });

  it.each(Object.entries(MAKERS))('%s rejects out-of-range values', (_name, make) => {
    expectInvalid(() => make({ units: 0 }));
    expectInvalid(() => make({ units: 2.5 }));
    expectInvalid(() => make({}));
    expectInvalid(() => make({ units: 2, dropout: 1.5 }));
    expectInvalid(() => make({ units: 2, dropout: 1 }));
    expectInvalid(() => make({ units: 2, recurrentDropout: -1 }));
    expectInvalid(() => make({ units: 2, seed: 1.5 }));
    expectInvalid(() => make({ units: 2, returnSequences: 'yes' }));
    expectInvalid(() => make({ units: 2, cell: tfl.layers.lstmCell({ units: 2 }) }));
  });

  it('accepts every tfjs-layers argument and what getConfig writes back', () => {
    const layer = lstm({
      units: 2,
      name: 'l',
      trainable: true,
      inputShape: [3, 4],
      dtype: 'float32',
      returnSequences: true,
      returnState: false,
      goBackwards: false,
      stateful: false,
      unroll: false,
      kernelInitializer: 'glorotUniform',
      recurrentActivation: 'sigmoid',
      unitForgetBias: true,
      implementation: 2,
      dropout: 0.5,
      recurrentDropout: 0,
      seed: 3,
    });
    expect(() => new LSTM(layer.getConfig() as never)).not.toThrow();
    expect(() => new GRU(gru({ units: 2, resetAfter: false }).getConfig() as never)).not.toThrow();
    expect(gru({ units: 2, activation: 'gelu_new' }).getConfig()['activation']).toBe('gelu_new');
  });
});

describe('orthogonal', () => {
  it('rejects misspelt names and bad values', () => {
    expectMisspelt(() => orthogonal({ gian: 2 } as never), 'gain');
    expectMisspelt(() => new Orthogonal({ sed: 1 } as never), 'seed');
    expectInvalid(() => orthogonal({ seed: 1.5 }));
  });
});

describe('fused sequences', () => {
  it('reject misspelt option names, naming the closest', () => {
    const x = tf.zeros([1, 2, 3]) as tf.Tensor3D;
    const h0 = tf.zeros([1, 2]) as tf.Tensor2D;
    const weights = (gates: number) => ({
      kernel: tf.zeros([3, gates * 2]) as tf.Tensor2D,
      recurrentKernel: tf.zeros([2, gates * 2]) as tf.Tensor2D,
    });
    expectMisspelt(
      () => lstmSequence(x, h0, h0, weights(4), { recurrentActivaton: 'sigmoid' } as never),
      'recurrentActivation',
    );
    expectMisspelt(() => gruSequence(x, h0, weights(3), { reset_after: false } as never), 'resetAfter');
    expectMisspelt(() => simpleRnnSequence(x, h0, weights(1), { masks: undefined } as never), 'mask');
    expectMisspelt(() => gruSequence(x, h0, weights(3), { activation: 'sigmoud' } as never), 'sigmoid');
    expectInvalid(() => gruSequence(x, h0, weights(3), { resetAfter: 1 } as never));
    tf.dispose([x, h0]);
  });
});

describe('PyTorch weight converters', () => {
  it('reject misspelt option names, naming the closest', () => {
    expectMisspelt(() => lstmWeightsFromTorch({}, { layr: 1 } as never), 'layer');
    expectMisspelt(() => gruWeightsFromTorch({}, { direction: 'revers' } as never), 'reverse');
    expectMisspelt(() => simpleRnnWeightsFromTorch({}, { prefx: 'rnn.' } as never), 'prefix');
    expectInvalid(() => lstmWeightsFromTorch({}, { layer: -1 }));
  });
});
