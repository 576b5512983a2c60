import { expect } from 'vitest';
import { TokenizeError, type TokenizeErrorCode } from '../src/errors.js';

/** Asserts that `fn` throws a TokenizeError with `code` (never the wording) and returns it. */
export function expectTokenizeError(fn: () => unknown, code: TokenizeErrorCode): TokenizeError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(TokenizeError);
  expect((thrown as TokenizeError).code).toBe(code);
  return thrown as TokenizeError;
}
