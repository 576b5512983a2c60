import { describeValue } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import { allocate, requireCells } from './size-limit.js';
import { check, type IdSequence } from './validate.js';

/** Element types a {@link DenseMatrix} can hold: the two dtypes sequence models feed on. */
export type MatrixDtype = 'int32' | 'float32';

/** The two {@link MatrixDtype}s. */
export const MATRIX_DTYPES: readonly MatrixDtype[] = Object.freeze(['int32', 'float32']);

/** The typed array behind each {@link MatrixDtype}. */
export interface MatrixDataByDtype {
  readonly int32: Int32Array;
  readonly float32: Float32Array;
}

const MIN_INT32 = -(2 ** 31);
const MAX_INT32 = 2 ** 31 - 1;

/**
 * A rectangular `[rows, columns]` matrix stored row-major in one typed array: what
 * {@link padSequences}, {@link toCategorical} and {@link bucketByLength} return.
 *
 * `data` and `shape` are exactly what tfjs' `tensor2d(values, shape, dtype)` takes, so no copy
 * is needed to make a tensor; the caller owns the matrix and the tensors it makes from it.
 * `rows()` gives plain `number[][]` for tests, JSON and code that wants arrays.
 *
 * @example
 * const m = padSequences([[1, 2], [3]]);        // DenseMatrix<'int32'>
 * m.shape                                       // [2, 2]
 * m.rows()                                      // [[1, 2], [0, 3]]
 * tf.tensor2d(m.data, m.shape, m.dtype)         // int32 tensor, no copy of the values
 */
export class DenseMatrix<D extends MatrixDtype = MatrixDtype> {
  /** `'int32'` (`data` is an `Int32Array`) or `'float32'` (`data` is a `Float32Array`). */
  readonly dtype: D;
  /** The values, row after row: element `(i, j)` is `data[i * shape[1] + j]`. */
  readonly data: MatrixDataByDtype[D];
  /** `[rows, columns]`; a frozen array, typed as tfjs' `tensor2d` wants it. */
  readonly shape: [rows: number, columns: number];

  private constructor(dtype: D, data: MatrixDataByDtype[D], rows: number, columns: number) {
    this.dtype = dtype;
    this.data = data;
    this.shape = Object.freeze([rows, columns]) as [number, number];
  }

  /**
   * Wraps `data` (not copied) as a `[rows, columns]` matrix; the dtype follows the array type.
   * @throws DatasetsError `DATASETS_INVALID_INPUT` if `data` is neither an `Int32Array` nor a
   *   `Float32Array`, `DATASETS_INVALID_OPTION` if a dimension is not an integer ≥ 0,
   *   `DATASETS_SHAPE_MISMATCH` if `data.length !== rows * columns`.
   * @example
   * DenseMatrix.from(new Float32Array([1, 0, 0, 1]), [2, 2]).rows() // [[1, 0], [0, 1]]
   */
  static from(data: Int32Array, shape: readonly [number, number]): DenseMatrix<'int32'>;
  static from(data: Float32Array, shape: readonly [number, number]): DenseMatrix<'float32'>;
  static from(data: Int32Array | Float32Array, shape: readonly [number, number]): DenseMatrix;
  static from(data: Int32Array | Float32Array, shape: readonly [number, number]): DenseMatrix {
    const dtype = data instanceof Int32Array ? 'int32' : data instanceof Float32Array ? 'float32' : null;
    if (dtype === null) {
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `DenseMatrix data must be an Int32Array or a Float32Array, got ${describeValue(data)}.`,
      );
    }
    if (!Array.isArray(shape) || shape.length !== 2) {
      check.invalid('DenseMatrix.from', 'shape', shape, 'must be [rows, columns]');
    }
    const [rows, columns] = shape;
    for (const [name, size] of [
      ['rows', rows],
      ['columns', columns],
    ] as const) {
      check.integer('DenseMatrix.from', `shape ${name}`, size, { min: 0 });
    }
    if (data.length !== rows * columns) {
      throw new DatasetsError(
        'DATASETS_SHAPE_MISMATCH',
        `DenseMatrix data holds ${data.length} values but shape [${rows}, ${columns}] needs ${rows * columns}.`,
      );
    }
    return new DenseMatrix(dtype, data, rows, columns);
  }

  /**
   * @internal A `[rows, columns]` matrix of `dtype` filled with `value` (already validated).
   * @throws DatasetsError `DATASETS_TOO_LARGE` naming `where` and `fix` when `rows × columns`
   *   exceeds `MAX_CELLS` or cannot be allocated.
   */
  static filled<D extends MatrixDtype>(
    dtype: D,
    rows: number,
    columns: number,
    value: number,
    where: string,
    fix: string,
  ): DenseMatrix<D> {
    const cells = requireCells(where, [rows, columns], fix);
    const data = allocate(where, cells, 4, () =>
      dtype === 'int32' ? new Int32Array(cells) : new Float32Array(cells),
    );
    if (value !== 0) data.fill(value);
    return new DenseMatrix(dtype, data as MatrixDataByDtype[D], rows, columns);
  }

  /**
   * Row `i` as a view on `data` (a `subarray`, not a copy: writing to it writes the matrix).
   * @throws DatasetsError `DATASETS_INVALID_OPTION` if `i` is not an integer in `[0, rows)`.
   */
  row(i: number): MatrixDataByDtype[D] {
    const [rows, columns] = this.shape;
    check.integer('DenseMatrix.row', 'i', i, { min: 0, max: rows, maxExclusive: true });
    return this.data.subarray(i * columns, (i + 1) * columns) as MatrixDataByDtype[D];
  }

  /** Every row as a plain `number[]` (a copy). */
  rows(): number[][] {
    const [rows, columns] = this.shape;
    return Array.from({ length: rows }, (_, i) =>
      Array.from(this.data.subarray(i * columns, (i + 1) * columns)),
    );
  }
}

/**
 * Checks that a padding value can be stored in `dtype`: any finite number for `'float32'`
 * (rounded to float32), a number in the int32 range for `'int32'` (a fraction is truncated
 * toward zero, as numpy does).
 * @throws DatasetsError `DATASETS_INVALID_OPTION`
 */
export function requireValueForDtype(
  where: string,
  name: string,
  value: unknown,
  dtype: MatrixDtype,
): number {
  const number = check.number(where, name, value);
  if (dtype === 'int32' && (number <= MIN_INT32 - 1 || number >= MAX_INT32 + 1)) {
    check.invalid(
      where,
      name,
      value,
      `must fit dtype 'int32' ([${MIN_INT32}, ${MAX_INT32}])`,
      "Use dtype 'float32' or a smaller value.",
    );
  }
  return number;
}

/**
 * Checks that every element of an already number-checked `sequence` fits `dtype` (see
 * {@link requireValueForDtype}); `'float32'` accepts every finite number.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` naming the first element out of range.
 */
export function requireSequenceFitsDtype(sequence: IdSequence, what: string, dtype: MatrixDtype): void {
  if (dtype !== 'int32' || sequence instanceof Int32Array) return;
  for (let k = 0; k < sequence.length; k++) {
    const value = sequence[k]!;
    if (value <= MIN_INT32 - 1 || value >= MAX_INT32 + 1) {
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `${what} holds ${value} at position ${k}, which does not fit dtype 'int32'; use dtype 'float32'.`,
      );
    }
  }
}
