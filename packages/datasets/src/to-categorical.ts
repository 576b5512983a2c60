import { describeValue } from '@rnnkit/core';
import { DenseMatrix } from './dense-matrix.js';
import { DatasetsError } from './errors.js';
import { check, requireNumberSequence } from './validate.js';

/**
 * Keras `to_categorical`: one-hot encodes integer class labels. Row `i` of the result is all
 * zeros except a 1 in column `labels[i]`.
 *
 * Differences from Keras, which would silently wrap or crash: negative labels and labels
 * `≥ numClasses` are errors (Keras wraps negative ones via numpy indexing), and `numClasses: 0`
 * is an error (Keras treats 0 as "not given").
 *
 * @param labels integer class ids, each `≥ 0` (an array or typed array).
 * @param numClasses number of columns; `null`/omitted means `max(labels) + 1`, as in Keras.
 * @returns a {@link DenseMatrix} `[labels.length, numClasses]`, float32 (Keras' default
 *   dtype); `tf.tensor2d(result.data, result.shape)` makes a tensor without copying.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` if `labels` is not a sequence of integers
 *   `≥ 0`, or a label is `≥ numClasses`; `DATASETS_INVALID_OPTION` if `numClasses` is not
 *   `null` or an integer `≥ 1`; `DATASETS_EMPTY_INPUT` if `labels` is empty and `numClasses`
 *   is not given (no maximum to take; with `numClasses` the result is `[0, numClasses]`, as in Keras);
 *   `DATASETS_TOO_LARGE` when `labels.length × numClasses` exceeds `MAX_CELLS` (2³¹ − 1).
 * @example
 * toCategorical([0, 2, 1]).rows()
 * // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * toCategorical([1], 4).rows()
 * // [[0, 1, 0, 0]]
 */
export function toCategorical(
  labels: ArrayLike<number>,
  numClasses: number | null = null,
): DenseMatrix<'float32'> {
  const values = requireNumberSequence(labels, 'labels');
  let largest = -1;
  for (let i = 0; i < values.length; i++) {
    const label = values[i]!;
    if (!Number.isSafeInteger(label) || label < 0) {
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `labels[${i}] is ${describeValue(label)}; class labels must be integers ≥ 0.`,
      );
    }
    largest = Math.max(largest, label);
  }
  let columns: number;
  if (numClasses === null) {
    if (values.length === 0) {
      throw new DatasetsError(
        'DATASETS_EMPTY_INPUT',
        'toCategorical got no labels and no numClasses, so the number of columns is unknown; pass ' +
          'numClasses to get a [0, numClasses] result.',
      );
    }
    columns = largest + 1;
  } else {
    columns = check.integer('toCategorical', 'numClasses', numClasses, { min: 1 });
    if (largest >= columns) {
      const at = Array.prototype.findIndex.call(values, (label: number) => label >= columns);
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `labels[${at}] is ${values[at]}, out of range for numClasses ${columns} (labels must be in ` +
          `[0, ${columns - 1}]); raise numClasses or leave it out to use max(labels) + 1.`,
      );
    }
  }
  const matrix = DenseMatrix.filled(
    'float32',
    values.length,
    columns,
    0,
    'toCategorical',
    numClasses === null
      ? `The largest label (${largest}) sets the number of columns: check the labels, or map them to 0…k−1 first.`
      : 'Lower numClasses, or encode fewer labels at a time.',
  );
  for (let i = 0; i < values.length; i++) matrix.data[i * columns + values[i]!] = 1;
  return matrix;
}
