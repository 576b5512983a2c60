import * as tf from '@tensorflow/tfjs-core';
import { MetricsError } from '../errors.js';
import { check } from '../validate.js';
import {
  checkTensors,
  classIds,
  MIN_MASK_SUM,
  named,
  oneHotLike,
  type TensorMetric,
} from './tensor-metric.js';

/** Options of {@link maskedAccuracy}. */
export interface MaskedAccuracyOptions {
  /**
   * Target id of padding: positions whose *label* is `padId` are left out.
   * @default 0
   */
  readonly padId?: number;
}

/** The documented defaults of {@link MaskedAccuracyOptions}. */
export const DEFAULT_MASKED_ACCURACY_OPTIONS: Readonly<Required<MaskedAccuracyOptions>> = Object.freeze({
  padId: 0,
});

/** Validates options and fills in the defaults (internal). */
export function resolveMaskedAccuracyOptions(
  options: MaskedAccuracyOptions = {},
): Required<MaskedAccuracyOptions> {
  const { padId } = check.withDefaults('maskedAccuracy', options, DEFAULT_MASKED_ACCURACY_OPTIONS);
  return { padId: check.integer('maskedAccuracy', 'padId', padId) };
}

/**
 * Accuracy over the positions whose **label** is not padding:
 * `#{argmax(yPred) = label ∧ label ≠ padId} / #{label ≠ padId}` (0 for an all-padding batch).
 *
 * The Keras POS-tagging notebook's `ignore_class_accuracy` masks on the **prediction** instead
 * (it drops positions where `argmax(y_pred)` is the pad class). That silently drops real tokens
 * the model wrongly tags as padding — the errors it is most likely to make early on — and so
 * overstates accuracy (e.g. labels `[1, 2, 3, 0, 0]`, predictions `[1, 0, 0, 0, 0]`: 1/3 here,
 * 1/1 = 100 % there). This is the correct one.
 *
 * Ownership: `yTrue` class ids `[batch, time]` / `[batch, time, 1]` or one-hot
 * `[batch, time, classes]`, `yPred` scores `[batch, time, classes]`, owned by the caller;
 * returns a new float32 scalar owned by the caller.
 * @throws MetricsError `METRICS_INVALID_OPTION` for a non-integer padId (when called);
 *   `METRICS_SHAPE_MISMATCH` (from the returned function) when the shapes do not fit.
 * @example
 * model.compile({ optimizer: 'adam', loss, metrics: [maskedAccuracy({ padId: 0 })] }); // logs 'maskedAccuracy'
 */
