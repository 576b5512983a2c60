import { describeValue } from '@rnnkit/core';
import { TokenizeError } from './errors.js';
import { parseJson } from './ordered-json.js';
import type { DecodeOptions, SpecialTokenIds, Vocabulary } from './types.js';
import {
  check,
  checkInput,
  requireText,
  requireTextCollection,
  resolveSkipSpecialTokens,
} from './validate.js';

/** Special tokens a {@link CharVocabulary} reserves ids for; each is any string, e.g. `'<pad>'`. */
export interface CharSpecialTokens {
  readonly pad?: string;
  readonly oov?: string;
  readonly bos?: string;
  readonly eos?: string;
}

/** Options of {@link CharVocabulary}. */
export interface CharVocabularyOptions {
  /**
   * Reserve the first ids for these tokens, in the order pad, oov, bos, eos (only those
   * given); characters follow. Without any, ids are exactly the tutorials' `sorted(set(text))` positions.
   * @default {}
   */
  readonly specialTokens?: CharSpecialTokens;
  /**
   * Lowercase text when building the vocabulary and when encoding.
   * @default false
   */
  readonly lower?: boolean;
}

/** Options of {@link CharVocabulary.encode}. */
export interface CharEncodeOptions {
  /**
   * Prepend the BOS id (requires a `bos` special token).
   * @default false
   */
  readonly addBos?: boolean;
  /**
   * Append the EOS id (requires an `eos` special token).
   * @default false
   */
  readonly addEos?: boolean;
}

const SPECIAL_ORDER = ['pad', 'oov', 'bos', 'eos'] as const;
type SpecialName = (typeof SPECIAL_ORDER)[number];

const byCodePoint = (a: string, b: string) => a.codePointAt(0)! - b.codePointAt(0)!;

/** Checks {@link CharVocabularyOptions} for `where` and fills in the defaults. */
function resolveCharVocabularyOptions(
  where: string,
  options: CharVocabularyOptions | undefined,
): { specialTokens: CharSpecialTokens; lower: boolean } {
  const { specialTokens = {}, lower = false } = check.options(where, options, ['specialTokens', 'lower']);
  if (specialTokens === null || typeof specialTokens !== 'object' || Array.isArray(specialTokens)) {
    check.invalid(
      where,
      'specialTokens',
      specialTokens,
      'must be an object',
      "Pass e.g. { pad: '<pad>', oov: '<unk>' }.",
    );
  }
  check.options(`${where} specialTokens`, specialTokens, SPECIAL_ORDER);
  return { specialTokens, lower: check.boolean(where, 'lower', lower) };
}

/**
 * A 0-based character ↔ id map: the `chars = sorted(set(text))`, `char2idx`, `idx2char`
 * of the TensorFlow text-generation tutorials, plus optional reserved special tokens.
 * Characters are Unicode code points (an emoji is one character, as in Python) and are
 * sorted by code point, as Python's `sorted` does.
 *
 * @example
 * const vocab = CharVocabulary.fromText('hello');
 * vocab.chars;            // ['e', 'h', 'l', 'o']
 * vocab.encode('hole');   // [1, 3, 2, 0]
 * vocab.decode([1, 0]);   // 'he'
 */
export class CharVocabulary implements Vocabulary {
  readonly level = 'char' as const;
  /** The characters, in id order (after any special tokens). */
  readonly chars: readonly string[];
  /** Every token by id: special tokens first, then the characters. */
  readonly tokens: readonly string[];
  readonly specialIds: SpecialTokenIds;
  readonly specialTokens: CharSpecialTokens;
  readonly lower: boolean;
  readonly #ids: ReadonlyMap<string, number>;

