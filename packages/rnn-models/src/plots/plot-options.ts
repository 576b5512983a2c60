import { RnnModelsError } from '../errors.js';

/** Drops `undefined` fields, so spreading options over defaults keeps the defaults. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Throws `RNN_MODELS_INVALID_OPTION` unless `value` is an integer in `[1, max]`. */
export function checkPixels(fn: string, name: string, value: unknown, max = 10_000): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${fn} option ${name} must be an integer from 1 to ${max} (pixels), received ${String(value)}.`,
    );
  }
}

/** Throws `RNN_MODELS_INVALID_OPTION` unless `value` is a string. */
export function checkText(fn: string, name: string, value: unknown): void {
  if (typeof value !== 'string') {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${fn} option ${name} must be a string, received ${String(value)}.`,
    );
  }
}
