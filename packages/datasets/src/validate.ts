import { DatasetsError, describeValue } from './errors.js';

/**
 * Checks that `value` is an integer ≥ `min` (sizes, lengths, strides, counts).
 * @throws DatasetsError `DATASETS_INVALID_OPTION` naming the option, the value and the rule.
 */
export function requireInteger(value: unknown, name: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new DatasetsError(
      'DATASETS_INVALID_OPTION',
      `${name} must be an integer ≥ ${min}, got ${describeValue(value)}.`,
    );
  }
  return value;
}

/**
 * Checks that `value` is a finite number in `[min, max]`.
 * @throws DatasetsError `DATASETS_INVALID_OPTION`
 */
export function requireNumberInRange(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new DatasetsError(
      'DATASETS_INVALID_OPTION',
      `${name} must be a number in [${min}, ${max}], got ${describeValue(value)}.`,
    );
  }
  return value;
}

/**
 * Checks that `value` is one of `choices`.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` listing the choices.
 */
export function requireChoice<T extends string>(value: unknown, name: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new DatasetsError(
      'DATASETS_INVALID_OPTION',
      `${name} must be one of ${choices.map((choice) => `'${choice}'`).join(', ')}, got ${describeValue(value)}.`,
    );
  }
  return value as T;
}

/** An array of integer ids, as tokenizers produce and models consume. */
export type IdSequence = ArrayLike<number>;

/**
 * Checks that `sequence` is an array (or typed array) of finite numbers.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` naming the position of the first bad element.
 */
export function requireNumberSequence(sequence: unknown, what: string): IdSequence {
  const isArrayLike =
    Array.isArray(sequence) || (ArrayBuffer.isView(sequence) && !(sequence instanceof DataView));
  if (!isArrayLike) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `${what} must be an array of numbers (or a typed array), got ${describeValue(sequence)}.`,
    );
  }
  const values = sequence as ArrayLike<unknown>;
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `${what} holds ${describeValue(value)} at position ${k}; only finite numbers are allowed.`,
      );
    }
  }
  return values as IdSequence;
}

/**
 * Checks that `value` is a boolean.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` naming the option and the value.
 */
export function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new DatasetsError(
      'DATASETS_INVALID_OPTION',
      `${name} must be a boolean, got ${describeValue(value)}.`,
    );
  }
  return value;
}

/**
 * Checks that `value` is an array of non-empty strings with no repeats.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` naming the option and the bad entry.
 */
export function requireNameList(value: unknown, name: string): readonly string[] {
  if (!Array.isArray(value)) {
    throw new DatasetsError(
      'DATASETS_INVALID_OPTION',
      `${name} must be an array of strings, got ${describeValue(value)}.`,
    );
  }
  const seen = new Set<string>();
  for (const entry of value) {
    if (typeof entry !== 'string' || entry.length === 0 || seen.has(entry)) {
      throw new DatasetsError(
        'DATASETS_INVALID_OPTION',
        `${name} must hold distinct non-empty strings; ${describeValue(entry)} is ${
          typeof entry === 'string' && entry.length > 0 ? 'repeated' : 'not one'
        }.`,
      );
    }
    seen.add(entry);
  }
  return value as readonly string[];
}
