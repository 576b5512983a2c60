import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { saveAndLoad } from '../../test/template-support.js';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { gru, lstm, peepholeLSTM, simpleRNN } from '../layers/recurrent-layers.js';
import { languageModel } from '../templates/language-model.js';
import {
  DEFAULT_TO_STEP_MODEL_OPTIONS,
  type RnnStepModel,
  type RnnStepState,
  resolveToStepModelOptions,
  type ToStepModelOptions,
  toStepModel,
} from './step-model.js';

const [BATCH, TIME, VOCAB, EMBED, UNITS] = [3, 7, 11, 5, 6];
const CLOSE = { rtol: 1e-4, atol: 1e-6 };
const built: tfl.LayersModel[] = [];
const quiet: ToStepModelOptions = { onWarning: () => {} };

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

afterEach(() => {
  for (const model of built.splice(0)) model.dispose();
});

/**
 * `@rnnkit/sampling`'s `StepModel`, copied: rnn-models must satisfy it without importing
 * sampling (the assignment in the first test fails to compile if it drifts).
 */
interface SamplingStepModel<State = unknown> {
  readonly vocabularySize: number;
  initialState(batchSize: number): State;
  step(ids: Int32Array, state: State): { logits: tf.Tensor2D; state: State };
  gatherState(state: State, rows: Int32Array): State;
  disposeState(state: State): void;
}

/** Deterministic ids in 1 … VOCAB − 1, `[batch][time]`. */
function idRows(batch = BATCH, time = TIME, offset = 0): number[][] {
  return Array.from({ length: batch }, (_, b) =>
    Array.from({ length: time }, (_, t) => ((b * 5 + t * 3 + offset + ((b * t) % 4)) % (VOCAB - 1)) + 1),
  );
}

/** Every weight redrawn from a seeded uniform (moving variances positive), so no gate sits at its init. */
function randomizeWeights(model: tfl.LayersModel, seed: number): void {
  model.setWeights(
    model.weights.map((weight, index) =>
      tf.tidy(() =>
        weight.originalName.includes('moving_variance')
          ? tf.randomUniform(weight.shape as number[], 0.5, 1.5, 'float32', seed + index)
          : tf.randomUniform(weight.shape as number[], -0.7, 0.7, 'float32', seed + index),
      ),
    ),
  );
}

/** Embedding → `middle` → Dense(VOCAB, `activation`), weights randomized. */
function chain(
  middle: tfl.layers.Layer[],
  options: { activation?: 'softmax' | 'linear'; maskZero?: boolean; seed?: number } = {},
): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.embedding({
        inputDim: VOCAB,
        outputDim: EMBED,
        inputShape: [null],
        maskZero: options.maskZero ?? false,
      }),
      ...middle,
      tfl.layers.dense({ units: VOCAB, activation: options.activation ?? 'softmax' }),
    ],
  });
  randomizeWeights(model, options.seed ?? 11);
  built.push(model);
  return model;
}

/** Feeds `rows` column by column from zero states; returns each step's logits `[batch, vocab]` as arrays. */
function stepAll(stepModel: RnnStepModel, rows: number[][]): Float32Array[] {
  let state = stepModel.initialState(rows.length);
  const outputs: Float32Array[] = [];
  for (let t = 0; t < rows[0]!.length; t++) {
    const { logits, state: next } = stepModel.step(
      Int32Array.from(rows, (row) => row[t]!),
      state,
    );
    stepModel.disposeState(state);
    state = next;
    outputs.push(logits.dataSync() as Float32Array);
    logits.dispose();
  }
  stepModel.disposeState(state);
  return outputs;
}

function softmaxRows(logits: Float32Array, batch: number): Float32Array {
  return tf.tidy(
    () => tf.softmax(tf.tensor2d(logits, [batch, logits.length / batch])).dataSync() as Float32Array,
  );
}

/** `model.predict` of the whole sequence, `[batch, time, vocab]`, as step slices `[batch, vocab]`. */
function predictSteps(model: tfl.LayersModel, rows: number[][]): Float32Array[] {
  return tf.tidy(() => {
    const full = model.predict(tf.tensor2d(rows, undefined, 'int32')) as tf.Tensor3D;
    return tf.unstack(full, 1).map((slice) => slice.dataSync() as Float32Array);
  });
}