  /**
   * @param chars distinct single characters, in the id order wanted.
   * @throws TokenizeError `TOKENIZE_INVALID_INPUT` for repeated or multi-character entries,
   *   `TOKENIZE_INVALID_OPTION` for bad or colliding special tokens, `TOKENIZE_EMPTY_CORPUS` for no characters.
   */
  constructor(chars: readonly string[], options?: CharVocabularyOptions) {
    const { specialTokens, lower } = resolveCharVocabularyOptions('CharVocabulary', options);
    this.lower = lower;
    if (!Array.isArray(chars) || chars.length === 0) {
      throw new TokenizeError(
        'TOKENIZE_EMPTY_CORPUS',
        `A CharVocabulary needs at least one character, got ${describeValue(chars)}. Build it from non-empty text.`,
      );
    }
    const tokens: string[] = [];
    const ids = new Map<string, number>();
    const specialIds: Partial<Record<SpecialName, number>> = {};
    const keptSpecials: Partial<Record<SpecialName, string>> = {};
    for (const name of SPECIAL_ORDER) {
      const token = specialTokens[name];
      if (token === undefined) continue;
      check.string('CharVocabulary', `specialTokens.${name}`, token, true);
      if (ids.has(token)) {
        check.invalid(
          'CharVocabulary',
          `specialTokens.${name}`,
          token,
          'must differ from the other special tokens',
          'Give each special token its own string.',
        );
      }
      specialIds[name] = tokens.length;
      keptSpecials[name] = token;
      ids.set(token, tokens.length);
      tokens.push(token);
    }
    const specialCount = tokens.length;
    chars.forEach((char, position) => {
      if (typeof char !== 'string' || [...char].length !== 1) {
        checkInput.invalid('CharVocabulary', `chars[${position}]`, char, 'must be exactly one character');
      }
      if (ids.has(char)) {
        throw new TokenizeError(
          ids.get(char)! < specialCount ? 'TOKENIZE_INVALID_OPTION' : 'TOKENIZE_INVALID_INPUT',
          `${JSON.stringify(char)} appears twice (chars[${position}] repeats a character or a special token). ` +
            'Characters must be distinct, and special tokens must not be single characters of the text.',
        );
      }
      ids.set(char, tokens.length);
      tokens.push(char);
    });
    this.chars = Object.freeze(chars.slice());
    this.tokens = Object.freeze(tokens);
    this.specialIds = Object.freeze(specialIds);
    this.specialTokens = Object.freeze(keptSpecials);
    this.#ids = ids;
  }

  /**
   * The vocabulary of `text`: its distinct characters sorted by code point (Python's
   * `sorted(set(text))`). Pass several texts as an iterable to build one vocabulary over all.
   *
   * @throws TokenizeError `TOKENIZE_EMPTY_CORPUS` for empty text, `TOKENIZE_INVALID_INPUT` for non-strings.
   */
  static fromText(text: string | Iterable<string>, options?: CharVocabularyOptions): CharVocabulary {
    const where = 'CharVocabulary.fromText';
    const { lower } = resolveCharVocabularyOptions(where, options);
    const texts: Iterable<unknown> = typeof text === 'string' ? [text] : text;
    if (texts === null || typeof texts !== 'object' || !(Symbol.iterator in texts)) {
      checkInput.invalid(where, 'text', text, 'must be a string or an iterable of strings');
    }
    const seen = new Set<string>();
    let position = 0;
    for (const item of texts) {
      checkInput.string(where, `text[${position}]`, item);
      for (const char of lower ? (item as string).toLowerCase() : (item as string)) seen.add(char);
      position++;
    }
    if (seen.size === 0) {
      throw new TokenizeError(
        'TOKENIZE_EMPTY_CORPUS',
        'CharVocabulary.fromText got no characters: the text is empty. Pass the corpus the model will be trained on.',
      );
    }
    return new CharVocabulary([...seen].sort(byCodePoint), options);
  }

  /** Number of ids: special tokens plus characters. */
  get vocabularySize(): number {
    return this.tokens.length;
  }

