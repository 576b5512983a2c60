import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CLOSE,
  classNames,
  expectLossFalls,
  STACK_DEFAULTS,
  useTemplate,
} from '../../test/template-support.js';
import { RnnModelsError } from '../errors.js';
import {
  DEFAULT_FORECASTER_OPTIONS,
  forecaster,
  predictAutoregressive,
  resolveForecasterOptions,
  type StepForecaster,
} from './forecaster.js';

const [FEATURES, STEPS] = [3, 8];
const DEFAULTS = { features: FEATURES, inputSteps: STEPS, units: 8, seed: 9 };
const { make, itRejectsEach, itRoundTrips, itLeaksNoTensors } = useTemplate(forecaster, DEFAULTS);

/** Smooth multi-feature series, `[batch, time, FEATURES]`: feature f of row b is sin(0.5·t + b + f). */
function series(batch: number, time: number, start = 0): tf.Tensor3D {
  const values: number[][][] = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: time }, (_, t) =>
      Array.from({ length: FEATURES }, (_, f) => Math.sin(0.5 * (t + start) + b + f)),
    ),
  );
  return tf.tensor3d(values);
}

/** A hand-made single-step model: the next value is the sum of the window's steps (Fibonacci for [1, 2]). */
const sumOfWindow: StepForecaster = {
  predict: (x) => tf.sum(x, 1, true),
};

describe('resolveForecasterOptions', () => {
  it('pins the documented defaults; outputFeatures defaults to features', () => {
    expect(DEFAULT_FORECASTER_OPTIONS).toEqual({
      cell: 'lstm',
      units: [32],
      ...STACK_DEFAULTS,
      seed: null,
      inputSteps: null,
      head: 'multiStep',
      outputSteps: 1,
      outputFeatures: null,
    });
    expect(resolveForecasterOptions({ features: 19 })).toEqual({
      ...DEFAULT_FORECASTER_OPTIONS,
      features: 19,
      outputFeatures: 19,
    });
  });

  itRejectsEach(
    [
      ['missing features', { features: undefined }],
      ['features 0', { features: 0 }],
      ['inputSteps 0', { inputSteps: 0 }],
      ['unknown head', { head: 'feedback' }],
      ['outputSteps 0', { outputSteps: 0 }],
      ['outputFeatures 0', { outputFeatures: 0 }],
      ['autoregressive with outputSteps 3', { head: 'autoregressive', outputSteps: 3 }],
      ['autoregressive with fewer outputFeatures', { head: 'autoregressive', outputFeatures: 1 }],
      ['unknown cell', { cell: 'tcn' }],
    ],
    { features: FEATURES },
    resolveForecasterOptions,
  );
});

describe('forecaster', () => {
  it("'multiStep': last state → Dense(outputSteps·outputFeatures) → Reshape [outputSteps, outputFeatures]", () => {
    const model = make({ outputSteps: 4, outputFeatures: 2 });
    expect(classNames(model)).toEqual(['RnnkitLSTM', 'Dense', 'Reshape']);
    expect(model.layers[1]!.getConfig().units).toBe(8);
    tf.tidy(() => {
      expect((model.predict(series(2, STEPS)) as tf.Tensor).shape).toEqual([2, 4, 2]);
    });
  });

  it("'autoregressive': one step of every feature", () => {
    const model = make({ head: 'autoregressive' });
    expect(model.outputs[0]!.shape).toEqual([null, 1, FEATURES]);
  });

  it('inputSteps null accepts windows of any length; the stack and head options apply', () => {
    const model = make({
      inputSteps: null,
      cell: 'gru',
      units: [6, 4],
      hiddenUnits: [5],
      hiddenActivation: 'tanh',
      batchNorm: true,
      layerDropout: 0.1,
      dropout: 0.1,
    });
    expect(classNames(model)).toEqual([
      'RnnkitGRU',
      'BatchNormalization',
      'Dropout',
      'RnnkitGRU',
      'BatchNormalization',
      'Dropout',
      'Dense',
      'BatchNormalization',
      'Dropout',
      'Dense',
      'Reshape',
    ]);
    expect(model.layers[6]!.getConfig()).toMatchObject({ units: 5, activation: 'tanh' });
    tf.tidy(() => {
      expect((model.predict(series(1, 5)) as tf.Tensor).shape).toEqual([1, 1, FEATURES]);
      expect((model.predict(series(1, 11)) as tf.Tensor).shape).toEqual([1, 1, FEATURES]);
    });
  });

  it('compiles and trains (multiStep, mean squared error): the loss falls', async () => {
    const model = make({ outputSteps: 4, units: 16 });
    const x = series(8, STEPS);
    const y = series(8, 4, STEPS);
    await expectLossFalls(model, [x, y], {
      loss: 'meanSquaredError',
      learningRate: 0.02,
      epochs: 15,
      below: 0.7,
    });
    tf.dispose([x, y]);
  });

  itRoundTrips({ outputSteps: 2, cell: 'simple', hiddenUnits: [4] }, () => series(2, STEPS));

  itLeaksNoTensors({ features: FEATURES, inputSteps: 4, cell: 'gru', units: 4 });
});

