import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';

/** Optimizers {@link train} can create by name, as tfjs-layers' `model.compile` does. */
export type OptimizerName = 'sgd' | 'adam' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax';

/** Learning rate of each named optimizer when none is given: tfjs-layers' `compile` defaults. */
export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerName, number>> = {
  sgd: 0.01,
  adam: 0.001,
  rmsprop: 0.001,
  adagrad: 0.01,
  adadelta: 1,
  adamax: 0.002,
};

/** The optimizer names, for validation messages. */
export const OPTIMIZER_NAMES = Object.keys(DEFAULT_LEARNING_RATES) as OptimizerName[];

/**
 * Creates a tfjs optimizer with the same hyper-parameters tfjs-layers' `compile({ optimizer: name })`
 * uses (epsilon from the backend), at `learningRate` or the name's default.
 * The caller owns (and disposes) it.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an unknown name.
 * @example
 * const adam = createOptimizer('adam');        // tf.train.adam(0.001, 0.9, 0.999, 1e-7)
 * const sgd = createOptimizer('sgd', 0.1);
 */
export function createOptimizer(name: OptimizerName, learningRate?: number): tf.Optimizer {
  const lr = learningRate ?? DEFAULT_LEARNING_RATES[name];
  const epsilon = tf.backend().epsilon();
  switch (name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9, 0, epsilon);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'adadelta':
      return tf.train.adadelta(lr, 0.95, epsilon);
    case 'adamax':
      return tf.train.adamax(lr, 0.9, 0.999, epsilon, 0);
    default: {
      const unknown: never = name;
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `Unknown optimizer ${JSON.stringify(unknown)}; use one of ${OPTIMIZER_NAMES.join(', ')} or a tf.train.* instance.`,
      );
    }
  }
}

interface WithLearningRate {
  learningRate?: unknown;
  setLearningRate?: (rate: number) => void;
}

/**
 * The learning rate a tfjs optimizer will use on its next update, or `undefined` for an optimizer
 * without a numeric `learningRate` field. Every tf.train optimizer keeps it there.
 * @example
 * getLearningRate(tf.train.adam(0.01)); // 0.01
 */
export function getLearningRate(optimizer: tf.Optimizer): number | undefined {
  const rate = (optimizer as unknown as WithLearningRate).learningRate;
  return typeof rate === 'number' ? rate : undefined;
}

/**
 * Sets the learning rate of a tfjs optimizer for its following updates. SGD and Momentum cache
 * `-learningRate` in a kept scalar that only their `setLearningRate` refreshes (assigning the
 * field alone would be ignored); Adam, Adamax, RMSProp, Adagrad and Adadelta read the
 * `learningRate` field in every `applyGradients`.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an optimizer without a numeric
 *   `learningRate` field (a custom class): its rate cannot be scheduled.
 * @example
 * setLearningRate(optimizer, 1e-4); // the next applyGradients uses 1e-4
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const target = optimizer as unknown as WithLearningRate;
  if (typeof target.setLearningRate === 'function') {
    target.setLearningRate(rate);
    return;
  }
  if (typeof target.learningRate !== 'number') {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `The optimizer ${optimizer.getClassName()} has no numeric learningRate field, so learningRate and ` +
        'learningRateSchedule cannot be applied to it. Use a tf.train.* optimizer or leave both options unset.',
    );
  }
  target.learningRate = rate;
}