  /**
   * Text → ids, one per character. Unknown characters become the OOV id when one is reserved.
   * @throws TokenizeError `TOKENIZE_UNKNOWN_TOKEN` for an unknown character without an OOV token,
   *   `TOKENIZE_INVALID_OPTION` for `addBos`/`addEos` without the matching special token.
   */
  encode(text: string, options?: CharEncodeOptions): number[] {
    const where = 'CharVocabulary.encode';
    requireText(text, where);
    const { addBos = false, addEos = false } = check.options(where, options, ['addBos', 'addEos']);
    check.boolean(where, 'addBos', addBos);
    check.boolean(where, 'addEos', addEos);
    const ids: number[] = [];
    if (addBos) ids.push(this.#requireSpecial('bos', 'addBos'));
    let offset = 0;
    for (const char of this.lower ? text.toLowerCase() : text) {
      const id = this.#ids.get(char) ?? this.specialIds.oov;
      if (id === undefined) {
        throw new TokenizeError(
          'TOKENIZE_UNKNOWN_TOKEN',
          `Character ${JSON.stringify(char)} (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) ` +
            `at offset ${offset} is not in the vocabulary. Build the vocabulary from text that contains it, ` +
            "or reserve an OOV id: specialTokens: { oov: '<unk>' }.",
        );
      }
      ids.push(id);
      offset += char.length;
    }
    if (addEos) ids.push(this.#requireSpecial('eos', 'addEos'));
    return ids;
  }

  /**
   * Ids → text. Padding ids are skipped; other special tokens are written as their strings
   * unless `skipSpecialTokens`.
   * @throws TokenizeError `TOKENIZE_ID_OUT_OF_RANGE` for an id outside `0 … vocabularySize-1`.
   */
  decode(ids: Iterable<number>, options?: DecodeOptions): string {
    const skipSpecialTokens = resolveSkipSpecialTokens('CharVocabulary.decode', options);
    let text = '';
    for (const id of requireTextCollection(ids, 'CharVocabulary.decode', 'ids') as Iterable<number>) {
      const token = this.idToToken(id);
      if (id === this.specialIds.pad) continue;
      if (skipSpecialTokens && id < this.vocabularySize - this.chars.length) continue; // specials come first
      text += token;
    }
    return text;
  }

  /** The id of a character or special token, or `undefined`. */
  tokenToId(token: string): number | undefined {
    return this.#ids.get(token);
  }

  /**
   * The character or special token of `id`.
   * @throws TokenizeError `TOKENIZE_ID_OUT_OF_RANGE` for an id outside `0 … vocabularySize-1`.
   */
  idToToken(id: number): string {
    const token = Number.isInteger(id) ? this.tokens[id] : undefined;
    if (token === undefined) {
      throw new TokenizeError(
        'TOKENIZE_ID_OUT_OF_RANGE',
        `Id ${describeValue(id)} is not in this vocabulary: ids are integers 0 … ${this.vocabularySize - 1}. ` +
          'Check that the model was trained with this vocabulary (its output size must equal vocabulary.vocabularySize).',
      );
    }
    return token;
  }

  /** `{"class_name": "CharVocabulary", "config": {...}}`, read back by {@link CharVocabulary.fromJSON}. */
  toJSON(): string {
    return JSON.stringify({
      class_name: 'CharVocabulary',
      config: { chars: this.chars, special_tokens: this.specialTokens, lower: this.lower },
    });
  }

  /**
   * Loads what {@link toJSON} wrote (string or parsed object).
   * @throws TokenizeError `TOKENIZE_MALFORMED_JSON` if it is not a serialized CharVocabulary.
   */
  static fromJSON(json: string | object): CharVocabulary {
    const outer = (typeof json === 'string' ? parseJson(json, 'CharVocabulary JSON') : json) as {
      class_name?: unknown;
      config?: { chars?: unknown; special_tokens?: unknown; lower?: unknown };
    } | null;
    const config = outer?.config;
    if (outer?.class_name !== 'CharVocabulary' || !config || !Array.isArray(config.chars)) {
      throw new TokenizeError(
        'TOKENIZE_MALFORMED_JSON',
        'Cannot load the CharVocabulary: expected {"class_name": "CharVocabulary", "config": {"chars": [...]}} ' +
          'as written by CharVocabulary#toJSON().',
      );
    }
    try {
      return new CharVocabulary(config.chars as string[], {
        specialTokens: (config.special_tokens ?? {}) as CharSpecialTokens,
        lower: (config.lower ?? false) as boolean,
      });
    } catch (cause) {
      throw new TokenizeError(
        'TOKENIZE_MALFORMED_JSON',
        `Cannot load the CharVocabulary: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  #requireSpecial(name: 'bos' | 'eos', option: string): number {
    const id = this.specialIds[name];
    if (id === undefined) {
      check.invalid(
        'CharVocabulary.encode',
        option,
        true,
        `needs a ${name} token, and this vocabulary has none`,
        `Build the vocabulary with specialTokens: { ${name}: '<${name}>' }.`,
      );
    }
    return id;
  }
}
