import { DatasetsError, describeValue } from '../errors.js';

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
