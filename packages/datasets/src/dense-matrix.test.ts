import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DenseMatrix, requireSequenceFitsDtype, requireValueForDtype } from './dense-matrix.js';
import { DatasetsError } from './errors.js';

describe('DenseMatrix', () => {
  it('wraps data without copying and takes its dtype from the array type', () => {
    const data = new Int32Array([1, 2, 3, 4, 5, 6]);
    const matrix = DenseMatrix.from(data, [2, 3]);
    expect(matrix.data).toBe(data);
    expect(matrix.dtype).toBe('int32');
    expect(matrix.shape).toEqual([2, 3]);
    expect(matrix.rows()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(DenseMatrix.from(new Float32Array([0.5]), [1, 1]).dtype).toBe('float32');
  });

  it('gives row views that share the buffer, and row copies from rows()', () => {
    const matrix = DenseMatrix.from(new Float32Array(6), [3, 2]);
    matrix.row(1)[0] = 7;
    expect(matrix.data[2]).toBe(7);
    const rows = matrix.rows();
    rows[0]![0] = 9;
    expect(matrix.data[0]).toBe(0);
  });

  it('handles zero rows and zero columns', () => {
    expect(DenseMatrix.from(new Int32Array(0), [0, 4]).rows()).toEqual([]);
    expect(DenseMatrix.from(new Int32Array(0), [2, 0]).rows()).toEqual([[], []]);
  });

  it('rejects bad data, shapes and row indexes with typed errors', () => {
    expectErrorCode(
      () => DenseMatrix.from(new Int32Array(5), [2, 3]),
      DatasetsError,
      'DATASETS_SHAPE_MISMATCH',
    );
    expectErrorCode(
      () => DenseMatrix.from(new Int32Array(0), [-1, 0]),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => DenseMatrix.from(new Int32Array(2), [1.5, 2] as [number, number]),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => DenseMatrix.from(new Int32Array(2), [2] as unknown as [number, number]),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => DenseMatrix.from(new Float64Array(2) as unknown as Float32Array, [1, 2]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => DenseMatrix.from([1, 2] as unknown as Int32Array, [1, 2]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    const matrix = DenseMatrix.from(new Int32Array(4), [2, 2]);
    for (const i of [-1, 2, 0.5])
      expectErrorCode(() => matrix.row(i), DatasetsError, 'DATASETS_INVALID_OPTION');
  });

  it('checks values against the int32 range only for int32', () => {
    expect(requireValueForDtype('f', 'value', -2147483648, 'int32')).toBe(-2147483648);
    expect(requireValueForDtype('f', 'value', 2147483647.5, 'int32')).toBe(2147483647.5);
    expectErrorCode(
      () => requireValueForDtype('f', 'value', 2 ** 31, 'int32'),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => requireValueForDtype('f', 'value', Number.NaN, 'float32'),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expect(requireValueForDtype('f', 'value', 1e30, 'float32')).toBe(1e30);
    expectErrorCode(
      () => requireSequenceFitsDtype([0, -(2 ** 31) - 1], 's', 'int32'),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expect(() => requireSequenceFitsDtype([2 ** 40], 's', 'float32')).not.toThrow();
  });

  it('round-trips rows through from() (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }).chain((columns) =>
          fc
            .array(
              fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
                minLength: columns,
                maxLength: columns,
              }),
              {
                maxLength: 6,
              },
            )
            .map((rows) => ({ rows, columns })),
        ),
        ({ rows, columns }) => {
          const matrix = DenseMatrix.from(Int32Array.from(rows.flat()), [rows.length, columns]);
          expect(matrix.rows()).toEqual(rows);
        },
      ),
    );
  });
});
