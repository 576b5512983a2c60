import { charClassBody } from './char-class.js';
import { check, requireText } from './validate.js';

/**
 * Text clean-up steps the Keras, TensorFlow and PyTorch text tutorials apply before
 * tokenizing. Each is a pure `string → string` function; {@link standardize} chains them
 * in a fixed, documented order.
 */

/** Removes a leading byte-order mark (U+FEFF), as files saved by Windows editors start with. */
export function stripBom(text: string): string {
  return requireText(text, 'stripBom').charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Unicode lowercasing (Python's `str.lower`). */
export function lowercase(text: string): string {
  return requireText(text, 'lowercase').toLowerCase();
}

/**
 * Drops accents: NFD-decomposes and removes nonspacing marks (category Mn), the tutorials'
 * `unicodeToAscii` / `unicode_to_ascii`: `'Café Ñandú'` → `'Cafe Nandu'`.
 */
export function stripAccents(text: string): string {
  return requireText(text, 'stripAccents')
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
}

/** Options of {@link separatePunctuation}. */
export interface SeparatePunctuationOptions {
  /**
   * Characters to set apart from the words they touch.
   * @default '.!?'
   */
  readonly punctuation?: string;
}

/**
 * Puts a space on both sides of every punctuation character so it becomes its own token
 * (`"he's here!"` → `"he's here ! "`), the NMT tutorials' `re.sub(r"([?.!,¿])", r" \1 ", w)`.
 * Follow with {@link collapseWhitespace} to tidy the spaces.
 *
 * @throws TokenizeError `TOKENIZE_INVALID_INPUT` for a non-string text, `TOKENIZE_INVALID_OPTION`
 *   for an unknown option (naming the closest valid one) or a non-string `punctuation`.
 */
export function separatePunctuation(text: string, options?: SeparatePunctuationOptions): string {
  return separatePunctuationIn('separatePunctuation', '', text, options);
}

const SEPARATE_PUNCTUATION_DEFAULTS: Readonly<Required<SeparatePunctuationOptions>> = { punctuation: '.!?' };

/** {@link separatePunctuation} reporting errors as `where` (its option names prefixed by `prefix`). */
function separatePunctuationIn(
  where: string,
  prefix: string,
  text: string,
  options: SeparatePunctuationOptions | undefined,
): string {
  requireText(text, where);
  const { punctuation } = check.withDefaults(where, options, SEPARATE_PUNCTUATION_DEFAULTS);
  check.string(where, `${prefix}punctuation`, punctuation);
  if (punctuation.length === 0) return text;
  return text.replace(new RegExp(`([${charClassBody(punctuation)}])`, 'gu'), ' $1 ');
}

/** Options of {@link replaceNonLetters}. */
export interface ReplaceNonLettersOptions {
  /**
   * Characters kept besides letters (e.g. `'.!?'` or `"'"`).
   * @default ''
   */
  readonly keep?: string;
  /**
   * What replaces each run of other characters.
   * @default ' '
   */
  readonly replacement?: string;
  /**
   * `'unicode'`: any letter (`\p{L}`); `'ascii'`: only `a-zA-Z`, as the PyTorch tutorial's `[^a-zA-Z.!?]+`.
   * @default 'unicode'
   */
  readonly letters?: 'unicode' | 'ascii';
}

/**
 * Replaces every run of characters that are neither letters nor in `keep` with
 * `replacement`: `replaceNonLetters('go, now! 42', { keep: '!', letters: 'ascii' })` → `'go now! '`.
 *
 * @throws TokenizeError `TOKENIZE_INVALID_INPUT` for a non-string text, `TOKENIZE_INVALID_OPTION`
 *   for an unknown option (naming the closest valid one) or an invalid value.
 */
export function replaceNonLetters(text: string, options?: ReplaceNonLettersOptions): string {
  return replaceNonLettersIn('replaceNonLetters', '', text, options);
}

const REPLACE_NON_LETTERS_DEFAULTS: Readonly<Required<ReplaceNonLettersOptions>> = {
  keep: '',
  replacement: ' ',
  letters: 'unicode',
};

/** {@link replaceNonLetters} reporting errors as `where` (its option names prefixed by `prefix`). */
function replaceNonLettersIn(
  where: string,
  prefix: string,
  text: string,
  options: ReplaceNonLettersOptions | undefined,
): string {
  requireText(text, where);
  const { keep, replacement, letters } = check.withDefaults(where, options, REPLACE_NON_LETTERS_DEFAULTS);
  check.string(where, `${prefix}keep`, keep);
  check.string(where, `${prefix}replacement`, replacement);
  check.oneOf(where, `${prefix}letters`, letters, ['unicode', 'ascii'] as const);
  const letterClass = letters === 'ascii' ? 'a-zA-Z' : '\\p{L}';
  const keepClass = keep.length > 0 ? charClassBody(keep) : '';
  // A function, so `$&` or `$1` in the replacement stay literal.
  return text.replace(new RegExp(`[^${letterClass}${keepClass}]+`, 'gu'), () => replacement);
}

/** Turns every run of whitespace into one space and trims both ends. */
export function collapseWhitespace(text: string): string {
  return requireText(text, 'collapseWhitespace').replace(/\s+/gu, ' ').trim();
}

/** Steps of {@link standardize}; each is off unless set. */
export interface StandardizeOptions {
  /** @default false */
  readonly stripBom?: boolean;
  /** @default false */
  readonly lowercase?: boolean;
  /** @default false */
  readonly stripAccents?: boolean;
  /** `true` for the default punctuation `'.!?'`, or options. @default false */
  readonly separatePunctuation?: boolean | SeparatePunctuationOptions;
  /** `true` for letters only, or options. @default false */
  readonly replaceNonLetters?: boolean | ReplaceNonLettersOptions;
  /** @default false */
  readonly collapseWhitespace?: boolean;
}

/**
 * Applies the chosen steps in this order: stripBom, lowercase, stripAccents,
 * separatePunctuation, replaceNonLetters, collapseWhitespace.
 *
 * @example
 * // The PyTorch seq2seq tutorial's normalizeString:
 * standardize('Va-t’en, Élise!', {
 *   lowercase: true, stripAccents: true, separatePunctuation: true,
 *   replaceNonLetters: { keep: '.!?', letters: 'ascii' }, collapseWhitespace: true,
 * }); // 'va t en elise !'
 *
 * @throws TokenizeError `TOKENIZE_INVALID_INPUT` for a non-string text, `TOKENIZE_INVALID_OPTION`
 *   for an unknown step or step option (naming the closest valid one) or an invalid value.
 */
export function standardize(text: string, options?: StandardizeOptions): string {
  const where = 'standardize';
  let out = requireText(text, where);
  const steps = check.withDefaults(where, options, STANDARDIZE_DEFAULTS);
  const separate = stepOptions(where, 'separatePunctuation', steps.separatePunctuation);
  const replace = stepOptions(where, 'replaceNonLetters', steps.replaceNonLetters);
  if (check.boolean(where, 'stripBom', steps.stripBom)) out = stripBom(out);
  if (check.boolean(where, 'lowercase', steps.lowercase)) out = lowercase(out);
  if (check.boolean(where, 'stripAccents', steps.stripAccents)) out = stripAccents(out);
  if (separate !== null) out = separatePunctuationIn(where, 'separatePunctuation.', out, separate);
  if (replace !== null) out = replaceNonLettersIn(where, 'replaceNonLetters.', out, replace);
  if (check.boolean(where, 'collapseWhitespace', steps.collapseWhitespace)) out = collapseWhitespace(out);
  return out;
}

const STANDARDIZE_DEFAULTS: Readonly<Required<StandardizeOptions>> = {
  stripBom: false,
  lowercase: false,
  stripAccents: false,
  separatePunctuation: false,
  replaceNonLetters: false,
  collapseWhitespace: false,
};

/** A step given as `true` (default options), `false` (off, as `null`) or its options object. */
function stepOptions<T extends object>(where: string, name: string, step: boolean | T): T | undefined | null {
  if (step === true) return undefined;
  if (step === false) return null;
  if (step === null || typeof step !== 'object' || Array.isArray(step)) {
    check.invalid(where, name, step, 'must be true, false or an options object');
  }
  return step;
}