/** Step outputs equal `predict` at every position (softmax of the logits for softmax models). */
function expectStepsMatchPredict(model: tfl.LayersModel, rows: number[][], softmax: boolean): void {
  const stepped = stepAll(toStepModel(model, quiet), rows);
  const predicted = predictSteps(model, rows);
  expect(stepped).toHaveLength(predicted.length);
  for (const [t, logits] of stepped.entries()) {
    expectTensorsClose(softmax ? softmaxRows(logits, rows.length) : logits, predicted[t]!, CLOSE);
  }
}

const seq = { returnSequences: true } as const;

const cases: [string, () => tfl.layers.Layer[]][] = [
  ['rnnkit LSTM', () => [lstm({ units: UNITS, ...seq })]],
  ['rnnkit GRU, reset-after', () => [gru({ units: UNITS, ...seq })]],
  ['rnnkit GRU, reset-before', () => [gru({ units: UNITS, resetAfter: false, ...seq })]],
  ['rnnkit SimpleRNN', () => [simpleRNN({ units: UNITS, ...seq })]],
  ['rnnkit SimpleRNN, relu', () => [simpleRNN({ units: UNITS, activation: 'relu', ...seq })]],
  ['rnnkit PeepholeLSTM', () => [peepholeLSTM({ units: UNITS, ...seq })]],
  [
    'rnnkit LSTM without bias, hardSigmoid gates',
    () => [lstm({ units: UNITS, useBias: false, recurrentActivation: 'hardSigmoid', ...seq })],
  ],
  ['rnnkit GRU without bias', () => [gru({ units: UNITS, useBias: false, ...seq })]],
  ['rnnkit GRU, selu candidate (per-step path)', () => [gru({ units: UNITS, activation: 'selu', ...seq })]],
  ['stock tfjs LSTM (hardSigmoid default)', () => [tfl.layers.lstm({ units: UNITS, ...seq })]],
  ['stock tfjs GRU (hardSigmoid default)', () => [tfl.layers.gru({ units: UNITS, ...seq })]],
  ['stock tfjs SimpleRNN', () => [tfl.layers.simpleRNN({ units: UNITS, ...seq })]],
  [
    'tf.layers.rnn over a stock LSTMCell',
    () => [tfl.layers.rnn({ cell: tfl.layers.lstmCell({ units: UNITS }), ...seq })],
  ],
  [
    'two layers with Dropout, BatchNormalization and a TimeDistributed Dense head',
    () => [
      lstm({ units: UNITS, dropout: 0.3, recurrentDropout: 0.3, ...seq }),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.batchNormalization(),
      tfl.layers.gru({ units: 4, recurrentActivation: 'sigmoid', ...seq }),
      tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 8, activation: 'relu' }) }),
      tfl.layers.dense({ units: 7, activation: 'tanh' }),
      tfl.layers.layerNormalization(),
      tfl.layers.activation({ activation: 'swish' }),
      tfl.layers.spatialDropout1d({ rate: 0.2 }),
    ],
  ],
];

