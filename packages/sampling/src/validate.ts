import { createValidator, describeValue, type Validator } from '@rnnkit/core';
import { SamplingError, type SamplingErrorCode } from './errors.js';

/**
 * Sampling's option checks, in the one rnnkit dialect (`createValidator` of `@rnnkit/core`):
 * every failure is a `SamplingError` `SAMPLING_INVALID_OPTION` reading
 * `<function>: <option> must be <rule>, got <value>. <fix>`.
 */
export const check: Validator = createValidator(
  (message) => new SamplingError('SAMPLING_INVALID_OPTION', message),
);

/** Throws a {@link SamplingError} with `code` and `message` (for codes other than invalid options). */
export function fail(code: SamplingErrorCode, message: string): never {
  throw new SamplingError(code, message);
}

/** Throws `SAMPLING_INVALID_INPUT` unless `value` is an array or typed array (a row of logits). */
export function checkArrayLike(
  where: string,
  name: string,
  value: unknown,
): asserts value is ArrayLike<unknown> {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: ${name} must be an array or a typed array such as a Float32Array, got ${describeValue(value)}.`,
    );
  }
}

/** A list of token ids, each an integer in `[0, vocabularySize)` when `vocabularySize` is known. */
export function checkIdList(
  where: string,
  name: string,
  value: unknown,
  vocabularySize: number | null,
): number[] {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as ArrayLike<unknown>).length !== 'number'
  ) {
    check.invalid(where, name, value, 'must be an array of token ids', 'Pass an array such as [0, 5].');
  }
  const ids = Array.from(value as ArrayLike<unknown>);
  const limit = vocabularySize === null ? Number.MAX_SAFE_INTEGER : vocabularySize - 1;
  for (const id of ids) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > limit) {
      const range = vocabularySize === null ? 'a non-negative integer' : `an integer in 0 … ${limit}`;
      check.invalid(
        where,
        name,
        value,
        `must hold token ids, each ${range}; found ${describeValue(id)}`,
        'Remove or fix the id (ids index the model’s output row).',
      );
    }
  }
  return ids as number[];
}

/** An array of functions (processors, stopping criteria). */
export function checkFunctionList<T>(where: string, name: string, value: unknown): readonly T[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'function')) {
    check.invalid(where, name, value, 'must be an array of functions', 'Pass an array, e.g. [myProcessor].');
  }
  return value as T[];
}

/** A function or `null` (a custom sampler, an `onToken` callback). */
export function checkNullableFunction<T>(where: string, name: string, value: unknown): T | null {
  if (value !== null && typeof value !== 'function') {
    check.invalid(where, name, value, 'must be a function or null', 'Pass a function, or null.');
  }
  return value as T | null;
}

/** Rows × vocabulary a step may hold: 2^26 logits (256 MB as float32, 512 MB as beam search's float64 scores). */
export const MAX_LOGITS_PER_STEP = 2 ** 26;

/**
 * A row count (`batchSize`, `beamWidth`): an integer ≥ 1 whose rows of `vocabularySize` logits
 * fit in {@link MAX_LOGITS_PER_STEP}, checked before anything is allocated — a batch of 1e9
 * rows would otherwise spend minutes building row records and die out of memory.
 */
export function checkBatchSize(where: string, name: string, value: unknown, vocabularySize: number): number {
  const rows = check.integer(where, name, value, { min: 1 });
  if (rows * vocabularySize > MAX_LOGITS_PER_STEP) {
    check.invalid(
      where,
      name,
      rows,
      `× vocabularySize ${vocabularySize} = ${rows * vocabularySize} logits per step is more than the ` +
        `${MAX_LOGITS_PER_STEP} one call may hold`,
      `Use at most ${Math.floor(MAX_LOGITS_PER_STEP / vocabularySize)} rows per call, and make several calls for more.`,
    );
  }
  return rows;
}
