import { describeValue } from '@rnnkit/core';
import {
  DenseMatrix,
  MATRIX_DTYPES,
  type MatrixDtype,
  requireSequenceFitsDtype,
  requireValueForDtype,
} from './dense-matrix.js';
import { DatasetsError } from './errors.js';
import { check, type IdSequence, requireNumberSequence } from './validate.js';

/** Which end of a sequence gets padding or loses elements: Keras' `'pre'` or `'post'`. */
export type PadSide = 'pre' | 'post';

/** The two {@link PadSide}s. */
export const PAD_SIDES: readonly PadSide[] = Object.freeze(['pre', 'post']);

/**
 * Options of {@link padSequences}; defaults and names are those of Keras' `pad_sequences`, except
 * `maxlen`, which is `maxLength` here as everywhere in rnnkit.
 */
export interface PadSequencesOptions {
  /**
   * Length of every output row: longer sequences are truncated, shorter ones padded.
   * `null` uses the length of the longest sequence.
   * @default null
   */
  readonly maxLength?: number | null;
  /**
   * Pad before (`'pre'`) or after (`'post'`) each sequence.
   * @default 'pre'
   */
  readonly padding?: PadSide;
  /**
   * Drop the first (`'pre'`, keeping the end) or the last (`'post'`) elements of sequences
   * longer than `maxLength`.
   * @default 'pre'
   */
  readonly truncating?: PadSide;
  /**
   * Padding value. With dtype `'int32'` a fraction is truncated toward zero, as numpy (and so
   * Keras) does: `value: 0.5` pads with 0.
   * @default 0
   */
  readonly value?: number;
  /**
   * Element type of the result: `'int32'` (an `Int32Array`) or `'float32'` (a `Float32Array`).
   * With `'int32'`, fractional elements are truncated toward zero, as in Keras.
   * @default 'int32'
   */
  readonly dtype?: MatrixDtype;
}

/** {@link PadSequencesOptions} with every default filled in. */
export interface ResolvedPadSequencesOptions {
  readonly maxLength: number | null;
  readonly padding: PadSide;
  readonly truncating: PadSide;
  readonly value: number;
  readonly dtype: MatrixDtype;
}

/** The documented defaults, which are Keras' defaults. */
export const DEFAULT_PAD_SEQUENCES_OPTIONS: ResolvedPadSequencesOptions = Object.freeze({
  maxLength: null,
  padding: 'pre',
  truncating: 'pre',
  value: 0,
  dtype: 'int32',
});

/**
 * Validates {@link padSequences} options and fills in defaults.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for an unknown key (Keras' `maxlen` names
 *   `maxLength`), a `maxLength` that is not `null` or an integer ≥ 0, a `padding`/`truncating`
 *   other than `'pre'`/`'post'`, a `dtype` other than `'int32'`/`'float32'`, or a `value` that is
 *   not finite or does not fit the dtype.
 */
export function resolvePadSequencesOptions(options: PadSequencesOptions = {}): ResolvedPadSequencesOptions {
  const where = 'padSequences';
  const merged = check.withDefaults(where, options, DEFAULT_PAD_SEQUENCES_OPTIONS);
  const dtype = check.oneOf(where, 'dtype', merged.dtype, MATRIX_DTYPES);
  return {
    maxLength:
      merged.maxLength === null ? null : check.integer(where, 'maxLength', merged.maxLength, { min: 0 }),
    padding: check.oneOf(where, 'padding', merged.padding, PAD_SIDES),
    truncating: check.oneOf(where, 'truncating', merged.truncating, PAD_SIDES),
    value: requireValueForDtype(where, 'value', merged.value, dtype),
    dtype,
  };
}

