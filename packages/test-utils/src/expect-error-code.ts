import { expect } from 'vitest';

/** An error class with a string `code`, as every rnnkit package's error is. */
// biome-ignore lint/suspicious/noExplicitAny: any constructor signature of an error class.
export type CodedErrorClass<E extends Error & { readonly code: string }> = abstract new (...args: any[]) => E;

function check<E extends Error & { readonly code: string }>(
  thrown: unknown,
  didThrow: boolean,
  ErrorClass: CodedErrorClass<E>,
  code: E['code'],
): E {
  expect(didThrow, `expected ${ErrorClass.name} ${code}, but nothing was thrown`).toBe(true);
  expect(thrown).toBeInstanceOf(ErrorClass);
  expect((thrown as E).code).toBe(code);
  expect((thrown as E).message).not.toMatch(/\[object Object\]|undefined undefined/);
  return thrown as E;
}

/**
 * Expects `fn` to throw (or, when it returns a promise or a promise is passed, to reject with)
 * an instance of `ErrorClass` whose `code` is `code`, and returns that error for further checks.
 * Also fails on a message that prints `[object Object]`.
 *
 * @example
 * expectErrorCode(() => padSequences([[1]], { maxlen: 2 }), DatasetsError, 'DATASETS_INVALID_OPTION');
 * await expectErrorCode(loadModel('missing'), RnnModelsError, 'RNN_MODELS_CHECKPOINT_CORRUPT');
 */
export function expectErrorCode<E extends Error & { readonly code: string }>(
  promise: Promise<unknown>,
  ErrorClass: CodedErrorClass<E>,
  code: E['code'],
): Promise<E>;
export function expectErrorCode<E extends Error & { readonly code: string }, R>(
  fn: () => R,
  ErrorClass: CodedErrorClass<E>,
  code: E['code'],
): [R] extends [never] ? E : [R] extends [Promise<unknown>] ? Promise<E> : E;
export function expectErrorCode<E extends Error & { readonly code: string }>(
  fn: Promise<unknown> | (() => unknown),
  ErrorClass: CodedErrorClass<E>,
  code: E['code'],
): unknown {
  let result: unknown;
  try {
    result = typeof fn === 'function' ? fn() : fn;
  } catch (error) {
    return check(error, true, ErrorClass, code);
  }
  if (result instanceof Promise) {
    return result.then(
      () => check(undefined, false, ErrorClass, code),
      (error: unknown) => check(error, true, ErrorClass, code),
    );
  }
  return check(undefined, false, ErrorClass, code);
}
