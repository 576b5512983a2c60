import { createWordScanner } from './token-scanner.js';
import { IDENTITY_UNITS, unitsToString } from './token-table.js';
import { check, requireText } from './validate.js';

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

const TEXT_TO_WORD_SEQUENCE_DEFAULTS: Readonly<Required<TextToWordSequenceOptions>> = {
  filters: KERAS_DEFAULT_FILTERS,
  lower: true,
  split: ' ',
};

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
 *
 * @throws TokenizeError `TOKENIZE_INVALID_INPUT` for a non-string text, `TOKENIZE_INVALID_OPTION`
 *   for an unknown option (naming the closest valid one) or an invalid value (`split: ''`).
 */
export function textToWordSequence(text: string, options?: TextToWordSequenceOptions): string[] {
  const where = 'textToWordSequence';
  requireText(text, where);
  const { filters, lower, split } = check.withDefaults(where, options, TEXT_TO_WORD_SEQUENCE_DEFAULTS);
  check.string(where, 'filters', filters);
  check.string(where, 'split', split, true);
  return createWordSplitter(filters, split)(check.boolean(where, 'lower', lower) ? text.toLowerCase() : text);
}
