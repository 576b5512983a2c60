import { charClassBody } from './char-class.js';
import { describeValue, TokenizeError } from './errors.js';
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

const UTF16_UNITS = 0x10000;

function isLoneUnit(text: string): boolean {
  const unit = text.charCodeAt(0);
  return text.length === 1 && (unit < 0xd800 || unit > 0xdfff);
}

/**
 * Compiles Keras' "translate every filter character to `split`, split on `split`, drop
 * empty strings" into one function, so a tokenizer pays for the set-up once.
 */
export function createWordSplitter(filters: string, split: string): WordSplitter {
  const filterChars = Array.from(new Set(filters));
  if (isLoneUnit(split) && filterChars.every(isLoneUnit)) {
    // Every delimiter is one BMP code unit, so a word is a maximal run of other units:
    // one scan, no intermediate translated copy of the text.
    const isDelimiter = new Uint8Array(UTF16_UNITS);
    isDelimiter[split.charCodeAt(0)] = 1;
    for (const char of filterChars) isDelimiter[char.charCodeAt(0)] = 1;
    return (text) => {
      const words: string[] = [];
      let start = -1;
      for (let i = 0; i < text.length; i++) {
        if (isDelimiter[text.charCodeAt(i)] === 1) {
          if (start >= 0) {
            words.push(text.slice(start, i));
            start = -1;
          }
        } else if (start < 0) {
          start = i;
        }
      }
      if (start >= 0) words.push(text.slice(start));
      return words;
    };
  }
  // General case (multi-character split or astral filter characters): literal Keras semantics.
  const filterPattern =
    filterChars.length > 0 ? new RegExp(`[${charClassBody(filterChars.join(''))}]`, 'gu') : null;
  return (text) => {
    const translated = filterPattern ? text.replace(filterPattern, () => split) : text;
    return translated.split(split).filter((word) => word.length > 0);
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
