import { createValidator, type Validator } from '@rnnkit/core';
import { TokenizeError } from './errors.js';
import type { DecodeOptions } from './types.js';

/**
 * The package's one validation dialect (core's {@link Validator}): messages read
 * `<where>: <name> must be <rule>, got <value>. <fix>`, and an unknown option name fails naming
 * the closest valid one. `check` reports `TOKENIZE_INVALID_OPTION` (options and settings),
 * `checkInput` `TOKENIZE_INVALID_INPUT` (the texts, ids and sequences passed in).
 */
export const check: Validator = createValidator(
  (message) => new TokenizeError('TOKENIZE_INVALID_OPTION', message),
);

/** {@link check} for the data a call is given; failures are `TOKENIZE_INVALID_INPUT`. */
export const checkInput: Validator = createValidator(
  (message) => new TokenizeError('TOKENIZE_INVALID_INPUT', message),
);

/** Checks that `text` is a string. @throws TokenizeError `TOKENIZE_INVALID_INPUT` */
export function requireText(text: unknown, where: string): string {
  return checkInput.string(where, 'text', text);
}

/** Checks `decode`'s options and returns `skipSpecialTokens`. @throws TokenizeError `TOKENIZE_INVALID_OPTION` */
export function resolveSkipSpecialTokens(where: string, options: DecodeOptions | undefined): boolean {
  const { skipSpecialTokens = false } = check.options(where, options, ['skipSpecialTokens']);
  return check.boolean(where, 'skipSpecialTokens', skipSpecialTokens);
}

/** Checks that `texts` is an iterable collection (of texts, sequences or ids), not a single string. */
export function requireTextCollection(texts: unknown, where: string, noun = 'texts'): Iterable<unknown> {
  if (typeof texts === 'string') {
    checkInput.invalid(
      where,
      noun,
      texts,
      `must be a list of ${noun}, not a single string`,
      'Wrap it in an array: [text]. (Keras would treat every character of a bare string as a separate document.)',
    );
  }
  if (texts === null || typeof texts !== 'object' || !(Symbol.iterator in texts)) {
    checkInput.invalid(where, noun, texts, `must be an array (or other iterable) of ${noun}`);
  }
  return texts as Iterable<unknown>;
}

/** Checks that every element of an id sequence is a non-negative integer and returns it as an array. */
export function requireIdSequence(sequence: unknown, position: number, where: string): readonly number[] {
  const name = `sequences[${position}]`;
  if (sequence === null || typeof sequence !== 'object' || !(Symbol.iterator in sequence)) {
    checkInput.invalid(where, name, sequence, 'must be an array of integer ids');
  }
  const ids = Array.from(sequence as Iterable<unknown>);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      checkInput.invalid(where, `${name}[${k}]`, id, 'must be an integer id ≥ 0');
    }
  }
  return ids as number[];
}
