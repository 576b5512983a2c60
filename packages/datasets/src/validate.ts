import { createValidator, describeValue } from '@rnnkit/core';
import { DatasetsError } from './errors.js';

/**
 * The package's one option checker (core's validator): every failure is a
 * `DATASETS_INVALID_OPTION` reading `<function>: <option> must be <rule>, got <value>. <fix>`,
 * and unknown option names fail naming the closest known one.
 */
export const check = createValidator((message) => new DatasetsError('DATASETS_INVALID_OPTION', message));

/**
 * Names other libraries (Keras, the TensorFlow tutorials) or earlier rnnkit versions use for an
 * option rnnkit spells otherwise: a user who passes one is told ours, not merely the nearest
 * spelling (`labelWidth` is nearer to `shift` than to `outputSteps`).
 */
const RENAMED: Readonly<Record<string, readonly string[]>> = {
  maxlen: ['maxLength'],
  max_len: ['maxLength'],
  maxLen: ['maxLength'],
  length: ['sequenceLength', 'maxLength'],
  seqLength: ['sequenceLength'],
  seq_length: ['sequenceLength'],
  inputWidth: ['inputSteps'],
  input_width: ['inputSteps'],
  labelWidth: ['outputSteps'],
  label_width: ['outputSteps'],
  value: ['padValue'],
  num_samples: ['maxPairs'],
};

function rejectRenamed(where: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object') return;
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const ours = RENAMED[key]?.find((name) => known.includes(name));
    if (ours !== undefined) {
      throw new DatasetsError(
        'DATASETS_INVALID_OPTION',
        `${where}: unknown option '${key}'. Did you mean '${ours}'? rnnkit spells it ${ours}. ` +
          `Known options: ${known.join(', ')}.`,
      );
    }
  }
}

/**
 * {@link check}`.options`, naming rnnkit's spelling for an option known elsewhere by another
 * name (Keras' `maxlen` → `maxLength`).
 */
export function knownOptions<T extends object>(
  where: string,
  options: T | undefined,
  known: readonly string[],
): T {
  rejectRenamed(where, options, known);
  return check.options(where, options, known);
}

/** {@link check}`.withDefaults`, with the renamed-option hint of {@link knownOptions}. */
export function withDefaults<D extends object, T extends object>(
  where: string,
  options: T | undefined,
  defaults: D,
  required: readonly string[] = [],
): D & T {
  rejectRenamed(where, options, [...required, ...Object.keys(defaults)]);
  return check.withDefaults(where, options, defaults, required);
}

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
