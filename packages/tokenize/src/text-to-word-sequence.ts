import { charClassBody } from './char-class.js';
import { describeValue, TokenizeError } from './errors.js';
import { HASH_SEED, hashRange, hashStep } from './token-table.js';
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

/**
 * Reports each token of `text` as a range `[start, end)` of `source`: `text` itself, or the
 * filtered copy of it when filtering had to rewrite the text. Lets callers look tokens up
 * without allocating a string per token.
 */
export type TokenScanner = (text: string, visit: TokenVisitor) => void;

/** Receives one token: its range in `source` and its {@link hashRange} (computed while scanning). */
export type TokenVisitor = (source: string, start: number, end: number, hash: number) => void;

const UTF16_UNITS = 0x10000;

function isLoneUnit(text: string): boolean {
  const unit = text.charCodeAt(0);
  return text.length === 1 && (unit < 0xd800 || unit > 0xdfff);
}

/**
 * Compiles Keras' "translate every filter character to `split`, split on `split`, drop
 * empty strings" into a scanner, so a tokenizer pays for the set-up once.
 */
export function createWordScanner(filters: string, split: string): TokenScanner {
  const filterChars = Array.from(new Set(filters));
  if (isLoneUnit(split) && filterChars.every(isLoneUnit)) {
    // Every delimiter is one BMP code unit, so a word is a maximal run of other units:
    // one pass, no translated copy of the text.
    const isDelimiter = new Uint8Array(UTF16_UNITS);
    isDelimiter[split.charCodeAt(0)] = 1;
    for (const char of filterChars) isDelimiter[char.charCodeAt(0)] = 1;
    return (text, visit) => {
      let start = -1;
      let hash = HASH_SEED;
      const length = text.length;
      for (let i = 0; i < length; i++) {
        const unit = text.charCodeAt(i);
        if (isDelimiter[unit] === 1) {
          if (start >= 0) {
            visit(text, start, i, hash);
            start = -1;
          }
        } else {
          if (start < 0) {
            start = i;
            hash = HASH_SEED;
          }
          hash = hashStep(hash, unit);
        }
      }
      if (start >= 0) visit(text, start, length, hash);
    };
  }
  // General case (multi-character split or astral filter characters): literal Keras semantics.
  const filterPattern =
    filterChars.length > 0 ? new RegExp(`[${charClassBody(filterChars.join(''))}]`, 'gu') : null;
  return (text, visit) => {
    const translated = filterPattern ? text.replace(filterPattern, () => split) : text;
    let start = 0;
    for (;;) {
      const end = translated.indexOf(split, start);
      const stop = end < 0 ? translated.length : end;
      if (stop > start) visit(translated, start, stop, hashRange(translated, start, stop));
      if (end < 0) return;
      start = end + split.length;
    }
  };
}

/** Whether a high surrogate at `index` is followed by a low one: one astral character. */
export function isSurrogatePair(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  const next = text.charCodeAt(index + 1); // NaN past the end
  return unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
}

/** Scans every code point of `text` as one token (a surrogate pair is one character, as in Python). */
export const scanCharacters: TokenScanner = (text, visit) => {
  for (let i = 0; i < text.length; i++) {
    if (isSurrogatePair(text, i)) {
      visit(text, i, i + 2, hashRange(text, i, i + 2));
      i++;
    } else {
      visit(text, i, i + 1, 0); // single units are looked up without a hash
    }
  }
};

/** {@link createWordScanner} collecting the words as strings. */
export function createWordSplitter(filters: string, split: string): WordSplitter {
  const scan = createWordScanner(filters, split);
  return (text) => {
    const words: string[] = [];
    scan(text, (source, start, end) => words.push(source.slice(start, end)));
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
