import { SamplingError, type SamplingErrorCode } from './errors.js';

/** A short description of `value` for error messages: its JSON, or its type. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return typeof value;
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return typeof value;
  }
}

/** Throws `SAMPLING_INVALID_OPTION` naming the function, the option, the value, the rule and the fix. */
export function invalidOption(where: string, name: string, value: unknown, rule: string, fix: string): never {
  throw new SamplingError(
    'SAMPLING_INVALID_OPTION',
    `${where}: ${name} ${rule}, got ${describeValue(value)}. ${fix}`,
  );
}

/** Throws a {@link SamplingError} with `code` and `message`. */
export function fail(code: SamplingErrorCode, message: string): never {
  throw new SamplingError(code, message);
}

/**
 * Checks that `options` is a plain object whose keys are all in `known`, so a misspelt
 * option (`top_k`, `max_new_tokens`) fails instead of being silently ignored.
 */
export function checkOptionsObject(where: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail('SAMPLING_INVALID_OPTION', `${where}: options must be an object, got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      fail(
        'SAMPLING_INVALID_OPTION',
        `${where}: unknown option '${key}'. Known options: ${known.join(', ')} ` +
          '(Python snake_case names are camelCase here).',
      );
    }
  }
}

/** An integer in `[min, max]`. */
export function checkInteger(
  where: string,
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min} … ${max}`;
    invalidOption(where, name, value, `must be an integer ${range}`, `Pass an integer ${range}.`);
  }
  return value;
}

/** A finite number with `min < value` (or `≤` with `minInclusive`) and `value ≤ max`. */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  range: { readonly min: number; readonly minInclusive: boolean; readonly max: number },
): number {
  const { min, minInclusive, max } = range;
  const aboveMin = typeof value === 'number' && (minInclusive ? value >= min : value > min);
  if (typeof value !== 'number' || !Number.isFinite(value) || !aboveMin || value > max) {
    const low = `${minInclusive ? '≥' : '>'} ${min}`;
    const rule = max === Number.POSITIVE_INFINITY ? low : `${low} and ≤ ${max}`;
    invalidOption(where, name, value, `must be a finite number ${rule}`, `Pass a number ${rule}.`);
  }
  return value;
}

/** A boolean. */
export function checkBoolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    invalidOption(where, name, value, 'must be a boolean', 'Pass true or false.');
  return value;
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
    typeof (value as ArrayLike<unknown>).length !== 'number' ||
    typeof value === 'string'
  ) {
    invalidOption(where, name, value, 'must be an array of token ids', 'Pass an array such as [0, 5].');
  }
  const ids = Array.from(value as ArrayLike<unknown>);
  for (const id of ids) {
    const limit = vocabularySize === null ? Number.MAX_SAFE_INTEGER : vocabularySize - 1;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > limit) {
      const range = vocabularySize === null ? 'a non-negative integer' : `an integer in 0 … ${limit}`;
      invalidOption(
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