/**
 * Keras `pad_sequences`: makes a list of sequences rectangular, shape `[sequences.length,
 * maxLength]`, by padding short sequences with `value` and truncating long ones — same results,
 * element for element, as `keras_preprocessing.sequence.pad_sequences` (checked against
 * fixtures Keras wrote). Inputs are not modified.
 *
 * Edge cases, as in Keras: empty sequences become rows of `value`; an empty list gives shape
 * `[0, maxLength]`; all-empty sequences without `maxLength` give shape `[n, 0]`.
 * Unlike Keras, bad `padding`/`truncating` values are reported even when every sequence is
 * empty, and only flat sequences of numbers are accepted (no `dtype=object`, no strings).
 *
 * @param sequences arrays or typed arrays of finite numbers (token ids, usually).
 * @returns a {@link DenseMatrix} `[sequences.length, maxLength]` of `dtype` (default `int32`);
 *   `tf.tensor2d(result.data, result.shape, result.dtype)` makes a tensor without copying.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for bad options (see
 *   `resolvePadSequencesOptions`) and for `maxLength: 0` with `truncating: 'pre'` when a
 *   sequence is not empty (Keras fails there too: `s[-0:]` keeps the whole sequence);
 *   `DATASETS_INVALID_INPUT` if `sequences` is not an array of number sequences, or an element
 *   does not fit `'int32'`; `DATASETS_EMPTY_INPUT` for an empty list without `maxLength` (Keras
 *   cannot take the maximum of no lengths either); `DATASETS_TOO_LARGE` when
 *   `sequences.length × maxLength` exceeds `MAX_CELLS` (2³¹ − 1) or cannot be allocated.
 * @example
 * padSequences([[1, 2, 3], [4, 5], [6]]).rows()
 * // [[1, 2, 3], [0, 4, 5], [0, 0, 6]]
 * padSequences([[1, 2, 3], [4]], { maxLength: 2, padding: 'post', truncating: 'post' }).rows()
 * // [[1, 2], [4, 0]]
 * padSequences([[1], [2, 3]], { value: -1.5, dtype: 'float32' }).data
 * // Float32Array [-1.5, 1, 2, 3]
 */
export function padSequences(
  sequences: readonly IdSequence[],
  options: PadSequencesOptions & { readonly dtype: 'float32' },
): DenseMatrix<'float32'>;
export function padSequences(
  sequences: readonly IdSequence[],
  options?: PadSequencesOptions & { readonly dtype?: 'int32' },
): DenseMatrix<'int32'>;
export function padSequences(sequences: readonly IdSequence[], options?: PadSequencesOptions): DenseMatrix;
export function padSequences(
  sequences: readonly IdSequence[],
  options: PadSequencesOptions = {},
): DenseMatrix {
  const { maxLength, padding, truncating, value, dtype } = resolvePadSequencesOptions(options);
  if (!Array.isArray(sequences)) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `padSequences takes an array of sequences, got ${describeValue(sequences)}.`,
    );
  }
  let longest = 0;
  let anyNonEmpty = false;
  for (const [i, sequence] of sequences.entries()) {
    const checked = requireNumberSequence(sequence, `sequences[${i}]`);
    requireSequenceFitsDtype(checked, `sequences[${i}]`, dtype);
    longest = Math.max(longest, checked.length);
    anyNonEmpty ||= checked.length > 0;
  }
  if (maxLength === null && sequences.length === 0) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      'padSequences got no sequences and no maxLength, so the row length is unknown; pass at least one ' +
        'sequence, or maxLength to get a [0, maxLength] result.',
    );
  }
  if (maxLength === 0 && truncating === 'pre' && anyNonEmpty) {
    check.invalid(
      'padSequences',
      'maxLength',
      0,
      "must be ≥ 1 with truncating 'pre' when a sequence is not empty (Keras fails too: s[-0:] keeps the whole sequence)",
      "Use truncating 'post' to get empty rows, or maxLength ≥ 1.",
    );
  }
  const columns = maxLength ?? longest;
  const matrix = DenseMatrix.filled(
    dtype,
    sequences.length,
    columns,
    value,
    'padSequences',
    maxLength === null
      ? 'The longest sequence sets the row length: pass maxLength to truncate, or pad in batches (bucketByLength).'
      : 'Lower maxLength, or pad in batches (bucketByLength).',
  );
  for (const [i, sequence] of sequences.entries()) {
    const length = sequence.length;
    if (length === 0) continue;
    const kept = Math.min(length, columns);
    const from = truncating === 'pre' ? length - kept : 0;
    const rowStart = i * columns + (padding === 'pre' ? columns - kept : 0);
    for (let k = 0; k < kept; k++) matrix.data[rowStart + k] = sequence[from + k]!;
  }
  return matrix;
}
