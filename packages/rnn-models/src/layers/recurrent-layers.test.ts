import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { GRUCell, LSTMCell, PeepholeLSTMCell, SimpleRNNCell } from './recurrent-cells.js';
import { GRU, gru, LSTM, lstm, peepholeLSTM, SimpleRNN, simpleRNN } from './recurrent-layers.js';

const [BATCH, TIME, VOCAB, EMBED, UNITS] = [3, 6, 9, 4, 5];
const CLOSE = { rtol: 1e-4, atol: 1e-5 };

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

type Kind = 'simpleRNN' | 'lstm' | 'gru';
type RecurrentOptions = {
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  activation?: 'tanh' | 'relu';
  useBias?: boolean;
};

function ours(kind: Kind, options: RecurrentOptions): tfl.layers.Layer {
  const args = { units: UNITS, ...options };
  if (kind === 'lstm') return lstm(args);
  if (kind === 'gru') return gru({ ...args, resetAfter: false });
  return simpleRNN(args);
}

function stock(kind: Kind, options: RecurrentOptions): tfl.layers.Layer {
  const args = { units: UNITS, recurrentActivation: 'sigmoid' as const, ...options };
  if (kind === 'lstm') return tfl.layers.lstm(args);
  if (kind === 'gru') return tfl.layers.gru(args);
  return tfl.layers.simpleRNN(
    options.activation ? { units: UNITS, ...options } : { units: UNITS, ...options },
  );
}

/** Ids with zero padding at the end of some rows, so masking matters. */
function ids(batch = BATCH): tf.Tensor2D {
  const rows = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: TIME }, (_, t) => (t >= TIME - b ? 0 : ((b * 7 + t * 3) % (VOCAB - 1)) + 1)),
  );
  return tf.tensor2d(rows, [batch, TIME], 'int32');
}

/** Embedding(maskZero) → recurrent layer, functional so returnState works. */
function embeddedModel(recurrent: tfl.layers.Layer, options: { maskZero: boolean; batchSize?: number }) {
  const input = tfl.input(
    options.batchSize
      ? { batchShape: [options.batchSize, TIME], dtype: 'int32' }
      : { shape: [TIME], dtype: 'int32' },
  );
  const embedded = tfl.layers
    .embedding({
      inputDim: VOCAB,
      outputDim: EMBED,
      maskZero: options.maskZero,
      embeddingsInitializer: 'randomUniform',
    })
    .apply(input) as tfl.SymbolicTensor;
  const outputs = recurrent.apply(embedded) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
  return tfl.model({ inputs: input, outputs });
}

function asList(value: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(value) ? value : [value];
}

/** A scalar that depends on every output element with distinct weights. */
function weightedSum(outputs: tf.Tensor[]): tf.Scalar {
  return tf.tidy(
    () =>
      outputs
        .map((output, index) => {
          const weights = tf.div(
            tf.reshape(tf.range(1, output.size + 1), output.shape),
            output.size * (index + 1),
          );
          return tf.sum(tf.mul(output, tf.sin(weights)));
        })
        .reduce((a, b) => tf.add(a, b)) as tf.Scalar,
  );
}

function expectAllClose(actual: tf.Tensor[], expected: tf.Tensor[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [index, tensor] of actual.entries()) expectTensorsClose(tensor, expected[index]!, CLOSE);
}

function gradients(model: tfl.LayersModel, input: tf.Tensor): tf.Tensor[] {
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => weightedSum(asList(model.apply(input) as tf.Tensor)),
    variables,
  );
  value.dispose();
  return variables.map((variable) => grads[variable.name]!);
}

/**
 * Gives `reference` the weights of `model`, then expects the same outputs (every one: sequences and
 * states) on `ids()` and the same weight gradients, within CLOSE.
 */
