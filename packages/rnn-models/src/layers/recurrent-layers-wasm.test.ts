import { expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { gru, lstm, peepholeLSTM, simpleRNN } from './recurrent-layers.js';

const [BATCH, TIME, VOCAB] = [4, 7, 11];

const layersUnderTest: Record<string, () => tfl.layers.Layer> = {
  LSTM: () => lstm({ units: 6, returnSequences: true }),
  'GRU reset-after': () => gru({ units: 6, returnSequences: true }),
  'GRU reset-before': () => gru({ units: 6, returnSequences: true, resetAfter: false }),
  SimpleRNN: () => simpleRNN({ units: 6, returnSequences: true }),
  'peephole LSTM': () => peepholeLSTM({ units: 6, returnSequences: true }),
  'Bidirectional LSTM, go backwards': () =>
    tfl.layers.bidirectional({
      layer: lstm({ units: 6, returnSequences: true, goBackwards: true }) as unknown as tfl.RNN,
    }),
};

function model(recurrent: tfl.layers.Layer): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: 5, inputLength: TIME, maskZero: true }),
      recurrent,
      tfl.layers.dense({ units: 1 }),
    ],
  });
}

function ids(): tf.Tensor2D {
  const rows = Array.from({ length: BATCH }, (_, b) =>
    Array.from({ length: TIME }, (_, t) => (t >= TIME - b ? 0 : ((b * 5 + t * 3) % (VOCAB - 1)) + 1)),
  );
  return tf.tensor2d(rows, [BATCH, TIME], 'int32');
}

/** Predictions and weight gradients of a weighted sum, as plain arrays. */
function run(m: tfl.Sequential): { prediction: Float32Array; gradients: Float32Array[] } {
  return tf.tidy(() => {
    const x = ids();
    const prediction = (m.predict(x) as tf.Tensor).dataSync() as Float32Array;
    const variables = m.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => {
      const output = m.apply(x) as tf.Tensor;
      return tf.sum(tf.mul(output, tf.sin(tf.reshape(tf.range(0, output.size), output.shape)))) as tf.Scalar;
    }, variables);
    return {
      prediction,
      gradients: variables.map((variable) => grads[variable.name]!.dataSync() as Float32Array),
    };
  });
}

describe.each(Object.entries(layersUnderTest))('%s on wasm', (_name, make) => {
  it('equals the cpu backend (outputs and gradients) and trains without leaks', async () => {
    await initBackend({ backend: 'wasm' });
    const onWasm = model(make());
    const weights = onWasm
      .getWeights()
      .map((weight) => ({ values: weight.dataSync().slice(), shape: weight.shape }));
    const wasm = run(onWasm);

    await initBackend({ backend: 'cpu' });
    const onCpu = model(make());
    onCpu.setWeights(weights.map((weight) => tf.tensor(weight.values, weight.shape)));
    const cpu = run(onCpu);
    expectTensorsClose(wasm.prediction, cpu.prediction, { rtol: 1e-4, atol: 1e-5 });
    for (const [index, gradient] of wasm.gradients.entries()) {
      expectTensorsClose(gradient, cpu.gradients[index]!, { rtol: 1e-3, atol: 1e-5 });
    }

    await initBackend({ backend: 'wasm' });
    onWasm.compile({ optimizer: tf.train.adam(0.03), loss: 'meanSquaredError' });
    const x = ids();
    const y = tf.fill([BATCH, TIME, 1], 0.5);
    const lossOf = () => tf.tidy(() => (onWasm.evaluate(x, y) as tf.Scalar).dataSync()[0]!);
    const before = lossOf();
    await onWasm.fit(x, y, { epochs: 1, verbose: 0 }); // creates the optimizer's slots before counting tensors
    await expectNoLeaks(() => onWasm.fit(x, y, { epochs: 4, verbose: 0 }));
    // Below the tensors too: the kernels' own buffers (stacks filled in place, shared clones,
    // scratch index arrays) are all released.
    const buffers = tf.engine().backend.numDataIds();
    await onWasm.fit(x, y, { epochs: 2, verbose: 0 });
    tf.tidy(() => {
      onWasm.predict(x);
    });
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    expect(lossOf()).toBeLessThan(before / 5);
    tf.dispose([x, y]);
  });
});
