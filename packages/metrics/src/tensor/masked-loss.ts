import * as tf from '@tensorflow/tfjs-core';
import { check } from '../validate.js';
import { classIds, MIN_MASK_SUM, named, oneHotLike, type TensorMetric } from './tensor-metric.js';

/** Options of {@link maskedSparseCategoricalCrossentropy}. */
export interface MaskedLossOptions {
  /**
   * `true` when `yPred` holds logits (no softmax layer; Keras' `from_logits=True`, the TF
   * translation notebook's setting), `false` for probabilities (normalized to sum 1 and clipped
   * to [ε, 1 − ε], as Keras does).
   * @default false
   */
  readonly fromLogits?: boolean;
  /**
   * Target id of padding: positions whose label is `padId` count neither in the sum nor in the count.
   * @default 0
   */
  readonly padId?: number;
}

/** The documented defaults of {@link MaskedLossOptions}. */
export const DEFAULT_MASKED_LOSS_OPTIONS: Readonly<Required<MaskedLossOptions>> = Object.freeze({
  fromLogits: false,
  padId: 0,
});

/** Validates options and fills in the defaults (internal). */
export function resolveMaskedLossOptions(options: MaskedLossOptions = {}): Required<MaskedLossOptions> {
  const fn = 'maskedSparseCategoricalCrossentropy';
  const given = check.withDefaults(fn, options, DEFAULT_MASKED_LOSS_OPTIONS);
  return {
    fromLogits: check.boolean(fn, 'fromLogits', given.fromLogits),
    padId: check.integer(fn, 'padId', given.padId),
  };
}

/**
 * Sparse categorical cross-entropy averaged over non-padding positions only:
 * `Σ_{label ≠ padId} −log p(label) / #{label ≠ padId}` — the masked `loss_function` of the
 * TensorFlow "NMT with attention" tutorial (`reduce_sum(loss · mask) / reduce_sum(mask)`), so
 * padded steps neither add loss nor dilute the mean; an all-padding batch gives 0. Labels other
 * than `padId` outside `[0, classes)` contribute 0 (tfjs' one-hot of such an id is all zeros).
 *
 * Use it as `model.compile({ loss })` or `train(model, data, { loss })`. It returns a scalar, so
 * train() must not also get a `batch.mask` for it (the mask is built from the labels here).
 *
 * Ownership: `yTrue` `[batch, time]` or `[batch, time, 1]` class ids (int32 or float32), `yPred`
 * `[batch, time, classes]` float32, both owned by the caller; returns a new float32 scalar owned
 * by the caller.
 * @throws MetricsError `METRICS_INVALID_OPTION` for bad options (when called);
 *   `METRICS_SHAPE_MISMATCH` (from the returned function) when the shapes do not fit.
 * @example
 * model.compile({ optimizer: 'adam', loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }) });
 * const loss = maskedSparseCategoricalCrossentropy({ fromLogits: true, padId: 0 });
 * loss(tf.tensor2d([[3, 0]]), logits); // mean −log softmax over the first position only
 */
export function maskedSparseCategoricalCrossentropy(options: MaskedLossOptions = {}): TensorMetric {
  const { fromLogits, padId } = resolveMaskedLossOptions(options);
  const name = 'maskedSparseCategoricalCrossentropy';
  return named(
    name,
    (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar =>
      tf.tidy(() => {
        const ids = classIds(yTrue, yPred, name, 'sparse');
        const classes = yPred.shape[yPred.shape.length - 1]!;
        const pred = tf.cast(yPred, 'float32');
        let logProbabilities: tf.Tensor;
        if (fromLogits) {
          logProbabilities = tf.logSoftmax(pred);
        } else {
          const epsilon = tf.backend().epsilon();
          const normalized = tf.div(pred, tf.sum(pred, -1, true));
          logProbabilities = tf.log(tf.clipByValue(normalized, epsilon, 1 - epsilon));
        }
        const oneHot = oneHotLike(ids, classes, pred);
        const nll = tf.neg(tf.sum(tf.mul(oneHot, logProbabilities), -1));
        const mask = tf.cast(tf.notEqual(ids, padId), 'float32');
        return tf.div(tf.sum(tf.mul(nll, mask)), tf.maximum(tf.sum(mask), MIN_MASK_SUM)) as tf.Scalar;
      }),
  );
}
