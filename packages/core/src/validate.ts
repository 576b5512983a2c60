import { closestName } from './closest-name.js';
import { describeValue } from './describe-value.js';
import { OTHER_NAMES } from './other-names.js';

/** Makes a package's own invalid-option error from a finished message (e.g. `DATASETS_INVALID_OPTION`). */
export type InvalidOptionError = (message: string) => Error;

/** Bounds of a number: inclusive unless the `*Exclusive` flag is set. Absent bounds are open. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is not allowed. @default false */
  readonly minExclusive?: boolean;
  /** `max` itself is not allowed. @default false */
  readonly maxExclusive?: boolean;
}

/**
 * One package's option checks, all in one dialect: every failure throws the package's
 * invalid-option error with the message `<where>: <name> must be <rule>, got <value>. <fix>`.
 * `where` is the public function or constructor the user called (`'padSequences'`,
 * `'Tokenizer'`); `name` the option or argument as the user spelt it.
 */
export interface Validator {
  /** Throws: `<where>: <name> <rule>, got <value>. <fix>`. */
  invalid(where: string, name: string, value: unknown, rule: string, fix?: string): never;
  /**
   * Checks that `options` is a plain object (or `undefined`, read as `{}`) whose own keys are all
   * in `known`; an unknown key fails naming the closest known one — or, for a name other
   * libraries use ({@link OTHER_NAMES}: Keras' `maxlen`), rnnkit's — so a misspelt option is never
   * silently ignored. Returns the object.
   */
  options<T extends object>(where: string, options: T | undefined, known: readonly string[]): T;
  /**
   * {@link Validator.options} with the keys of `defaults` (plus `required`) as the known names, then
   * `defaults` overlaid with every field of `options` that is not `undefined`. The caller still
   * checks each field's value.
   */
  withDefaults<D extends object, T extends object>(
    where: string,
    options: T | undefined,
    defaults: D,
    required?: readonly string[],
  ): D & T;
  /** A safe integer within `range` (default: any). */
  integer(where: string, name: string, value: unknown, range?: NumberRange): number;
  /** A finite number within `range` (default: any finite number). */
  number(where: string, name: string, value: unknown, range?: NumberRange): number;
  /** `true` or `false`. */
  boolean(where: string, name: string, value: unknown): boolean;
  /** A string; `nonEmpty` also rejects `''`. */
  string(where: string, name: string, value: unknown, nonEmpty?: boolean): string;
  /** One of `choices` (compared with `===`); a near-miss string names the closest choice. */
  oneOf<T>(where: string, name: string, value: unknown, choices: readonly T[]): T;
  /** An integer seed (any safe integer) or `null`; `undefined` reads as `null`. */
  seed(where: string, name: string, value: unknown): number | null;
  /** An `AbortSignal` or `null`; `undefined` reads as `null`. */
  signal(where: string, name: string, value: unknown): AbortSignal | null;
}

