import { type StandardizeOptions, standardize, TokenizeError } from '@rnnkit/tokenize';
import { Seq2SeqError } from '../errors.js';

/** Whether a token is one word (split on whitespace) or one character (a Unicode code point). */
export type TokenLevel = 'word' | 'char';

/** The two {@link TokenLevel}s. */
export const TOKEN_LEVELS: readonly TokenLevel[] = Object.freeze(['word', 'char']);

/**
 * The translation notebook's preprocessing (the TensorFlow NMT tutorial's `preprocess_sentence`):
 * lowercase, strip accents (NFD, drop nonspacing marks), put spaces around `? . ! , ¿`, replace every
 * run of other non-letters by a space, collapse whitespace. One deviation: letters are Unicode
 * letters, not only `a-zA-Z`, so `œ`, `ß` and non-Latin scripts survive (the notebook's ASCII class
 * would turn `cœur` into `c ur`). Digits, apostrophes and other symbols are removed, as in the
 * notebook: `"I'm 17."` → `'i m .'`.
 *
 * @example
 * standardize('Va-t’en, Élise !', TRANSLATION_STANDARDIZE) // 'va t en , elise !'
 */
export const TRANSLATION_STANDARDIZE: StandardizeOptions = Object.freeze({
  lowercase: true,
  stripAccents: true,
  separatePunctuation: Object.freeze({ punctuation: '?.!,¿' }),
  replaceNonLetters: Object.freeze({ keep: '?.!,¿', letters: 'unicode' as const }),
  collapseWhitespace: true,
});

/**
 * The `standardize` option as given (`true` = {@link TRANSLATION_STANDARDIZE}, `false` = none, or
 * `@rnnkit/tokenize` standardize steps) → the steps applied, or `null` for none. The steps are
 * checked once here, so a misspelt step fails before any text is read.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` naming `where`, with tokenize's error as `cause`.
 */
export function resolveStandardize(where: string, value: unknown): StandardizeOptions | null {
  if (value === false || value === null) return null;
  if (value === true || value === undefined) return TRANSLATION_STANDARDIZE;
  try {
    standardize('x', value as StandardizeOptions);
  } catch (cause) {
    if (!(cause instanceof TokenizeError)) throw cause;
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_OPTION',
      `${where}: standardize must be true, false or @rnnkit/tokenize standardize steps: ${cause.message}`,
      { cause },
    );
  }
  return value as StandardizeOptions;
}

/** Applies the resolved standardize steps (`null`: none). */
export function standardizeText(text: string, steps: StandardizeOptions | null): string {
  return steps === null ? text : standardize(text, steps);
}

/**
 * The tokens of a standardised text: words split on whitespace (empty strings dropped), or code
 * points. {@link joinTokens} is the inverse on {@link canonicalText}.
 */
export function splitTokens(text: string, level: TokenLevel): string[] {
  if (level === 'char') return [...text];
  return text.split(/\s+/u).filter((word) => word.length > 0);
}

/** Words joined by one space, characters joined directly. */
export function joinTokens(tokens: readonly string[], level: TokenLevel): string {
  return tokens.join(level === 'word' ? ' ' : '');
}
