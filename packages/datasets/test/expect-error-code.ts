import { expect } from 'vitest';
import { DatasetsError, type DatasetsErrorCode } from '../src/errors.js';

/** Asserts that `fn` throws a {@link DatasetsError} with `code` (never the wording) and returns it. */
export function expectErrorCode(fn: () => unknown, code: DatasetsErrorCode): DatasetsError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DatasetsError);
  expect((thrown as DatasetsError).code).toBe(code);
  return thrown as DatasetsError;
}
