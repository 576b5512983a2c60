import { describeValue } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import { check, isArrayLike } from './validate.js';

/**
 * Percentiles of the sequence lengths, computed exactly as numpy's default
 * `np.percentile(lengths, p)` (method `'linear'`): the sorted lengths are interpolated at
 * index `(n − 1) · p / 100`. Keras tutorials use it to pick `maxlen` (`maxLength`) for
 * {@link padSequences}: the 95th percentile pads most sequences without truncating many.
 *
 * Only `.length` of each sequence is read, so sequences of ids and of string tokens both work.
 *
 * @param sequences a non-empty array of arrays or typed arrays.
 * @param percentiles one percentile or an array of them, each in `[0, 100]`.
 * @returns one number for one percentile, an array (same order) for an array.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` if `sequences` is not an array of arrays or
 *   typed arrays; `DATASETS_EMPTY_INPUT` if it is empty; `DATASETS_INVALID_OPTION` if a
 *   percentile is not a number in `[0, 100]`.
 * @example
 * lengthPercentiles([[1], [1, 2], [1, 2, 3], [1, 2, 3, 4]], 50)           // 2.5
 * lengthPercentiles(tokenizedTexts, [50, 90, 95, 100])                   // e.g. [12, 31, 40.5, 88]
 * const maxLength = Math.ceil(lengthPercentiles(tokenizedTexts, 95))
 */
export function lengthPercentiles(sequences: readonly ArrayLike<unknown>[], percentiles: number): number;
export function lengthPercentiles(
  sequences: readonly ArrayLike<unknown>[],
  percentiles: readonly number[],
): number[];
export function lengthPercentiles(
  sequences: readonly ArrayLike<unknown>[],
  percentiles: number | readonly number[],
): number | number[] {
  const lengths = sortedLengths(sequences);
  if (typeof percentiles === 'number')
    return percentileOfSorted(lengths, checkPercentile(percentiles, 'percentile'));
  if (!Array.isArray(percentiles)) {
    check.invalid(
      'lengthPercentiles',
      'percentiles',
      percentiles,
      'must be a number or an array of numbers in [0, 100]',
    );
  }
  const checked = percentiles.map((p, k) => checkPercentile(p, `percentiles[${k}]`));
  return checked.map((p) => percentileOfSorted(lengths, p));
}

function checkPercentile(p: unknown, name: string): number {
  return check.number('lengthPercentiles', name, p, { min: 0, max: 100 });
}

function sortedLengths(sequences: readonly ArrayLike<unknown>[]): Float64Array {
  if (!Array.isArray(sequences)) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `lengthPercentiles takes an array of sequences, got ${describeValue(sequences)}.`,
    );
  }
  if (sequences.length === 0) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      'lengthPercentiles got no sequences; percentiles of no lengths are undefined.',
    );
  }
  const lengths = new Float64Array(sequences.length);
  for (const [i, sequence] of sequences.entries()) {
    if (!isArrayLike(sequence)) {
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `sequences[${i}] must be an array or a typed array, got ${describeValue(sequence)}.`,
      );
    }
    lengths[i] = (sequence as ArrayLike<unknown>).length;
  }
  return lengths.sort();
}

/** numpy's `_quantile` with method 'linear', including its two-sided `_lerp`. */
function percentileOfSorted(sorted: Float64Array, p: number): number {
  const last = sorted.length - 1;
  const virtualIndex = last * (p / 100);
  const previousIndex = Math.min(Math.max(Math.floor(virtualIndex), 0), last);
  const nextIndex = Math.min(previousIndex + 1, last);
  const gamma = virtualIndex - Math.floor(virtualIndex);
  const a = sorted[previousIndex]!;
  const b = sorted[nextIndex]!;
  const difference = b - a;
  // numpy computes from the nearer end so that gamma = 1 lands exactly on b.
  return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma;
}
