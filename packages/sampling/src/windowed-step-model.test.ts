import '@tensorflow/tfjs-backend-cpu';
import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SamplingError } from './errors.js';
import { generate } from './generate.js';
import {
  DEFAULT_WINDOWED_STEP_MODEL_OPTIONS,
  resolveWindowedStepModelOptions,
  type WindowedStepModelOptions,
  windowedStepModel,
} from './windowed-step-model.js';

const VOCAB = 7;
const LENGTH = 3;
const models: tfl.LayersModel[] = [];

function nextCharModel(activation: 'softmax' | 'linear', returnSequences = false): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.embedding({
        inputDim: VOCAB,
        outputDim: 3,
        inputLength: LENGTH,
        embeddingsInitializer: tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }),
      }),
      tfl.layers.lstm({
        units: 4,
        returnSequences,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        recurrentInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      }),
      tfl.layers.dense({
        units: VOCAB,
        activation,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
      }),
    ],
  });
  models.push(model);
  return model;
}

let probabilities: tfl.Sequential;

beforeAll(async () => {
  await tf.setBackend('cpu');
  probabilities = nextCharModel('softmax');
});

afterAll(() => {
  for (const model of models) model.dispose();
});

/** model.predict on hand-built windows `[rows, LENGTH]`. */
function predictWindows(model: tfl.LayersModel, windows: number[][]): tf.Tensor {
  return tf.tidy(() => model.predict(tf.tensor2d(windows, undefined, 'int32')) as tf.Tensor);
}

describe('resolveWindowedStepModelOptions', () => {
  it('pins the documented defaults and rejects bad options', () => {
    expect(DEFAULT_WINDOWED_STEP_MODEL_OPTIONS).toEqual({
      outputs: 'probabilities',
      padId: 0,
      vocabularySize: null,
    });
    expect(resolveWindowedStepModelOptions({ sequenceLength: 10 })).toEqual({
      sequenceLength: 10,
      outputs: 'probabilities',
      padId: 0,
      vocabularySize: null,
    });
    for (const bad of [
      {},
      { sequenceLength: 0 },
      { sequenceLength: 3, outputs: 'softmax' },
      { sequenceLength: 3, padId: -1 },
      { sequenceLength: 3, maxlen: 3 },
      { length: 3 },
      { sequenceLength: 3, padid: 0 },
    ]) {
      expectErrorCode(
        () => resolveWindowedStepModelOptions(bad as WindowedStepModelOptions),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      );
    }
    expectErrorCode(
      () => windowedStepModel({ predict: () => tf.scalar(0) }, { sequenceLength: 3 }),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
  });
});

describe('windowedStepModel', () => {
  it('equals model.predict on the pre-padded windows, step by step, with log-probabilities as logits', () => {
    const stepModel = windowedStepModel(probabilities, { sequenceLength: LENGTH, padId: 0 });
    expect(stepModel.vocabularySize).toBe(VOCAB);
    // two rows: 4, 2, 5, 1 and 3, 3, 6, 2
    const feeds = [
      [4, 3],
      [2, 3],
      [5, 6],
      [1, 2],
    ];
    const expectedWindows = [
      [
        [0, 0, 4],
        [0, 0, 3],
      ],
      [
        [0, 4, 2],
        [0, 3, 3],
      ],
      [
        [4, 2, 5],
        [3, 3, 6],
      ],
      [
        [2, 5, 1],
        [3, 6, 2],
      ],
    ];
    let state = stepModel.initialState(2);
    feeds.forEach((ids, t) => {
      const { logits, state: next } = stepModel.step(Int32Array.from(ids), state);
      expect([...next.windows]).toEqual(expectedWindows[t]!.flat());
      const expected = predictWindows(probabilities, expectedWindows[t]!);
      const back = tf.exp(logits);
      expectTensorsClose(back, expected, { rtol: 1e-5, atol: 1e-7 });
      expectTensorsClose(logits, tf.log(expected), { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([logits, expected, back]);
      state = next;
    });
  });

  it('passes logits through, and takes the last step of a sequence model', () => {
    const logitsModel = nextCharModel('linear');
    const stepModel = windowedStepModel(logitsModel, { sequenceLength: LENGTH, outputs: 'logits', padId: 6 });
    const { logits } = stepModel.step(Int32Array.of(2), stepModel.initialState(1));
    const expected = predictWindows(logitsModel, [[6, 6, 2]]);
    expectTensorsClose(logits, expected, { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([logits, expected]);

    const sequenceModel = nextCharModel('softmax', true);
    const sequenceStep = windowedStepModel(sequenceModel, { sequenceLength: LENGTH });
    const { logits: last } = sequenceStep.step(Int32Array.of(5), sequenceStep.initialState(1));
    const full = predictWindows(sequenceModel, [[0, 0, 5]]);
    const lastStep = tf.tidy(() => tf.log(tf.reshape(tf.slice(full, [0, 2, 0], [1, 1, VOCAB]), [1, VOCAB])));
    expectTensorsClose(last, lastStep, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([last, full, lastStep]);
  });

  it('gathers rows by index, and rejects mismatched ids and states', () => {
    const stepModel = windowedStepModel(probabilities, { sequenceLength: LENGTH });
    const state = { batchSize: 2, windows: Int32Array.of(1, 2, 3, 4, 5, 6) };
    expect([...stepModel.gatherState(state, Int32Array.of(1, 1, 0)).windows]).toEqual([
      4, 5, 6, 4, 5, 6, 1, 2, 3,
    ]);
    expectErrorCode(
      () => stepModel.gatherState(state, Int32Array.of(2)),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
    expectErrorCode(() => stepModel.step(Int32Array.of(1), state), SamplingError, 'SAMPLING_INVALID_INPUT');
    const fresh = stepModel.initialState(1);
    for (const ids of [[1.5], Int32Array.of(VOCAB), Int32Array.of(-1), null, 'a']) {
      expectErrorCode(() => stepModel.step(ids as never, fresh), SamplingError, 'SAMPLING_INVALID_INPUT');
    }
    expectErrorCode(
      () => windowedStepModel(probabilities, { sequenceLength: LENGTH, padId: VOCAB }),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
    const notATensor = windowedStepModel(
      { ...probabilities, predict: () => [[0, 1]] as never },
      {
        sequenceLength: LENGTH,
        vocabularySize: VOCAB,
      },
    );
    expectErrorCode(() => notATensor.step(Int32Array.of(1), fresh), SamplingError, 'SAMPLING_INVALID_INPUT');
    const wrongVocabulary = windowedStepModel(probabilities, { sequenceLength: LENGTH, vocabularySize: 9 });
    expectErrorCode(
      () => wrongVocabulary.step(Int32Array.of(1), wrongVocabulary.initialState(1)),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
  });

  it('drives generate: greedy equals argmax of predict over the sliding window; no leaks', async () => {
    const stepModel = windowedStepModel(probabilities, { sequenceLength: LENGTH });
    const result = await generate(stepModel, { prompt: [3, 1], temperature: 0, maxNewTokens: 6 });
    const window = [0, 3, 1];
    const expected: number[] = [];
    for (let i = 0; i < 6; i++) {
      const p = predictWindows(probabilities, [window]);
      const best = tf.argMax(p, -1);
      const id = (await best.data())[0]!;
      best.dispose();
      p.dispose();
      expected.push(id);
      window.shift();
      window.push(id);
    }
    expect(result.ids).toEqual(expected);
    await expectNoLeaks(() => generate(stepModel, { prompt: [3, 1], maxNewTokens: 50, batchSize: 2 }));
  });
});
