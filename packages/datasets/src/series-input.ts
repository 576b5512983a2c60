import { describeValue } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import { check, requireNumberSequence } from './validate.js';

/**
 * A time series: univariate (`number[]`, a typed array: one value per step) or multivariate
 * (one row of feature values per step, every row the same length).
 */
export type SeriesInput = ArrayLike<number> | readonly ArrayLike<number>[];

/** A validated series, read in place (nothing is copied). */
export interface SeriesView {
  /** Number of time steps. */
  readonly rows: number;
  /** Values per step (1 for a univariate series). */
  readonly features: number;
  /** Whether the input was given as rows. */
  readonly multivariate: boolean;
  /** The value at time step `row`, column `column`. */
  at(row: number, column: number): number;
}

/**
 * Validates a univariate or multivariate series of finite numbers.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` (not numbers, NaN, ±∞, a row that is not an
 *   array), `DATASETS_EMPTY_INPUT` (no steps, or rows without columns),
 *   `DATASETS_SHAPE_MISMATCH` (ragged rows).
 */
export function readSeries(series: unknown, what: string): SeriesView {
  if (Array.isArray(series) && series.length > 0 && typeof series[0] !== 'number') {
    const rows = series.map((row: unknown, r) => requireNumberSequence(row, `${what}[${r}]`));
    const features = rows[0]!.length;
    if (features === 0) {
      throw new DatasetsError(
        'DATASETS_EMPTY_INPUT',
        `${what}[0] has no columns; every row needs ≥ 1 value.`,
      );
    }
    rows.forEach((row, r) => {
      if (row.length !== features) {
        throw new DatasetsError(
          'DATASETS_SHAPE_MISMATCH',
          `${what} is ragged: row 0 has ${features} values but row ${r} has ${row.length}. ` +
            'Every row (time step) needs one value per feature.',
        );
      }
    });
    return { rows: rows.length, features, multivariate: true, at: (row, column) => rows[row]![column]! };
  }
  const values = requireNumberSequence(series, what);
  if (values.length === 0) {
    throw new DatasetsError('DATASETS_EMPTY_INPUT', `${what} is empty (${describeValue(series)}).`);
  }
  return { rows: values.length, features: 1, multivariate: false, at: (row) => values[row]! };
}

/**
 * Checks that already validated column names (see `optionalNameList`) give one name per feature.
 * @throws DatasetsError `DATASETS_SHAPE_MISMATCH` (not one name per feature).
 */
export function resolveColumnNames(
  names: readonly string[] | null,
  features: number,
  what: string,
): readonly string[] | null {
  if (names === null) return null;
  if (names.length !== features) {
    throw new DatasetsError(
      'DATASETS_SHAPE_MISMATCH',
      `${what} names ${names.length} columns but the series has ${features}; give one name per column.`,
    );
  }
  return Object.freeze([...names]);
}

/** Checks the type of a column selection option before the series is known. */
export function requireColumnSelection(
  where: string,
  name: string,
  selection: unknown,
): readonly (number | string)[] | null {
  if (selection === null) return null;
  if (
    !Array.isArray(selection) ||
    selection.length === 0 ||
    selection.some((column) => typeof column !== 'string' && !Number.isSafeInteger(column))
  ) {
    check.invalid(
      where,
      name,
      selection,
      'must be null (every column) or a non-empty array of column indices or names',
    );
  }
  return selection as readonly (number | string)[];
}

/**
 * Turns a column selection (indices, or names looked up in `names`) into distinct indices;
 * `null` selects every column in order.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (index out of range, unknown name, name
 *   without column names, duplicates).
 */
export function resolveColumnSelection(
  where: string,
  name: string,
  selection: readonly (number | string)[] | null,
  features: number,
  names: readonly string[] | null,
): number[] {
  if (selection === null) return Array.from({ length: features }, (_, k) => k);
  const indices = selection.map((column) => {
    if (typeof column === 'number') {
      if (column < 0 || column >= features) {
        check.invalid(where, name, selection, `must hold column indices in 0…${features - 1}`);
      }
      return column;
    }
    const index = names === null ? -1 : names.indexOf(column);
    if (index < 0) {
      const rule =
        names === null
          ? 'may name columns only when column names are given'
          : `must name columns among ${names.join(', ')}`;
      check.invalid(where, name, selection, rule, 'Pass columns, or select by index.');
    }
    return index;
  });
  if (new Set(indices).size !== indices.length) {
    check.invalid(where, name, selection, 'must not select a column twice');
  }
  return indices;
}
