import { DatasetsError } from './errors.js';

/**
 * The most values one result of this package may hold: 2³¹ − 1, the largest length every
 * JavaScript engine allows a typed array and the largest an int32 index reaches (tfjs' too).
 * Sizes come from user input (`maxLength`, `numClasses`, the longest sequence…), so they are
 * checked against it before anything is allocated.
 */
export const MAX_CELLS = 2 ** 31 - 1;

/**
 * Checks that a result of `cells` values (`shape` says how they were counted) may be allocated.
 * @throws DatasetsError `DATASETS_TOO_LARGE` naming `where`, the shape, the size asked for and
 *   the limit.
 */
export function requireCells(where: string, shape: readonly number[], fix: string): number {
  const cells = shape.reduce((product, size) => product * size, 1);
  if (!(cells <= MAX_CELLS)) {
    throw new DatasetsError(
      'DATASETS_TOO_LARGE',
      `${where}: the result would have shape [${shape.join(', ')}], ${cells.toExponential(3)} values, more than ` +
        `the limit of ${MAX_CELLS} (2^31 − 1). ${fix}`,
    );
  }
  return cells;
}

/**
 * `make()`, with an allocation failure (`RangeError: Array buffer allocation failed`, when the
 * machine lacks the memory) reported as `DATASETS_TOO_LARGE` naming `where` and the size.
 */
export function allocate<T>(where: string, cells: number, bytesPerCell: number, make: () => T): T {
  try {
    return make();
  } catch (cause) {
    if (!(cause instanceof RangeError)) throw cause;
    throw new DatasetsError(
      'DATASETS_TOO_LARGE',
      `${where}: could not allocate ${cells} values (${((cells * bytesPerCell) / 2 ** 20).toFixed(0)} MiB): ` +
        `${cause.message}. Use smaller inputs or process them in batches.`,
      { cause },
    );
  }
}