describe('toStepModel', () => {
  it('satisfies @rnnkit/sampling’s StepModel and describes its state', () => {
    const model = chain([lstm({ units: UNITS, ...seq }), gru({ units: 4, ...seq })]);
    const stepModel: SamplingStepModel<RnnStepState> = toStepModel(model, quiet);
    expect(stepModel.vocabularySize).toBe(VOCAB);
    const full = toStepModel(model, quiet);
    expect(full.inputVocabularySize).toBe(VOCAB);
    expect(full.maskZero).toBe(false);
    expect(full.stateLayout.map(({ kind, units, stateCount }) => [kind, units, stateCount])).toEqual([
      ['lstm', UNITS, 2],
      ['gru', 4, 1],
    ]);
    const state = full.initialState(2);
    expect(state.batchSize).toBe(2);
    expect(state.layers.map((tensors) => tensors.map((t) => t.shape))).toEqual([
      [
        [2, UNITS],
        [2, UNITS],
      ],
      [[2, 4]],
    ]);
    expect(
      state.layers.flat().every((t) => t.dtype === 'float32' && t.dataSync().every((v) => v === 0)),
    ).toBe(true);
    full.disposeState(state);
  });

  describe.each(cases)('%s', (_name, middle) => {
    it('equals softmax of predict at every position of a batch, with softmax output', () => {
      expectStepsMatchPredict(chain(middle()), idRows(), true);
    });

    it('returns the output itself for a linear (logits) output', () => {
      expectStepsMatchPredict(
        chain(middle(), { activation: 'linear', seed: 29 }),
        idRows(BATCH, TIME, 4),
        false,
      );
    });
  });

  it('handles languageModel templates: logits, softmax, a hidden head with BatchNormalization and Dropout', () => {
    for (const options of [
      { logits: true, cell: 'gru' as const },
      { logits: false, cell: 'simple' as const, units: [6, 5] },
      {
        cell: 'lstm' as const,
        units: [6, 4],
        batchNorm: true,
        layerDropout: 0.2,
        hiddenUnits: [5],
        logits: true,
      },
    ]) {
      const model = languageModel({
        vocabularySize: VOCAB,
        embeddingDim: EMBED,
        units: 6,
        seed: 3,
        ...options,
      });
      built.push(model);
      randomizeWeights(model, 5);
      expectStepsMatchPredict(model, idRows(2), !options.logits);
    }
  });

  it('steps a model reloaded from its saved artifacts (registered rnnkit classes)', async () => {
    const model = chain([
      peepholeLSTM({ units: UNITS, ...seq }),
      gru({ units: 4, resetAfter: false, ...seq }),
    ]);
    const loaded = await saveAndLoad(model);
    built.push(loaded);
    const rows = idRows(2);
    const fromLoaded = stepAll(toStepModel(loaded, quiet), rows);
    const predicted = predictSteps(model, rows);
    for (const [t, logits] of fromLoaded.entries())
      expectTensorsClose(softmaxRows(logits, 2), predicted[t]!, CLOSE);
  });

  it('steps a model without recurrent layers (an empty state)', () => {
    const model = chain([tfl.layers.dense({ units: 4, activation: 'relu' })]);
    const stepModel = toStepModel(model, quiet);
    expect(stepModel.stateLayout).toEqual([]);
    const initial = stepModel.initialState(2);
    const state = stepModel.gatherState(initial, Int32Array.of(0, 1, 1));
    expect(state.batchSize).toBe(3);
    for (const s of [initial, state]) stepModel.disposeState(s);
    expectStepsMatchPredict(model, idRows(3, 3), true);
  });

  it('reads logits before a trailing softmax Activation layer', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: VOCAB, outputDim: EMBED, inputShape: [null] }),
        lstm({ units: UNITS, ...seq }),
        tfl.layers.dense({ units: VOCAB }),
        tfl.layers.activation({ activation: 'softmax' }),
      ],
    });
    built.push(model);
    randomizeWeights(model, 8);
    expectStepsMatchPredict(model, idRows(), true);
  });

  it('keeps the state of padding rows (id 0) under maskZero, as predict does', () => {
    const rows = idRows(3, TIME);
    rows[0]![2] = 0;
    rows[1]![0] = 0;
    rows[1]![1] = 0;
    rows[2]![TIME - 1] = 0;
    const model = chain(
      [
        lstm({ units: UNITS, ...seq }),
        tfl.layers.dropout({ rate: 0.1 }),
        tfl.layers.gru({ units: 4, ...seq }),
      ],
      {
        maskZero: true,
      },
    );
    const stepModel = toStepModel(model, quiet);
    expect(stepModel.maskZero).toBe(true);
    expectStepsMatchPredict(model, rows, true);
  });

  it('steps a next-mode (many-to-one) model like predict on each prefix, and warns about fixed windows', () => {
    const model = languageModel({
      vocabularySize: VOCAB,
      embeddingDim: EMBED,
      units: [6, 5],
      mode: 'next',
      seed: 2,
    });
    built.push(model);
    randomizeWeights(model, 13);
    const warnings: string[] = [];
    const stepModel = toStepModel(model, { onWarning: (message) => warnings.push(message) });
    expect(warnings).toHaveLength(1);
    const rows = idRows(2, 5);
    const stepped = stepAll(stepModel, rows);
    for (let length = 1; length <= 5; length++) {
      const prefix = rows.map((row) => row.slice(0, length));
      const predicted = tf.tidy(
        () =>
          (model.predict(tf.tensor2d(prefix, undefined, 'int32')) as tf.Tensor).dataSync() as Float32Array,
      );
      expectTensorsClose(softmaxRows(stepped[length - 1]!, 2), predicted, CLOSE);
    }
    const shifted = chain([lstm({ units: UNITS, ...seq })]);
    toStepModel(shifted, { onWarning: (message) => warnings.push(message) });
    expect(warnings).toHaveLength(1);
  });

  it('steps a stateful model like predict over consecutive chunks, leaving the layers’ states alone', () => {
    const model = languageModel({
      vocabularySize: VOCAB,
      embeddingDim: EMBED,
      units: 6,
      stateful: true,
      batchSize: 2,
      seed: 4,
    });
    built.push(model);
    randomizeWeights(model, 17);
    const rows = idRows(2, 6);
    const chunks = [rows.map((row) => row.slice(0, 3)), rows.map((row) => row.slice(3))];
    const predicted = chunks.flatMap((chunk) => predictSteps(model, chunk));
    model.resetStates();
    const stepModel = toStepModel(model, quiet);
    const stepped = stepAll(stepModel, rows);
    for (const [t, logits] of stepped.entries())
      expectTensorsClose(softmaxRows(logits, 2), predicted[t]!, CLOSE);
    // The layers still start from zeros: predict reproduces the first chunk.
    const again = predictSteps(model, chunks[0]!);
    for (const [t, probabilities] of again.entries()) expectTensorsClose(probabilities, predicted[t]!, CLOSE);
    // Any batch size, unlike the stateful model's fixed 2.
    expect(stepAll(stepModel, idRows(5, 2))).toHaveLength(2);
  });

  it('gatherState reorders and expands rows (beam reordering)', () => {
    const model = chain([lstm({ units: UNITS, ...seq }), gru({ units: 4, ...seq })], {
      activation: 'linear',
    });
    const stepModel = toStepModel(model, quiet);
    const rows = idRows(3, 4);
    let state = stepModel.initialState(3);
    for (let t = 0; t < 3; t++) {
      const out = stepModel.step(
        Int32Array.from(rows, (row) => row[t]!),
        state,
      );
      stepModel.disposeState(state);
      out.logits.dispose();
      state = out.state;
    }
    const order = Int32Array.of(2, 0, 0, 1);
    const gathered = stepModel.gatherState(state, order);
    expect(gathered.batchSize).toBe(4);
    const nextIds = Int32Array.of(1, 2, 3, 4);
    const { logits, state: after } = stepModel.step(nextIds, gathered);
    const expectedRows = Array.from(order, (parent, i) => [...rows[parent]!.slice(0, 3), nextIds[i]!]);
    const predicted = predictSteps(model, expectedRows);
    expectTensorsClose(logits, predicted[3]!, CLOSE);
    // The source state is untouched and still usable.
    expect(state.layers.flat().every((t) => !t.isDisposed)).toBe(true);
    for (const s of [state, gathered, after]) stepModel.disposeState(s);
    logits.dispose();
  });

  it('shares the weights: training further changes the next step, with no stale cache', async () => {
    const model = chain([gru({ units: UNITS, ...seq })], { activation: 'linear' });
    const stepModel = toStepModel(model, quiet);
    const rows = idRows(2, 4);
    const before = stepAll(stepModel, rows);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const x = tf.tensor2d(rows, undefined, 'int32');
    const y = tf.zeros([2, 4, VOCAB]);
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    tf.dispose([x, y]);
    const after = stepAll(stepModel, rows);
    expect(Math.abs(after[3]![0]! - before[3]![0]!)).toBeGreaterThan(1e-3);
    const predicted = predictSteps(model, rows);
    for (const [t, logits] of after.entries()) expectTensorsClose(logits, predicted[t]!, CLOSE);
  });

  it('leaves no tensors behind over 1,000 steps when the caller disposes old states', async () => {
    const model = chain(
      [lstm({ units: UNITS, ...seq }), tfl.layers.batchNormalization(), gru({ units: 4, ...seq })],
      {
        maskZero: true,
      },
    );
    const stepModel = toStepModel(model, quiet);
    const run = () => {
      let state = stepModel.initialState(2);
      for (let t = 0; t < 500; t++) {
        // Every 7th step pads row 1, to run the masked path too.
        const { logits, state: next } = stepModel.step(
          Int32Array.of((t % (VOCAB - 1)) + 1, t % 7 === 0 ? 0 : 3),
          state,
        );
        stepModel.disposeState(state);
        logits.dispose();
        state = next;
      }
      const gathered = stepModel.gatherState(state, Int32Array.of(1, 1, 0));
      stepModel.disposeState(state);
      stepModel.disposeState(gathered);
      stepModel.disposeState(gathered); // twice is harmless
    };
    await expectNoLeaks(run, { warmupRuns: 1, runs: 2 });
  });

  it('keeps returned states alive inside a caller’s tf.tidy (logits are the caller’s to track)', () => {
    const stepModel = toStepModel(chain([lstm({ units: UNITS, ...seq })]), quiet);
    const initial = stepModel.initialState(1);
    const before = tf.memory().numTensors;
    let state: RnnStepState | undefined;
    tf.tidy(() => {
      state = stepModel.step(Int32Array.of(3), initial).state;
    });
    // The logits went with the tidy; the two state tensors (h, c) did not.
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(state!.layers.flat().every((t) => !t.isDisposed)).toBe(true);
    stepModel.disposeState(initial);
    stepModel.disposeState(state!);
  });

  it('equals the cpu backend on wasm', async () => {
    const model = chain(
      [lstm({ units: UNITS, ...seq }), tfl.layers.batchNormalization(), tfl.layers.gru({ units: 4, ...seq })],
      {
        activation: 'linear',
      },
    );
    const rows = idRows(2, 5);
    const onCpu = stepAll(toStepModel(model, quiet), rows);
    try {
      expect(await initBackend({ backend: 'wasm', fallbackToCpu: false })).toBe('wasm');
      const stepModel = toStepModel(model, quiet);
      const onWasm = stepAll(stepModel, rows);
      for (const [t, logits] of onWasm.entries()) expectTensorsClose(logits, onCpu[t]!, CLOSE);
      await expectNoLeaks(() => stepAll(stepModel, rows));
    } finally {
      await initBackend({ backend: 'cpu' });
    }
  });
});