function expectSameAsReference(model: tfl.LayersModel, reference: tfl.LayersModel): void {
  reference.setWeights(model.getWeights());
  const x = ids();
  const expected = asList(reference.predict(x) as tf.Tensor);
  const actual = asList(model.predict(x) as tf.Tensor);
  expectAllClose(actual, expected);
  const modelGrads = gradients(model, x);
  const referenceGrads = gradients(reference, x);
  expectAllClose(modelGrads, referenceGrads);
  tf.dispose([x, ...expected, ...actual, ...modelGrads, ...referenceGrads]);
}

describe.each<Kind>(['simpleRNN', 'lstm', 'gru'])(
  '%s equals stock tfjs-layers with the same weights',
  (kind) => {
    const variants: [string, RecurrentOptions, boolean][] = [
      ['last output', {}, false],
      ['sequences + state', { returnSequences: true, returnState: true }, false],
      ['masked sequences + state', { returnSequences: true, returnState: true }, true],
      ['masked, go backwards', { returnSequences: true, goBackwards: true }, true],
      ['masked last output, relu, no bias', { activation: 'relu', useBias: false }, true],
    ];
    it.each(variants)('%s: outputs, states and weight gradients', (_name, options, maskZero) => {
      expectSameAsReference(
        embeddedModel(ours(kind, options), { maskZero }),
        embeddedModel(stock(kind, options), { maskZero }),
      );
    });

    it('inside Bidirectional (concat) equals stock, with masking', () => {
      const options = { returnSequences: true };
      const oursModel = embeddedModel(tfl.layers.bidirectional({ layer: ours(kind, options) as tfl.RNN }), {
        maskZero: true,
      });
      const stockModel = embeddedModel(tfl.layers.bidirectional({ layer: stock(kind, options) as tfl.RNN }), {
        maskZero: true,
      });
      expectSameAsReference(oursModel, stockModel);
    });

    it('stateful: carries the state across calls like stock, and resetStates clears it', () => {
      const options = { returnSequences: true, stateful: true };
      const oursModel = embeddedModel(ours(kind, options), { maskZero: false, batchSize: BATCH });
      const stockModel = embeddedModel(stock(kind, options), { maskZero: false, batchSize: BATCH });
      stockModel.setWeights(oursModel.getWeights());
      const x = ids();
      const first = oursModel.predict(x) as tf.Tensor;
      expectTensorsClose(first, stockModel.predict(x) as tf.Tensor, CLOSE);
      for (let call = 0; call < 2; call++) {
        expectTensorsClose(oursModel.predict(x) as tf.Tensor, stockModel.predict(x) as tf.Tensor, CLOSE);
      }
      oursModel.resetStates();
      expectTensorsClose(oursModel.predict(x) as tf.Tensor, first, CLOSE);
    });
  },
);

/** Our cell in tfjs' generic per-step `RNN`: the reference for modes stock tfjs lacks. */
function perStepReference(cell: tfl.layers.RNNCell, options: RecurrentOptions) {
  return tfl.layers.rnn({ cell, ...options });
}

describe('fused layers equal their own cells stepped by tfjs’ generic RNN loop', () => {
  const cases: [string, () => tfl.layers.Layer, () => tfl.layers.RNNCell][] = [
    [
      'GRU reset-after',
      () => gru({ units: UNITS, returnSequences: true }),
      () => new GRUCell({ units: UNITS }),
    ],
    [
      'GRU reset-after, relu + hardSigmoid, no bias',
      () =>
        gru({
          units: UNITS,
          returnSequences: true,
          activation: 'relu',
          recurrentActivation: 'hardSigmoid',
          useBias: false,
        }),
      () =>
        new GRUCell({ units: UNITS, activation: 'relu', recurrentActivation: 'hardSigmoid', useBias: false }),
    ],
    [
      'peephole LSTM',
      () => peepholeLSTM({ units: UNITS, returnSequences: true }),
      () => new PeepholeLSTMCell({ units: UNITS }),
    ],
    ['LSTM', () => lstm({ units: UNITS, returnSequences: true }), () => new LSTMCell({ units: UNITS })],
    [
      'SimpleRNN',
      () => simpleRNN({ units: UNITS, returnSequences: true }),
      () => new SimpleRNNCell({ units: UNITS }),
    ],
  ];
  it.each(cases)('%s (masked): outputs and gradients', (_name, fused, cell) => {
    const fusedModel = embeddedModel(fused(), { maskZero: true });
    const referenceModel = embeddedModel(perStepReference(cell(), { returnSequences: true }), {
      maskZero: true,
    });
    expectSameAsReference(fusedModel, referenceModel);
  });

  it('an activation the kernels cannot fuse runs the per-step path with the same result', () => {
    const swish = embeddedModel(lstm({ units: UNITS, activation: 'swish', returnSequences: true }), {
      maskZero: true,
    });
    const reference = embeddedModel(
      perStepReference(new LSTMCell({ units: UNITS, activation: 'swish' }), { returnSequences: true }),
      { maskZero: true },
    );
    reference.setWeights(swish.getWeights());
    const x = ids();
    expectTensorsClose(swish.predict(x) as tf.Tensor, reference.predict(x) as tf.Tensor, CLOSE);
  });
});