export function maskedAccuracy(options: MaskedAccuracyOptions = {}): TensorMetric {
  const { padId } = resolveMaskedAccuracyOptions(options);
  const name = 'maskedAccuracy';
  return named(
    name,
    (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar =>
      tf.tidy(() => {
        const ids = classIds(yTrue, yPred, name, 'both');
        const mask = tf.notEqual(ids, padId);
        const correct = tf.logicalAnd(tf.equal(tf.argMax(yPred, -1), ids), mask);
        return tf.div(
          tf.sum(tf.cast(correct, 'float32')),
          tf.maximum(tf.sum(tf.cast(mask, 'float32')), MIN_MASK_SUM),
        ) as tf.Scalar;
      }),
  );
}

/**
 * Per-position accuracy against class ids, as Keras' `sparse_categorical_accuracy`: 1 where
 * `argmax(yPred) = yTrue`, else 0, float32 of shape `yPred.shape[:-1]` (train() and compile()
 * average it; train() weights it by `batch.mask`).
 *
 * Ownership: inputs owned by the caller (`yTrue` `[…]` or `[…, 1]` ids, `yPred` `[…, classes]`);
 * returns a new tensor owned by the caller.
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` (from the returned function).
 * @example train(model, data, { loss, metrics: [sparseCategoricalAccuracy()] });
 */
export function sparseCategoricalAccuracy(): TensorMetric {
  const name = 'sparseCategoricalAccuracy';
  return named(name, (yTrue, yPred) =>
    tf.tidy(() => tf.cast(tf.equal(tf.argMax(yPred, -1), classIds(yTrue, yPred, name, 'sparse')), 'float32')),
  );
}

/**
 * Per-sample accuracy against one-hot targets, as Keras' `categorical_accuracy`: 1 where
 * `argmax(yPred) = argmax(yTrue)`, float32 of shape `yPred.shape[:-1]`.
 *
 * Ownership: inputs `[…, classes]` owned by the caller; returns a new tensor owned by the caller.
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` (from the returned function).
 * @example categoricalAccuracy()(tf.tensor2d([[0, 1]]), tf.tensor2d([[0.2, 0.8]])); // [1]
 */
export function categoricalAccuracy(): TensorMetric {
  const name = 'categoricalAccuracy';
  return named(name, (yTrue, yPred) =>
    tf.tidy(() =>
      tf.cast(tf.equal(tf.argMax(yPred, -1), classIds(yTrue, yPred, name, 'one-hot')), 'float32'),
    ),
  );
}

/** Options of {@link binaryAccuracy}. */
export interface BinaryAccuracyOptions {
  /**
   * A prediction above the threshold is class 1 (Keras: `y_pred > threshold`).
   * @default 0.5 (use 0 for logits)
   */
  readonly threshold?: number;
}

/** The documented defaults of {@link BinaryAccuracyOptions}. */
export const DEFAULT_BINARY_ACCURACY_OPTIONS: Readonly<Required<BinaryAccuracyOptions>> = Object.freeze({
  threshold: 0.5,
});

/** Validates options and fills in the defaults (internal). */
export function resolveBinaryAccuracyOptions(
  options: BinaryAccuracyOptions = {},
): Required<BinaryAccuracyOptions> {
  const { threshold } = check.withDefaults('binaryAccuracy', options, DEFAULT_BINARY_ACCURACY_OPTIONS);
  return { threshold: check.number('binaryAccuracy', 'threshold', threshold) };
}

/**
 * Keras' `binary_accuracy`: `mean(yTrue == (yPred > threshold))` over the last axis, float32 of
 * shape `yPred.shape[:-1]` (per sample for `[batch, 1]` outputs).
 *
 * Ownership: `yTrue` 0/1 and `yPred` of the same shape, owned by the caller; returns a new
 * tensor owned by the caller.
 * @throws MetricsError `METRICS_INVALID_OPTION` for a bad threshold (when called);
 *   `METRICS_SHAPE_MISMATCH` (from the returned function) when the shapes differ.
 * @example binaryAccuracy()(tf.tensor2d([[1], [0]]), tf.tensor2d([[0.7], [0.6]])); // [1, 0]
 */
export function binaryAccuracy(options: BinaryAccuracyOptions = {}): TensorMetric {
  const { threshold } = resolveBinaryAccuracyOptions(options);
  const name = 'binaryAccuracy';
  return named(name, (yTrue, yPred) =>
    tf.tidy(() => {
      checkTensors(name, yTrue, yPred);
      if (!tf.util.arraysEqual(yTrue.shape, yPred.shape)) {
        throw new MetricsError(
          'METRICS_SHAPE_MISMATCH',
          `${name}: yTrue has shape [${yTrue.shape.join(', ')}] but yPred [${yPred.shape.join(', ')}]; they must be equal.`,
        );
      }
      const predicted = tf.cast(tf.greater(yPred, threshold), 'float32');
      return tf.mean(tf.cast(tf.equal(tf.cast(yTrue, 'float32'), predicted), 'float32'), -1);
    }),
  );
}

/** Options of {@link topKAccuracy}. */
export interface TopKAccuracyOptions {
  /**
   * How many of the highest-scoring classes count as a hit.
   * @default 5 (Keras' default)
   */
  readonly k?: number;
  /**
   * `true`: `yTrue` holds class ids (Keras' `sparse_top_k_categorical_accuracy`); `false`:
   * one-hot targets (`top_k_categorical_accuracy`).
   * @default true
   */
  readonly sparse?: boolean;
}

/** The documented defaults of {@link TopKAccuracyOptions}. */
export const DEFAULT_TOP_K_ACCURACY_OPTIONS: Readonly<Required<TopKAccuracyOptions>> = Object.freeze({
  k: 5,
  sparse: true,
});

/** Validates options and fills in the defaults (internal). */
export function resolveTopKAccuracyOptions(options: TopKAccuracyOptions = {}): Required<TopKAccuracyOptions> {
  const { k, sparse } = check.withDefaults('topKAccuracy', options, DEFAULT_TOP_K_ACCURACY_OPTIONS);
  return {
    k: check.integer('topKAccuracy', 'k', k, { min: 1 }),
    sparse: check.boolean('topKAccuracy', 'sparse', sparse),
  };
}

/**
 * Per-position top-k accuracy: 1 where the true class is among the `k` highest scores, float32
 * of shape `yPred.shape[:-1]`. Like TensorFlow's `in_top_k` (which Keras uses), a class tied with
 * the k-th score counts as in the top k: the hit test is `#{classes scoring strictly higher} < k`.
 *
 * Ownership: inputs owned by the caller; returns a new tensor owned by the caller.
 * @throws MetricsError `METRICS_INVALID_OPTION` for k < 1 (when called); `METRICS_SHAPE_MISMATCH`
 *   (from the returned function).
 * @example topKAccuracy({ k: 2 })(tf.tensor1d([2]), tf.tensor2d([[0.1, 0.5, 0.4]])); // [1]
 */
export function topKAccuracy(options: TopKAccuracyOptions = {}): TensorMetric {
  const { k, sparse } = resolveTopKAccuracyOptions(options);
  const name = sparse ? 'sparseTopKCategoricalAccuracy' : 'topKCategoricalAccuracy';
  return named(name, (yTrue, yPred) =>
    tf.tidy(() => {
      const ids = classIds(yTrue, yPred, name, sparse ? 'sparse' : 'one-hot');
      const classes = yPred.shape[yPred.shape.length - 1]!;
      const pred = tf.cast(yPred, 'float32');
      const oneHot = oneHotLike(ids, classes, pred);
      const trueScore = tf.sum(tf.mul(oneHot, pred), -1, true);
      const higher = tf.sum(tf.cast(tf.greater(pred, trueScore), 'float32'), -1);
      return tf.cast(tf.less(higher, k), 'float32');
    }),
  );
}
