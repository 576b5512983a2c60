import { describeValue, TokenizeError } from './errors.js';
import { KERAS_DEFAULT_FILTERS } from './text-to-word-sequence.js';
import { requireBooleanOption, requireIntegerOption, requireStringOption } from './validate.js';

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

/** {@link TokenizerOptions} with every default filled in. */
export interface ResolvedTokenizerOptions {
  readonly numWords: number | null;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | null;
  readonly documentCount: number;
}

/** The documented defaults, which are Keras' defaults. */
export const DEFAULT_TOKENIZER_OPTIONS: ResolvedTokenizerOptions = Object.freeze({
  numWords: null,
  filters: KERAS_DEFAULT_FILTERS,
  lower: true,
  split: ' ',
  charLevel: false,
  oovToken: null,
  documentCount: 0,
});

/** Validates tokenizer options and fills in defaults. @throws TokenizeError `TOKENIZE_INVALID_OPTION` */
export function resolveTokenizerOptions(options: TokenizerOptions = {}): ResolvedTokenizerOptions {
  if (options === null || typeof options !== 'object') {
    throw new TokenizeError(
      'TOKENIZE_INVALID_OPTION',
      `Tokenizer options must be an object, got ${describeValue(options)}.`,
    );
  }
  const known = new Set(Object.keys(DEFAULT_TOKENIZER_OPTIONS));
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new TokenizeError(
        'TOKENIZE_INVALID_OPTION',
        `Unknown Tokenizer option '${key}'. Known options: ${[...known].join(', ')} ` +
          '(Keras snake_case names are camelCase here: num_words → numWords).',
      );
    }
  }
  const merged = { ...DEFAULT_TOKENIZER_OPTIONS, ...stripUndefined(options) };
  const numWords =
    merged.numWords === null
      ? null
      : requireIntegerOption(
          merged.numWords,
          'numWords',
          1,
          'Use null to keep every word; numWords: N keeps the N-1 most frequent words.',
        );
  const split = requireStringOption(merged.split, 'split', "Use ' ' to split on spaces.");
  if (split.length === 0) {
    throw new TokenizeError(
      'TOKENIZE_INVALID_OPTION',
      "split must not be empty; use ' ' to split on spaces.",
    );
  }
  const oovToken =
    merged.oovToken === null
      ? null
      : requireStringOption(merged.oovToken, 'oovToken', "Use null for no OOV token, or e.g. '<OOV>'.");
  return {
    numWords,
    filters: requireStringOption(merged.filters, 'filters', "Use '' to keep every character."),
    lower: requireBooleanOption(merged.lower, 'lower'),
    split,
    charLevel: requireBooleanOption(merged.charLevel, 'charLevel'),
    oovToken,
    documentCount: requireIntegerOption(
      merged.documentCount,
      'documentCount',
      0,
      'It counts fitted documents.',
    ),
  };
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
