import { describeValue } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { MetricsError } from '../errors.js';

/**
 * A loss or metric as tfjs-layers' `model.compile({ loss, metrics })` and rnn-models' `train()`
 * take it: `(yTrue, yPred) => values`. The caller owns both inputs and the returned tensor; the
 * function disposes its intermediates itself (it runs in `tf.tidy`), so it is safe outside a
 * training step too. Its `name` is the key in training logs.
 */
export type TensorMetric = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Floor of a mask sum: an all-padding batch gives 0 / tiny = 0 instead of NaN. */
export const MIN_MASK_SUM = 1e-30;

/** Gives a metric function its log name (tfjs-layers and train() read `fn.name`). */
export function named<F extends TensorMetric>(name: string, fn: F): F {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/**
 * Throws unless `yTrue` and `yPred` are numeric tfjs tensors (checked before any tensor is made,
 * so a failing call leaves nothing behind).
 * @throws MetricsError `METRICS_INVALID_INPUT` for an array, `null` or a string/complex tensor.
 */
export function checkTensors(fn: string, yTrue: unknown, yPred: unknown): void {
  for (const [name, value] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const) {
    const tensor = value as { shape?: unknown; dtype?: unknown; isDisposed?: unknown } | null;
    if (
      tensor === null ||
      typeof tensor !== 'object' ||
      !Array.isArray(tensor.shape) ||
      typeof tensor.dtype !== 'string'
    ) {
      throw new MetricsError(
        'METRICS_INVALID_INPUT',
        `${fn}: ${name} must be a tfjs tensor, got ${describeValue(value)}. Wrap arrays with tf.tensor(...).`,
      );
    }
    if (tensor.dtype === 'string' || tensor.dtype === 'complex64') {
      throw new MetricsError(
        'METRICS_INVALID_INPUT',
        `${fn}: ${name} must be a numeric tensor (float32, int32 or bool), got ${describeValue(value)}. ` +
          'Map string labels to class ids first (e.g. with a Tokenizer).',
      );
    }
    if (tensor.isDisposed === true) {
      throw new MetricsError(
        'METRICS_INVALID_INPUT',
        `${fn}: ${name} has been disposed. Keep it alive until the metric has run.`,
      );
    }
  }
}

/**
 * Class ids `[…]` (int32) from targets given as ids `[…]`, ids with a trailing 1 `[…, 1]` (what
 * tfjs-layers feeds for sparse losses) or one-hot `[…, classes]` (argmax), for predictions
 * `[…, classes]`. Call inside a tidy.
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` when the shapes do not fit.
 */
export function classIds(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  fn: string,
  allow: 'sparse' | 'one-hot' | 'both',
): tf.Tensor {
  checkTensors(fn, yTrue, yPred);
  const outer = yPred.shape.slice(0, -1);
  const classes = yPred.shape[yPred.shape.length - 1];
  const shape = (s: readonly number[]) => `[${s.join(', ')}]`;
  if (yPred.rank < 1 || classes === undefined) {
    throw new MetricsError(
      'METRICS_SHAPE_MISMATCH',
      `${fn}: yPred must have a class axis last, received shape ${shape(yPred.shape)}.`,
    );
  }
  if (allow !== 'one-hot' && tf.util.arraysEqual(yTrue.shape, outer)) return tf.cast(yTrue, 'int32');
  if (allow !== 'one-hot' && tf.util.arraysEqual(yTrue.shape, [...outer, 1]) && classes !== 1) {
    return tf.cast(tf.reshape(yTrue, outer), 'int32');
  }
  if (allow !== 'sparse' && tf.util.arraysEqual(yTrue.shape, yPred.shape)) return tf.argMax(yTrue, -1);
  const expected =
    allow === 'sparse'
      ? `${shape(outer)} or ${shape([...outer, 1])} (class ids)`
      : allow === 'one-hot'
        ? `${shape(yPred.shape)} (one-hot)`
        : `${shape(outer)} or ${shape([...outer, 1])} (class ids) or ${shape(yPred.shape)} (one-hot)`;
  throw new MetricsError(
    'METRICS_SHAPE_MISMATCH',
    `${fn}: yTrue has shape ${shape(yTrue.shape)} but yPred ${shape(yPred.shape)} needs targets of shape ${expected}.`,
  );
}

/**
 * One-hot rows `[…, classes]` (float32, shape `like`) of class ids `[…]`; ids outside
 * `[0, classes)` give all-zero rows. Call inside a tidy.
 */
export function oneHotLike(ids: tf.Tensor, classes: number, like: tf.Tensor): tf.Tensor {
  return tf.reshape(tf.oneHot(tf.reshape(ids, [-1]) as tf.Tensor1D, classes), like.shape);
}
