import { DatasetsError, describeValue } from './errors.js';

/**
 * Checks that `options` is a plain object whose keys are all keys of `defaults` or
 * `requiredKeys`, then returns `defaults` overlaid with the fields that are not `undefined`.
 * The caller still validates every field of the result; this only guards the object's shape,
 * so a misspelt option (Keras' `max_len`, say) fails instead of being silently ignored.
 * @param what the function name used in messages, e.g. `'padSequences'`.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` if `options` is not an object or has an unknown key.
 */
export function mergeKnownOptions(
  options: unknown,
  defaults: object,
  what: string,
  requiredKeys: readonly string[] = [],
): Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new DatasetsError(
      'DATASETS_INVALID_OPTION',
      `${what} options must be an object, got ${describeValue(options)}.`,
    );
  }
  const known = [...requiredKeys, ...Object.keys(defaults)];
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) {
      throw new DatasetsError(
        'DATASETS_INVALID_OPTION',
        `Unknown ${what} option '${key}'. Known options: ${known.join(', ')} ` +
          '(Keras snake_case names are camelCase here).',
      );
    }
    if (value !== undefined) given[key] = value;
  }
  return { ...defaults, ...given };
}
