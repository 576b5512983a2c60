import { charClassBody } from './char-class.js';
import { describeValue, TokenizeError } from './errors.js';

/**
 * Text clean-up steps the Keras, TensorFlow and PyTorch text tutorials apply before
 * tokenizing. Each is a pure `string → string` function; {@link standardize} chains them
 * in a fixed, documented order.
 */

function requireText(text: unknown, fn: string): string {
  if (typeof text !== 'string') {
    throw new TokenizeError('TOKENIZE_INVALID_INPUT', `${fn} takes a string, got ${describeValue(text)}.`);
  }
  return text;
}

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
 */
export function separatePunctuation(text: string, options: SeparatePunctuationOptions = {}): string {
  const punctuation = options.punctuation ?? '.!?';
  requireText(text, 'separatePunctuation');
  if (typeof punctuation !== 'string') {
    throw new TokenizeError(
      'TOKENIZE_INVALID_OPTION',
      `punctuation must be a string, got ${describeValue(punctuation)}.`,
    );
  }
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
 */
export function replaceNonLetters(text: string, options: ReplaceNonLettersOptions = {}): string {
  const { keep = '', replacement = ' ', letters = 'unicode' } = options;
  requireText(text, 'replaceNonLetters');
  if (letters !== 'unicode' && letters !== 'ascii') {
    throw new TokenizeError(
      'TOKENIZE_INVALID_OPTION',
      `letters must be 'unicode' or 'ascii', got ${describeValue(letters)}.`,
    );
  }
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
 */
export function standardize(text: string, options: StandardizeOptions): string {
  let out = requireText(text, 'standardize');
  if (options.stripBom === true) out = stripBom(out);
  if (options.lowercase === true) out = lowercase(out);
  if (options.stripAccents === true) out = stripAccents(out);
  if (options.separatePunctuation) out = separatePunctuation(out, stepOptions(options.separatePunctuation));
  if (options.replaceNonLetters) out = replaceNonLetters(out, stepOptions(options.replaceNonLetters));
  if (options.collapseWhitespace === true) out = collapseWhitespace(out);
  return out;
}

function stepOptions<T extends object>(step: true | T): T | undefined {
  return step === true ? undefined : step;
}
