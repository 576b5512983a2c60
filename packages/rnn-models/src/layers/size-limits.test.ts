import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import { GRUCell } from './recurrent-cells.js';
import { gru, lstm, peepholeLSTM, simpleRNN } from './recurrent-layers.js';
import { checkTensorSize, MAX_TENSOR_ELEMENTS } from './size-limits.js';

useCpuBackend();

describe('size limits of recurrent layers (issue 13 #13)', () => {
  it.each([
    ['lstm', () => lstm({ units: 1e9 })],
    ['gru', () => gru({ units: 1e9 })],
    ['gru resetAfter: false', () => gru({ units: 1e9, resetAfter: false })],
    ['simpleRNN', () => simpleRNN({ units: 1e9 })],
    ['peepholeLSTM', () => peepholeLSTM({ units: 1e9 })],
  ])(
    'issue 13 #13: %s with units 1e9 is RNN_MODELS_TOO_LARGE at build time, allocating nothing',
    (_, make) => {
      const layer = make();
      const before = tf.memory().numTensors;
      const error = expectErrorCode(
        () => tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [3, 2] }), layer] }),
        RnnModelsError,
        'RNN_MODELS_TOO_LARGE',
      );
      expect(error.message).toContain('1000000000');
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('issue 13 #13: the input size counts too (20,000 units on 20,000 features)', () => {
    expectErrorCode(
      () => tfl.sequential({ layers: [lstm({ units: 20_000, inputShape: [3, 20_000] })] }),
      RnnModelsError,
      'RNN_MODELS_TOO_LARGE',
    );
  });

  it('issue 13 #13: a cell used in tfl.layers.rnn is checked when it builds', () => {
    const layer = tfl.layers.rnn({ cell: new GRUCell({ units: 1e9 }) });
    expectErrorCode(() => layer.apply(tfl.input({ shape: [3, 2] })), RnnModelsError, 'RNN_MODELS_TOO_LARGE');
  });

  it('issue 13 #13: the limit is 2^31 bytes of float32 per tensor', () => {
    expect(MAX_TENSOR_ELEMENTS).toBe(2 ** 29);
    expect(() => checkTensorSize('t', 'weights', [2 ** 15, 2 ** 14], 'Smaller.')).not.toThrow();
    expectErrorCode(
      () => checkTensorSize('t', 'weights', [2 ** 15, 2 ** 14 + 1], 'Smaller.'),
      RnnModelsError,
      'RNN_MODELS_TOO_LARGE',
    );
  });

  it('issue 13 #13: applying a recurrent layer to a rank-2 tensor is RNN_MODELS_SHAPE_MISMATCH', () => {
    const x = tf.ones([2, 3]);
    try {
      expectErrorCode(() => lstm({ units: 2 }).apply(x), RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH');
    } finally {
      x.dispose();
    }
  });
});
