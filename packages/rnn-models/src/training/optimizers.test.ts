import { expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import {
  createOptimizer,
  DEFAULT_LEARNING_RATES,
  getLearningRate,
  OPTIMIZER_NAMES,
  setLearningRate,
} from './optimizers.js';

useCpuBackend();

/** Two updates of a fresh variable with a fixed gradient; returns its value. */
function twoUpdates(optimizer: tf.Optimizer, rates: [number, number] | null): number[] {
  const v = tf.variable(tf.tensor1d([1, -2]), true);
  const gradient = tf.tensor1d([0.5, -3]);
  for (const rate of rates ?? [null, null]) {
    if (rate !== null) setLearningRate(optimizer, rate);
    optimizer.applyGradients({ [v.name]: gradient });
  }
  const value = Array.from(v.dataSync());
  tf.dispose([v, gradient]);
  optimizer.dispose();
  return value;
}

const FACTORIES: Record<string, (lr: number) => tf.Optimizer> = {
  sgd: (lr) => tf.train.sgd(lr),
  momentum: (lr) => tf.train.momentum(lr, 0.9),
  adam: (lr) => tf.train.adam(lr),
  rmsprop: (lr) => tf.train.rmsprop(lr),
  adagrad: (lr) => tf.train.adagrad(lr),
  adadelta: (lr) => tf.train.adadelta(lr),
  adamax: (lr) => tf.train.adamax(lr),
};

describe('setLearningRate / getLearningRate', () => {
  for (const [name, make] of Object.entries(FACTORIES)) {
    it(`${name}: the rate set before an update is the rate that update uses`, () => {
      // Rates changed between updates equal an optimizer built with the first rate, then the second.
      const scheduled = twoUpdates(make(123), [0.1, 0.1]);
      const built = twoUpdates(make(0.1), null);
      expectTensorsClose(scheduled, built, { rtol: 1e-6 });
      // A rate of 0 freezes the variable.
      expect(twoUpdates(make(0.1), [0, 0])).toEqual([1, -2]);
      const optimizer = make(0.3);
      expect(getLearningRate(optimizer)).toBe(0.3);
      setLearningRate(optimizer, 0.05);
      expect(getLearningRate(optimizer)).toBe(0.05);
      optimizer.dispose();
    });
  }

  it('keeps SGD’s cached scalar count constant (old one disposed)', () => {
    const optimizer = tf.train.sgd(0.1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) setLearningRate(optimizer, i / 10);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
  });

  it('refuses an optimizer without a learningRate field', () => {
    const custom = Object.create(tf.train.sgd(0.1)) as tf.Optimizer;
    Object.defineProperty(custom, 'learningRate', { value: 'fast' });
    Object.defineProperty(custom, 'setLearningRate', { value: undefined });
    expect(getLearningRate(custom)).toBeUndefined();
    expect(() => setLearningRate(custom, 0.1)).toThrow(
      expect.objectContaining({ code: 'RNN_MODELS_INVALID_OPTION' }),
    );
  });
});

describe('createOptimizer', () => {
  it('builds each named optimizer with tfjs-layers’ compile defaults or the given rate', () => {
    expect(DEFAULT_LEARNING_RATES).toEqual({
      sgd: 0.01,
      adam: 0.001,
      rmsprop: 0.001,
      adagrad: 0.01,
      adadelta: 1,
      adamax: 0.002,
    });
    for (const name of OPTIMIZER_NAMES) {
      const byDefault = createOptimizer(name);
      const given = createOptimizer(name, 0.5);
      expect(byDefault.getClassName().toLowerCase()).toBe(name === 'rmsprop' ? 'rmsprop' : name);
      expect(getLearningRate(byDefault)).toBe(DEFAULT_LEARNING_RATES[name]);
      expect(getLearningRate(given)).toBe(0.5);
      byDefault.dispose();
      given.dispose();
    }
    expect(() => createOptimizer('nadam' as never)).toThrow(RnnModelsError);
  });
});