describe('Keras defaults and weight layout', () => {
  it('pins Keras defaults: sigmoid gates, unit forget bias, reset-after GRU, glorotUniform kernels', () => {
    const lstmConfig = lstm({ units: 4 }).getConfig();
    expect(lstmConfig.recurrentActivation).toBe('sigmoid');
    expect(lstmConfig.unitForgetBias).toBe(true);
    // tfjs serializes glorotUniform as the VarianceScaling it is, as Keras does.
    expect(lstmConfig.kernelInitializer).toEqual({
      className: 'VarianceScaling',
      config: { scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: null },
    });
    expect(lstmConfig.recurrentInitializer).toEqual({
      className: 'RnnkitOrthogonal',
      config: { gain: 1, seed: null },
    });
    const gruConfig = gru({ units: 4 }).getConfig();
    expect(gruConfig.resetAfter).toBe(true);
    expect(gruConfig.recurrentActivation).toBe('sigmoid');
  });

  it('initializes the LSTM forget-gate bias to one (unitForgetBias)', () => {
    const layer = lstm({ units: 3 });
    layer.build([null, 2, 4]);
    expect(Array.from(layer.getWeights()[2]!.dataSync())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('has Keras weight shapes and names (reset-after GRU bias is [2, 3·units])', () => {
    const layer = gru({ units: 100 });
    layer.build([null, 10, 256]);
    expect(layer.weights.map((weight) => weight.shape)).toEqual([
      [256, 300],
      [100, 300],
      [2, 300],
    ]);
    expect(layer.weights.map((weight) => weight.originalName.split('/').pop())).toEqual([
      'kernel',
      'recurrent_kernel',
      'bias',
    ]);
    const peephole = peepholeLSTM({ units: 3 });
    peephole.build([null, 2, 4]);
    expect(peephole.weights.map((weight) => weight.originalName.split('/').pop())).toEqual([
      'kernel',
      'recurrent_kernel',
      'bias',
      'input_gate_peephole_weights',
      'forget_gate_peephole_weights',
      'output_gate_peephole_weights',
    ]);
  });

  it('counts parameters like Keras: the Alice model (Embedding 90×256, GRU 100, Dense 90) has 139,530', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 90, outputDim: 256, inputLength: 100 }),
        gru({ units: 100, returnSequences: true }),
        tfl.layers.dense({ units: 90 }),
      ],
    });
    expect(model.countParams()).toBe(139_530);
  });
});

describe('dropout', () => {
  it('is off at inference: equals the same layer without dropout', () => {
    const withDropout = embeddedModel(lstm({ units: UNITS, dropout: 0.5, recurrentDropout: 0.5 }), {
      maskZero: true,
    });
    const without = embeddedModel(lstm({ units: UNITS }), { maskZero: true });
    without.setWeights(withDropout.getWeights());
    const x = ids();
    expectTensorsClose(withDropout.predict(x) as tf.Tensor, without.predict(x) as tf.Tensor, CLOSE);
  });

  it('changes training outputs, reproducibly with a seed', () => {
    const make = () =>
      embeddedModel(gru({ units: UNITS, dropout: 0.3, recurrentDropout: 0.3, seed: 7 }), { maskZero: false });
    const first = make();
    const second = make();
    second.setWeights(first.getWeights());
    const x = ids();
    const trainA = first.apply(x, { training: true }) as tf.Tensor;
    const trainB = second.apply(x, { training: true }) as tf.Tensor;
    expectTensorsClose(trainA, trainB, { rtol: 0, atol: 0 });
    const inference = first.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(trainA, inference))).dataSync()[0]).toBeGreaterThan(1e-3);
  });
});

