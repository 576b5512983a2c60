import { describeValue, TokenizeError } from './errors.js';

/** Checks that `value` is a string option. */
export function requireStringOption(value: unknown, name: string, hint: string): string {
  if (typeof value !== 'string') {
    throw new TokenizeError(
      'TOKENIZE_INVALID_OPTION',
      `${name} must be a string, got ${describeValue(value)}. ${hint}`,
    );
  }
  return value;
}

/** Checks that `value` is a boolean option. */
export function requireBooleanOption(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new TokenizeError(
      'TOKENIZE_INVALID_OPTION',
      `${name} must be true or false, got ${describeValue(value)}.`,
    );
  }
  return value;
}

/** Checks that `value` is an integer ≥ `min`. */
export function requireIntegerOption(value: unknown, name: string, min: number, hint: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TokenizeError(
      'TOKENIZE_INVALID_OPTION',
      `${name} must be an integer ≥ ${min}, got ${describeValue(value)}. ${hint}`,
    );
  }
  return value;
}

/** Checks that `texts` is an iterable collection (of texts or sequences), not a single string. */
export function requireTextCollection(texts: unknown, method: string, noun = 'texts'): Iterable<unknown> {
  if (typeof texts === 'string') {
    throw new TokenizeError(
      'TOKENIZE_INVALID_INPUT',
      `${method} takes a list of ${noun}, got a single string; wrap it: ${method}([text]). ` +
        '(Keras would treat every character of a bare string as a separate document.)',
    );
  }
  if (texts === null || typeof texts !== 'object' || !(Symbol.iterator in texts)) {
    throw new TokenizeError(
      'TOKENIZE_INVALID_INPUT',
      `${method} takes an array (or other iterable) of ${noun}, got ${describeValue(texts)}.`,
    );
  }
  return texts as Iterable<unknown>;
}

/** Checks that every element of an id sequence is a non-negative integer and returns it as an array. */
export function requireIdSequence(sequence: unknown, position: number, method: string): readonly number[] {
  if (sequence === null || typeof sequence !== 'object' || !(Symbol.iterator in sequence)) {
    throw new TokenizeError(
      'TOKENIZE_INVALID_INPUT',
      `${method}: sequence ${position} must be an array of integer ids, got ${describeValue(sequence)}.`,
    );
  }
  const ids = Array.from(sequence as Iterable<unknown>);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new TokenizeError(
        'TOKENIZE_INVALID_INPUT',
        `${method}: sequence ${position} holds ${describeValue(id)} at position ${k}; ids are integers ≥ 0.`,
      );
    }
  }
  return ids as number[];
}