/** `'≥ 1'`, `'in [0, 1)'`, `'> 0'`… for a rule. */
export function describeRange(range: NumberRange): string {
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  const hasMin = min !== undefined && min > Number.NEGATIVE_INFINITY;
  const hasMax = max !== undefined && max < Number.POSITIVE_INFINITY;
  if (hasMin && hasMax) return `in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  if (hasMin) return `${minExclusive ? '>' : '≥'} ${min}`;
  if (hasMax) return `${maxExclusive ? '<' : '≤'} ${max}`;
  return '';
}

function inRange(value: number, range: NumberRange): boolean {
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  if (min !== undefined && (minExclusive ? !(value > min) : !(value >= min))) return false;
  if (max !== undefined && (maxExclusive ? !(value < max) : !(value <= max))) return false;
  return true;
}

function quoteChoice(choice: unknown): string {
  return typeof choice === 'string' ? `'${choice}'` : describeValue(choice);
}

/**
 * Builds a package's {@link Validator} around its invalid-option error.
 *
 * @example
 * const check = createValidator((message) => new DatasetsError('DATASETS_INVALID_OPTION', message));
 * check.integer('padSequences', 'maxLength', 0, { min: 1 });
 * // DatasetsError: padSequences: maxLength must be an integer ≥ 1, got 0. Pass an integer ≥ 1.
 */
export function createValidator(makeError: InvalidOptionError): Validator {
  const invalid = (where: string, name: string, value: unknown, rule: string, fix?: string): never => {
    throw makeError(`${where}: ${name} ${rule}, got ${describeValue(value)}.${fix ? ` ${fix}` : ''}`);
  };

  const options = <T extends object>(where: string, given: T | undefined, known: readonly string[]): T => {
    if (given === undefined) return {} as T;
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      invalid(where, 'options', given, 'must be an options object', `Call ${where} with { … } or nothing.`);
    }
    for (const key of Object.keys(given)) {
      if (known.includes(key)) continue;
      const ours = Object.hasOwn(OTHER_NAMES, key)
        ? OTHER_NAMES[key]!.find((name) => known.includes(name))
        : undefined;
      const snake = key.includes('_') ? ' (Python snake_case names are camelCase here.)' : '';
      if (ours !== undefined) {
        throw makeError(
          `${where}: unknown option '${key}'. rnnkit calls it '${ours}'. Known options: ${known.join(', ')}.${snake}`,
        );
      }
      const closest = closestName(key, known);
      const hint = closest === null ? 'It takes no options.' : `Did you mean '${closest}'?`;
      throw makeError(
        `${where}: unknown option '${key}'. ${hint} Known options: ${known.join(', ')}.${snake}`,
      );
    }
    return given;
  };

  const integer = (where: string, name: string, value: unknown, range: NumberRange = {}): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || !inRange(value, range)) {
      const bounds = describeRange(range);
      const rule = `must be an integer${bounds ? ` ${bounds}` : ''}`;
      invalid(where, name, value, rule, `Pass an integer${bounds ? ` ${bounds}` : ''}.`);
    }
    return value as number;
  };

  const number = (where: string, name: string, value: unknown, range: NumberRange = {}): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value, range)) {
      const bounds = describeRange(range);
      const rule = `must be a finite number${bounds ? ` ${bounds}` : ''}`;
      invalid(where, name, value, rule, `Pass a number${bounds ? ` ${bounds}` : ''}.`);
    }
    return value as number;
  };

  return {
    invalid,
    options,
    withDefaults<D extends object, T extends object>(
      where: string,
      given: T | undefined,
      defaults: D,
      required: readonly string[] = [],
    ): D & T {
      const checked = options(where, given, [...required, ...Object.keys(defaults)]);
      const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
      for (const [key, value] of Object.entries(checked)) if (value !== undefined) merged[key] = value;
      return merged as D & T;
    },
    integer,
    number,
    boolean(where, name, value) {
      if (typeof value !== 'boolean') invalid(where, name, value, 'must be true or false', 'Pass a boolean.');
      return value as boolean;
    },
    string(where, name, value, nonEmpty = false) {
      if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
        invalid(where, name, value, `must be a ${nonEmpty ? 'non-empty ' : ''}string`);
      }
      return value as string;
    },
    oneOf<T>(where: string, name: string, value: unknown, choices: readonly T[]): T {
      if (!choices.includes(value as T)) {
        const names = choices.filter((choice): choice is T & string => typeof choice === 'string');
        const closest = typeof value === 'string' ? closestName(value, names) : null;
        invalid(
          where,
          name,
          value,
          `must be one of ${choices.map(quoteChoice).join(', ')}`,
          closest === null ? undefined : `Did you mean '${closest}'?`,
        );
      }
      return value as T;
    },
    seed(where, name, value) {
      if (value === undefined || value === null) return null;
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        invalid(
          where,
          name,
          value,
          'must be an integer or null',
          'Pass e.g. 42, or null for an unseeded run.',
        );
      }
      return value as number;
    },
    signal(where, name, value) {
      if (value === undefined || value === null) return null;
      if (typeof AbortSignal === 'undefined' || !(value instanceof AbortSignal)) {
        invalid(where, name, value, 'must be an AbortSignal or null', 'Pass controller.signal.');
      }
      return value as AbortSignal;
    },
  };
}
