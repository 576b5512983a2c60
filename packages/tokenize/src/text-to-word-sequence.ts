import { describeValue, TokenizeError } from './errors.js';
import { createWordScanner } from './token-scanner.js';
import { IDENTITY_UNITS, unitsToString } from './token-table.js';
import { requireBooleanOption, requireStringOption } from './validate.js';

/** Keras' default `filters`: ASCII punctuation except `'`, plus tab and newline. */
export const KERAS_DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/** Options of {@link textToWordSequence}, named as in Keras. */
export interface TextToWordSequenceOptions {
  /**
   * Characters replaced by `split` before splitting.
   * @default KERAS_DEFAULT_FILTERS
   */
  readonly filters?: string;
  /**
   * Lowercase the text first.
   * @default true
   */
  readonly lower?: boolean;
  /**
   * Separator between words.
   * @default ' '
   */
  readonly split?: string;
}

/** Splits already-lowercased text into words. */
export type WordSplitter = (text: string) => string[];

/** {@link createWordScanner} collecting the words as strings. */
export function createWordSplitter(filters: string, split: string): WordSplitter {
  const scanner = createWordScanner(filters, split);
  return (text) => {
    const words: string[] = [];
    scanner.scan(text, (units, length) => words.push(unitsToString(units, length)), IDENTITY_UNITS);
    return words;
  };
}

/**
 * Keras `text_to_word_sequence`: lowercase (optionally), replace every character of
 * `filters` with `split`, split on `split` and drop empty strings.
 *
 * @example
 * textToWordSequence("Hello, World! It's here.") // ['hello', 'world', "it's", 'here']
 */
export function textToWordSequence(text: string, options: TextToWordSequenceOptions = {}): string[] {
  const { filters = KERAS_DEFAULT_FILTERS, lower = true, split = ' ' } = options;
  if (typeof text !== 'string') {
    throw new TokenizeError(
      'TOKENIZE_INVALID_INPUT',
      `textToWordSequence takes a string, got ${describeValue(text)}.`,
    );
  }
  requireStringOption(filters, 'filters', "Use '' to keep every character.");
  if (requireStringOption(split, 'split', "Use ' ' to split on spaces.").length === 0) {
    throw new TokenizeError(
      'TOKENIZE_INVALID_OPTION',
      "split must not be empty; use ' ' to split on spaces.",
    );
  }
  return createWordSplitter(filters, split)(requireBooleanOption(lower, 'lower') ? text.toLowerCase() : text);
}
