import { KERAS_DEFAULT_FILTERS } from './text-to-word-sequence.js';
import { check } from './validate.js';

/** Options of {@link Tokenizer}; names and defaults are those of Keras' `Tokenizer`. */
export interface TokenizerOptions {
  /**
   * Keep only ids below `numWords`, i.e. the `numWords - 1` most frequent words; rarer
   * words are dropped when encoding, or mapped to the OOV id if `oovToken` is set.
   * `null` keeps every word.
   * @default null
   */
  readonly numWords?: number | null;
  /**
   * Characters removed from texts (replaced by `split`) in word mode. Ignored in char mode,
   * as in Keras.
   * @default KERAS_DEFAULT_FILTERS
   */
  readonly filters?: string;
  /**
   * Lowercase texts before tokenizing.
   * @default true
   */
  readonly lower?: boolean;
  /**
   * Word separator.
   * @default ' '
   */
  readonly split?: string;
  /**
   * Every character is a token.
   * @default false
   */
  readonly charLevel?: boolean;
  /**
   * Token that gets id 1 and stands for every unknown (or beyond-`numWords`) word.
   * @default null
   */
  readonly oovToken?: string | null;
  /**
   * Number of documents already seen (used by `tfidf`).
   * @default 0
   */
  readonly documentCount?: number;
}

/** {@link TokenizerOptions} with every default filled in (internal: not exported from the package). */
export type ResolvedTokenizerOptions = Readonly<Required<TokenizerOptions>>;

/** The documented defaults, which are Keras' defaults. */
export const DEFAULT_TOKENIZER_OPTIONS: Readonly<Required<TokenizerOptions>> = Object.freeze({
  numWords: null,
  filters: KERAS_DEFAULT_FILTERS,
  lower: true,
  split: ' ',
  charLevel: false,
  oovToken: null,
  documentCount: 0,
});

/**
 * Validates tokenizer options and fills in defaults (internal: the resolved shape is not API).
 * @throws TokenizeError `TOKENIZE_INVALID_OPTION`, naming the closest valid option for an unknown one.
 */
export function resolveTokenizerOptions(options?: TokenizerOptions): ResolvedTokenizerOptions {
  const where = 'Tokenizer';
  const merged = check.withDefaults(where, options, DEFAULT_TOKENIZER_OPTIONS);
  const { numWords, oovToken } = merged;
  if (numWords !== null && !(Number.isSafeInteger(numWords) && numWords >= 1)) {
    check.invalid(
      where,
      'numWords',
      numWords,
      'must be an integer ≥ 1 or null',
      'Use null to keep every word; numWords: N keeps the N-1 most frequent words.',
    );
  }
  if (oovToken !== null && typeof oovToken !== 'string') {
    check.invalid(
      where,
      'oovToken',
      oovToken,
      'must be a string or null',
      "Use null for no OOV token, or e.g. '<OOV>'.",
    );
  }
  return {
    numWords,
    filters: check.string(where, 'filters', merged.filters),
    lower: check.boolean(where, 'lower', merged.lower),
    split: check.string(where, 'split', merged.split, true),
    charLevel: check.boolean(where, 'charLevel', merged.charLevel),
    oovToken,
    documentCount: check.integer(where, 'documentCount', merged.documentCount, { min: 0 }),
  };
}