describe('predictAutoregressive', () => {
  it('slides the window over its own predictions (the sum-of-window model gives Fibonacci numbers)', () => {
    tf.tidy(() => {
      const window = tf.tensor3d([
        [[1], [2]],
        [[0], [1]],
      ]);
      const forecast = predictAutoregressive(sumOfWindow, window, 5);
      expect(forecast.shape).toEqual([2, 5, 1]);
      expect(forecast.arraySync()).toEqual([
        [[3], [5], [8], [13], [21]],
        [[1], [2], [3], [5], [8]],
      ]);
    });
  });

  it('equals feeding a forecaster step by step by hand', () => {
    const model = make({ head: 'autoregressive' });
    tf.tidy(() => {
      const window = series(2, STEPS);
      const forecast = predictAutoregressive(model, window, 3);
      let current: tf.Tensor = window;
      const expected: tf.Tensor[] = [];
      for (let i = 0; i < 3; i++) {
        const next = model.predict(current) as tf.Tensor;
        expected.push(next);
        current = tf.concat([tf.slice(current, [0, 1, 0], [-1, -1, -1]), next], 1);
      }
      expectTensorsClose(forecast, tf.concat(expected, 1), CLOSE);
    });
  });

  it('accepts models that return [batch, features]; steps 1', () => {
    const flat: StepForecaster = { predict: (x) => tf.sum(x, 1) };
    tf.tidy(() => {
      const forecast = predictAutoregressive(
        flat,
        tf.tensor3d([
          [
            [1, 10],
            [2, 20],
          ],
        ]),
        1,
      );
      expect(forecast.arraySync()).toEqual([[[3, 30]]]);
    });
  });

  it('neither disposes nor changes the window, and leaks nothing', async () => {
    const model = make({ head: 'autoregressive', cell: 'gru' });
    const window = series(2, STEPS);
    const before = Array.from(window.dataSync());
    await expectNoLeaks(() => predictAutoregressive(model, window, 4).dispose());
    await expectNoLeaks(() => predictAutoregressive(sumOfWindow, window, 1).dispose());
    expect(window.isDisposed).toBe(false);
    expect(Array.from(window.dataSync())).toEqual(before);
    window.dispose();
  });

  it('throws typed errors for bad steps, windows and model outputs, leaking nothing', async () => {
    const window = tf.tensor3d([[[1], [2]]]);
    const wide: StepForecaster = { predict: (x) => tf.concat([tf.sum(x, 1, true), tf.sum(x, 1, true)], 2) };
    await expectNoLeaks(() => {
      const invalid = (run: () => unknown) =>
        expectErrorCode(run, RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
      const mismatch = (run: () => unknown) =>
        expectErrorCode(run, RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH');
      invalid(() => predictAutoregressive(sumOfWindow, window, 0));
      invalid(() => predictAutoregressive(sumOfWindow, window, 2.5));
      const flatWindow = tf.tensor2d([[1, 2]]);
      mismatch(() => predictAutoregressive(sumOfWindow, flatWindow, 2));
      flatWindow.dispose();
      mismatch(() => predictAutoregressive(wide, window, 3));
    });
    window.dispose();
  });
});
