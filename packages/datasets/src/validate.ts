import { createValidator, describeValue } from '@rnnkit/core';
import { DatasetsError } from './errors.js';

/**
 * The package's one option checker (core's validator): every failure is a
 * `DATASETS_INVALID_OPTION` reading `<function>: <option> must be <rule>, got <value>. <fix>`,
 * and unknown option names fail naming the closest known one.
 */
export const check = createValidator((message) => new DatasetsError('DATASETS_INVALID_OPTION', message));

/** An array of integer ids, as tokenizers produce and models consume. */
export type IdSequence = ArrayLike<number>;

/** Whether `value` is an array or a typed array (not a `DataView`). */
export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Whether `value` has a `Symbol.iterator` method. */
export function isIterableObject(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'
  );
}

/**
 * Checks that `sequence` is an array (or typed array) of finite numbers.
 * @throws DatasetsError `DATASETS_INVALID_INPUT` naming the position of the first bad element.
 */
export function requireNumberSequence(sequence: unknown, what: string): IdSequence {
  if (!isArrayLike(sequence)) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `${what} must be an array of numbers (or a typed array), got ${describeValue(sequence)}.`,
    );
  }
  for (let k = 0; k < sequence.length; k++) {
    const value = sequence[k];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new DatasetsError(
        'DATASETS_INVALID_INPUT',
        `${what} holds ${describeValue(value)} at position ${k}; only finite numbers are allowed.`,
      );
    }
  }
  return sequence as IdSequence;
}

/** Column names: an array of distinct non-empty strings (`unique` also rejects repeats). */
export function nameList(where: string, name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value)) {
    check.invalid(where, name, value, 'must be an array of strings', "Pass e.g. ['Author', 'Content'].");
  }
  const seen = new Set<string>();
  for (const [k, entry] of (value as unknown[]).entries()) {
    if (typeof entry !== 'string' || entry.length === 0 || seen.has(entry)) {
      const rule = seen.has(entry as string) ? 'must not repeat a name' : 'must be a non-empty string';
      check.invalid(where, `${name}[${k}]`, entry, rule);
    }
    seen.add(entry as string);
  }
  return value as readonly string[];
}

/** `null`, or column names as {@link nameList} checks them. */
export function optionalNameList(where: string, name: string, value: unknown): readonly string[] | null {
  return value === null ? null : nameList(where, name, value);
}

/** An array of integers, each within `range`. */
export function integerList(
  where: string,
  name: string,
  value: unknown,
  range: { readonly min?: number } = {},
): number[] {
  if (!Array.isArray(value)) {
    check.invalid(where, name, value, 'must be an array of integers', 'Pass e.g. [10, 20].');
  }
  return (value as unknown[]).map((item, k) => check.integer(where, `${name}[${k}]`, item, range));
}
