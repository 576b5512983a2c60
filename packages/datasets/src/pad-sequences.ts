import {
  DenseMatrix,
  MATRIX_DTYPES,
  type MatrixDtype,
  requireSequenceFitsDtype,
  requireValueForDtype,
} from './dense-matrix.js';
import { DatasetsError, describeValue } from './errors.js';
import { mergeKnownOptions } from './known-options.js';
import { type IdSequence, requireChoice, requireInteger, requireNumberSequence } from './validate.js';

/** Which end of a sequence gets padding or loses elements: Keras' `'pre'` or `'post'`. */
export type PadSide = 'pre' | 'post';

/** The two {@link PadSide}s. */
export const PAD_SIDES: readonly PadSide[] = Object.freeze(['pre', 'post']);

/** Options of {@link padSequences}; names and defaults are those of Keras' `pad_sequences`. */
export interface PadSequencesOptions {
  /**
   * Length of every output row: longer sequences are truncated, shorter ones padded.
   * `null` uses the length of the longest sequence.
   * @default null
   */
  readonly maxlen?: number | null;
  /**
   * Pad before (`'pre'`) or after (`'post'`) each sequence.
   * @default 'pre'
   */
  readonly padding?: PadSide;
  /**
   * Drop the first (`'pre'`, keeping the end) or the last (`'post'`) elements of sequences
   * longer than `maxlen`.
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
  readonly maxlen: number | null;
  readonly padding: PadSide;
  readonly truncating: PadSide;
  readonly value: number;
  readonly dtype: MatrixDtype;
}

/** The documented defaults, which are Keras' defaults. */
export const DEFAULT_PAD_SEQUENCES_OPTIONS: ResolvedPadSequencesOptions = Object.freeze({
  maxlen: null,
  padding: 'pre',
  truncating: 'pre',
  value: 0,
  dtype: 'int32',
});

/**
 * Validates {@link padSequences} options and fills in defaults.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for an unknown key, a `maxlen` that is not
 *   `null` or an integer ≥ 0, a `padding`/`truncating` other than `'pre'`/`'post'`, a
 *   `dtype` other than `'int32'`/`'float32'`, or a `value` that is not finite or does not fit the dtype.
 */
export function resolvePadSequencesOptions(options: PadSequencesOptions = {}): ResolvedPadSequencesOptions {
  const merged = mergeKnownOptions(options, DEFAULT_PAD_SEQUENCES_OPTIONS, 'padSequences');
  const dtype = requireChoice(merged['dtype'], 'dtype', MATRIX_DTYPES);
  return {
    maxlen: merged['maxlen'] === null ? null : requireInteger(merged['maxlen'], 'maxlen', 0),
    padding: requireChoice(merged['padding'], 'padding', PAD_SIDES),
    truncating: requireChoice(merged['truncating'], 'truncating', PAD_SIDES),
    value: requireValueForDtype(merged['value'], 'value', dtype),
    dtype,
  };
}

/**
 * Keras `pad_sequences`: makes a list of sequences rectangular, shape `[sequences.length,
 * maxlen]`, by padding short sequences with `value` and truncating long ones — same results,
 * element for element, as `keras_preprocessing.sequence.pad_sequences` (checked against
 * fixtures Keras wrote). Inputs are not modified.
 *
 * Edge cases, as in Keras: empty sequences become rows of `value`; an empty list gives shape
 * `[0, maxlen]`; all-empty sequences without `maxlen` give shape `[n, 0]`.
 * Unlike Keras, bad `padding`/`truncating` values are reported even when every sequence is
 * empty, and only flat sequences of numbers are accepted (no `dtype=object`, no strings).
 *
 * @param sequences arrays or typed arrays of finite numbers (token ids, usually).
 * @returns a {@link DenseMatrix} `[sequences.length, maxlen]` of `dtype` (default `int32`);
 *   `tf.tensor2d(result.data, result.shape, result.dtype)` makes a tensor without copying.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for bad options (see
 *   {@link resolvePadSequencesOptions}) and for `maxlen: 0` with `truncating: 'pre'` when a
 *   sequence is not empty (Keras fails there too: `s[-0:]` keeps the whole sequence);
 *   `DATASETS_INVALID_INPUT` if `sequences` is not an array of number sequences, or an element
 *   does not fit `'int32'`; `DATASETS_EMPTY_INPUT` for an empty list without `maxlen` (Keras
 *   cannot take the maximum of no lengths either).
 * @example
 * padSequences([[1, 2, 3], [4, 5], [6]]).rows()
 * // [[1, 2, 3], [0, 4, 5], [0, 0, 6]]
 * padSequences([[1, 2, 3], [4]], { maxlen: 2, padding: 'post', truncating: 'post' }).rows()
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
  const { maxlen, padding, truncating, value, dtype } = resolvePadSequencesOptions(options);
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
  if (maxlen === null && sequences.length === 0) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      'padSequences got no sequences and no maxlen, so the row length is unknown; pass at least one ' +
        'sequence, or maxlen to get a [0, maxlen] result.',
    );
  }
  if (maxlen === 0 && truncating === 'pre' && anyNonEmpty) {
    throw new DatasetsError(
      'DATASETS_INVALID_OPTION',
      "maxlen 0 with truncating 'pre' fails in Keras (s[-0:] keeps the whole sequence, which does not " +
        "fit a row of length 0); use truncating 'post' to get empty rows, or maxlen ≥ 1.",
    );
  }
  const columns = maxlen ?? longest;
  const matrix = DenseMatrix.filled(dtype, sequences.length, columns, value);
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