describe('serialization', () => {
  it('saves and loads with stock tf.loadLayersModel (LSTM, reset-after GRU, Bidirectional, peephole)', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: VOCAB, outputDim: EMBED, inputLength: TIME, maskZero: true }),
        tfl.layers.bidirectional({
          layer: lstm({ units: UNITS, returnSequences: true }) as unknown as tfl.RNN,
        }),
        gru({ units: UNITS, returnSequences: true, goBackwards: true }),
        peepholeLSTM({ units: UNITS, returnSequences: true }),
        simpleRNN({ units: UNITS }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const topology = JSON.stringify(saved!.modelTopology);
    expect(topology).toContain('"class_name":"RnnkitGRU"');
    expect(topology).toContain('"reset_after":true');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.layers[1]!.getClassName()).toBe('Bidirectional');
    expect(loaded.layers[2]).toBeInstanceOf(GRU);
    expect(loaded.layers[3]!.getClassName()).toBe('RnnkitPeepholeLSTM');
    expect(loaded.layers[4]).toBeInstanceOf(SimpleRNN);
    const x = ids();
    expectTensorsClose(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, { rtol: 0, atol: 0 });
  });
});

describe('errors and leaks', () => {
  it('rejects a wrong initial state shape and a bad resetAfter with typed errors', () => {
    const layer = lstm({ units: UNITS });
    const x = tf.zeros([2, TIME, EMBED]);
    expectErrorCode(
      () => layer.apply(x, { initialState: [tf.zeros([2, UNITS + 1]), tf.zeros([2, UNITS])] }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    const invalid = 'RNN_MODELS_INVALID_OPTION';
    expectErrorCode(
      () => gru({ units: 2, resetAfter: 'yes' as unknown as boolean }),
      RnnModelsError,
      invalid,
    );
    expectErrorCode(() => lstm({ units: 2, seed: 1.5 }), RnnModelsError, invalid);
  });

  it('leaks no tensors across fit and predict loops', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: VOCAB, outputDim: EMBED, inputLength: TIME, maskZero: true }),
        tfl.layers.bidirectional({
          layer: gru({
            units: UNITS,
            returnSequences: true,
            dropout: 0.2,
            recurrentDropout: 0.2,
          }) as unknown as tfl.RNN,
        }),
        lstm({ units: UNITS }),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = ids();
    const y = tf.fill([BATCH, 1], 0.5);
    await model.fit(x, y, { epochs: 1, verbose: 0 }); // creates optimizer state
    await expectNoLeaks(async () => {
      await model.fit(x, y, { epochs: 3, verbose: 0 });
      tf.dispose(model.predict(x) as tf.Tensor);
    });
  });

  it.each([
    ['lstm', () => lstm({ units: 3 })],
    ['peepholeLSTM', () => peepholeLSTM({ units: 3 })],
    ['gru', () => gru({ units: 3 })],
    ['simpleRNN', () => simpleRNN({ units: 3 })],
  ])(
    '%s: building and disposing leaves no tensors (tfjs’ unitForgetBias initializer leaked 4)',
    (_name, make) => {
      const x = tf.zeros([1, 2, 4]);
      const before = tf.memory().numTensors;
      const layer = make();
      tf.dispose(layer.apply(x) as tf.Tensor);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    },
  );

  it('exposes instances of the registered classes', () => {
    expect(lstm({ units: 1 })).toBeInstanceOf(LSTM);
    expect(LSTM.className).toBe('RnnkitLSTM');
  });
});