/** Embedding → LSTM → `tail`, weights as initialized (the error cases below never run it). */
function embeddedLstm(...tail: tfl.layers.Layer[]): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: EMBED, inputShape: [null] }),
      lstm({ units: UNITS, ...seq }),
      ...tail,
    ],
  });
  built.push(model);
  return model;
}

describe('toStepModel errors', () => {
  const unsupported: [string, () => tfl.LayersModel][] = [
    [
      'a Bidirectional layer',
      () =>
        chain([
          tfl.layers.bidirectional({
            layer: lstm({ units: UNITS, ...seq }) as unknown as tfl.RNN,
            mergeMode: 'concat',
          }),
        ]),
    ],
    ['a goBackwards layer', () => chain([lstm({ units: UNITS, goBackwards: true, ...seq })])],
    [
      'a branching model (two recurrent layers added)',
      () => {
        const input = tfl.input({ shape: [null], dtype: 'int32' });
        const embedded = tfl.layers
          .embedding({ inputDim: VOCAB, outputDim: EMBED })
          .apply(input) as tfl.SymbolicTensor;
        const a = lstm({ units: UNITS, ...seq }).apply(embedded) as tfl.SymbolicTensor;
        const b = gru({ units: UNITS, ...seq }).apply(embedded) as tfl.SymbolicTensor;
        const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
        const output = tfl.layers.dense({ units: VOCAB }).apply(sum) as tfl.SymbolicTensor;
        const model = tfl.model({ inputs: input, outputs: output });
        built.push(model);
        return model;
      },
    ],
    [
      'a first layer that is not an Embedding',
      () => {
        const model = tfl.sequential({
          layers: [lstm({ units: UNITS, inputShape: [null, 3], ...seq }), tfl.layers.dense({ units: VOCAB })],
        });
        built.push(model);
        return model;
      },
    ],
    ['a Masking layer', () => chain([tfl.layers.masking({ maskValue: 0 }), lstm({ units: UNITS, ...seq })])],
    [
      'an unknown layer (Conv1D)',
      () => chain([tfl.layers.conv1d({ filters: 4, kernelSize: 2 }), lstm({ units: UNITS, ...seq })]),
    ],
    [
      'a layer after the output Dense',
      () => embeddedLstm(tfl.layers.dense({ units: VOCAB }), tfl.layers.batchNormalization()),
    ],
    ['a sigmoid output', () => embeddedLstm(tfl.layers.dense({ units: VOCAB, activation: 'sigmoid' }))],
    [
      'stacked cells in one RNN',
      () =>
        chain([
          tfl.layers.rnn({
            cell: [tfl.layers.lstmCell({ units: UNITS }), tfl.layers.gruCell({ units: UNITS })],
            ...seq,
          }),
        ]),
    ],
    [
      'an unbuilt model',
      () => {
        const model = tfl.sequential({
          layers: [tfl.layers.embedding({ inputDim: VOCAB, outputDim: EMBED })],
        });
        built.push(model);
        return model;
      },
    ],
  ];
  it.each(unsupported)('rejects %s with RNN_MODELS_UNSUPPORTED_MODEL', (_name, make) => {
    const model = make();
    expectErrorCode(() => toStepModel(model, quiet), RnnModelsError, 'RNN_MODELS_UNSUPPORTED_MODEL');
  });

  it('names the Bidirectional layer and says why', () => {
    const model = chain([
      tfl.layers.bidirectional({
        layer: lstm({ units: UNITS, ...seq }) as unknown as tfl.RNN,
        name: 'both_ways',
      }),
    ]);
    const error = expectErrorCode(
      () => toStepModel(model, quiet),
      RnnModelsError,
      'RNN_MODELS_UNSUPPORTED_MODEL',
    );
    expect(error.message).toContain('both_ways');
  });

  it('rejects bad step, initialState and gatherState arguments', () => {
    const stepModel = toStepModel(chain([lstm({ units: UNITS, ...seq })]), quiet);
    const other = toStepModel(chain([gru({ units: 4, ...seq })]), quiet);
    const state = stepModel.initialState(2);
    expectErrorCode(() => stepModel.initialState(0), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    expectErrorCode(() => stepModel.initialState(1.5), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    expectErrorCode(
      () => stepModel.step(Int32Array.of(1), state),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expectErrorCode(
      () => stepModel.step(Int32Array.of(1, VOCAB), state),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(
      () => stepModel.step(Int32Array.of(-1, 2), state),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    const foreign = other.initialState(2);
    expectErrorCode(
      () => stepModel.step(Int32Array.of(1, 2), foreign),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    other.disposeState(foreign);
    expectErrorCode(
      () => stepModel.gatherState(state, Int32Array.of(0, 2)),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(
      () => stepModel.gatherState(state, new Int32Array(0)),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    stepModel.disposeState(state);
    expectErrorCode(
      () => stepModel.step(Int32Array.of(1, 2), state),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
  });

  it('rejects bad options and non-models with RNN_MODELS_INVALID_OPTION', () => {
    const model = chain([lstm({ units: UNITS, ...seq })]);
    expectErrorCode(
      () => toStepModel(model, { onWarning: 'loud' as unknown as () => void }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(
      () => toStepModel(model, null as unknown as ToStepModelOptions),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(() => toStepModel({} as tfl.LayersModel), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
  });
});

describe('resolveToStepModelOptions', () => {
  it('pins the documented defaults: warnings go to process.emitWarning', () => {
    expect(Object.keys(DEFAULT_TO_STEP_MODEL_OPTIONS)).toEqual(['onWarning']);
    expect(Object.isFrozen(DEFAULT_TO_STEP_MODEL_OPTIONS)).toBe(true);
    expect(resolveToStepModelOptions({})).toEqual(DEFAULT_TO_STEP_MODEL_OPTIONS);
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      DEFAULT_TO_STEP_MODEL_OPTIONS.onWarning('careful');
      expect(emit).toHaveBeenCalledWith('careful');
    } finally {
      emit.mockRestore();
    }
    const onWarning = () => {};
    expect(resolveToStepModelOptions({ onWarning }).onWarning).toBe(onWarning);
  });
});
