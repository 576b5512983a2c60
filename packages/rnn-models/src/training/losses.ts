import * as tf from '@tensorflow/tfjs-core';
import { metrics as tflMetrics } from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { sparseCategoricalCrossentropy } from './sparse-crossentropy.js';

/**
 * A loss or metric: targets and predictions in, per-sample (`[batch]`), per-step
 * (`[batch, time]`) or already reduced (scalar) values out. The caller owns the inputs; the
 * function runs inside the training step's `tf.tidy`, so it need not dispose intermediates.
 */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** tfjs-layers' loss names (`model.compile({ loss })`). */
export type LossName =
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'meanAbsolutePercentageError'
  | 'meanSquaredLogarithmicError'
  | 'squaredHinge'
  | 'hinge'
  | 'categoricalHinge'
  | 'logcosh'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'binaryCrossentropy'
  | 'kullbackLeiblerDivergence'
  | 'poisson'
  | 'cosineProximity';

const epsilon = () => tf.backend().epsilon();
/** Floor of the mask sum, so an all-zero mask gives 0 / tiny = 0 instead of NaN. */
const MIN_MASK_SUM = 1e-30;

/**
 * tfjs-layers' losses by name. Those tfjs-layers exports (through `metrics`) are used as they
 * are; the rest are the same formulas (tfjs-layers `losses.ts`, not reachable from its package
 * root), checked against the functions a compiled model holds. All reduce over the last axis only.
 */
const LOSSES: Readonly<Record<LossName, LossFunction>> = {
  meanSquaredError: tflMetrics.meanSquaredError,
  meanAbsoluteError: tflMetrics.meanAbsoluteError,
  meanAbsolutePercentageError: tflMetrics.meanAbsolutePercentageError,
  meanSquaredLogarithmicError: (yTrue, yPred) =>
    tf.tidy(() => {
      const logPred = tf.log(tf.add(1, tf.clipByValue(yPred, epsilon(), Number.MAX_VALUE)));
      const logTrue = tf.log(tf.add(1, tf.clipByValue(yTrue, epsilon(), Number.MAX_VALUE)));
      return tf.mean(tf.square(tf.sub(logPred, logTrue)), -1);
    }),
  squaredHinge: (yTrue, yPred) =>
    tf.tidy(() => tf.mean(tf.square(tf.maximum(0, tf.sub(1, tf.mul(yTrue, yPred)))), -1)),
  hinge: (yTrue, yPred) => tf.tidy(() => tf.mean(tf.maximum(0, tf.sub(1, tf.mul(yTrue, yPred))), -1)),
  categoricalHinge: (yTrue, yPred) =>
    tf.tidy(() => {
      const positive = tf.sum(tf.mul(yTrue, yPred), -1);
      const negative = tf.max(tf.mul(tf.sub(1, yTrue), yPred), -1);
      return tf.maximum(0, tf.add(1, tf.sub(negative, positive)));
    }),
  logcosh: (yTrue, yPred) =>
    tf.tidy(() => {
      const diff = tf.sub(yPred, yTrue);
      return tf.mean(tf.sub(tf.add(diff, tf.softplus(tf.mul(-2, diff))), Math.log(2)), -1);
    }),
  categoricalCrossentropy: tflMetrics.categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  binaryCrossentropy: tflMetrics.binaryCrossentropy,
  kullbackLeiblerDivergence: (yTrue, yPred) =>
    tf.tidy(() => {
      const clippedTrue = tf.clipByValue(yTrue, epsilon(), 1);
      const clippedPred = tf.clipByValue(yPred, epsilon(), 1);
      return tf.sum(tf.mul(yTrue, tf.log(tf.div(clippedTrue, clippedPred))), -1);
    }),
  poisson: (yTrue, yPred) =>
    tf.tidy(() => tf.mean(tf.sub(yPred, tf.mul(yTrue, tf.log(tf.add(epsilon(), yPred)))), -1)),
  cosineProximity: tflMetrics.cosineProximity,
};

/** Every loss name {@link getLoss} accepts. */
export const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

/**
 * The tfjs-layers loss of that name (per-sample values, reduced over the last axis only).
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an unknown name.
 * @example
 * getLoss('sparseCategoricalCrossentropy')(ids, probabilities); // [batch] or [batch, time]
 */
export function getLoss(name: LossName): LossFunction {
  return LOSSES[validate.oneOf('getLoss', 'name', name, LOSS_NAMES)];
}

/**
 * Reduces per-sample or per-step values to their mean, weighted by `mask` when given:
 * `Σ(values · mask) / Σ mask` (0 when the mask is all zeros), so padded steps neither count nor
 * dilute the mean.
 *
 * Ownership: the caller owns both inputs and the returned scalar.
 * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` when `mask`'s shape differs from `values`'
 *   (a scalar value cannot be masked).
 * @example
 * weightedMean(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, 1, 0]]), 'the loss'); // 1.5
 */
export function weightedMean(values: tf.Tensor, mask: tf.Tensor | undefined, what: string): tf.Scalar {
  return tf.tidy(() => {
    const v = tf.cast(values, 'float32');
    if (mask === undefined) return tf.mean(v);
    if (!tf.util.arraysEqual(v.shape, mask.shape)) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `The batch mask has shape [${mask.shape.join(', ')}] but ${what} gives values of shape ` +
          `[${v.shape.join(', ')}]; they must be equal ([batch] per sample or [batch, time] per step). ` +
          'A loss or metric that returns a scalar cannot be masked: return per-sample values.',
      );
    }
    const m = tf.cast(mask, 'float32');
    // Not tf.divNoNan: its Equal op sits on the gradient path and has no gradient in tfjs.
    return tf.div(tf.sum(tf.mul(v, m)), tf.maximum(tf.sum(m), MIN_MASK_SUM));
  });
}
