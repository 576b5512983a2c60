import { CharVocabulary, Tokenizer, type Vocabulary } from '@rnnkit/tokenize';
import { Seq2SeqError, validate } from '../errors.js';
import type { TokenLevel } from './standardize-text.js';

/**
 * The strings of the reserved tokens. Word level: padding is id 0 without a string (Keras'
 * `Tokenizer`), `[UNK]` is id 1, `[start]`/`[end]` are ordinary words of the target vocabulary
 * whose ids follow from their frequency (every target has one of each). Char level: ids 0 … 3
 * are `[PAD]`, `[UNK]`, `[start]`, `[end]` (the source vocabulary stops after `[UNK]`).
 */
export const SPECIAL_TOKENS = Object.freeze({
  pad: '[PAD]',
  oov: '[UNK]',
  bos: '[start]',
  eos: '[end]',
});

/** A built vocabulary and the ids it reserves. */
export interface BuiltVocabulary {
  readonly vocabulary: Tokenizer | CharVocabulary;
  readonly oov: number;
  /** Only for a target vocabulary. */
  readonly bos?: number;
  readonly eos?: number;
}

/**
 * Builds a source (`withBosEos: false`) or target vocabulary from the token lists of the kept
 * texts. `maxVocabularySize` (ids, reserved ones included; `null` for all) keeps the most
 * frequent tokens; ties go to the first seen at word level (Keras) and to the lower code point at
 * char level.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` when `maxVocabularySize` leaves no room for the
 *   reserved ids; `SEQ2SEQ_INVALID_INPUT` when a word-level text holds a reserved token.
 */
export function buildVocabulary(
  tokenLists: readonly (readonly string[])[],
  level: TokenLevel,
  withBosEos: boolean,
  maxVocabularySize: number | null,
  side: 'source' | 'target',
): BuiltVocabulary {
  const reserved = withBosEos ? 4 : 2;
  if (maxVocabularySize !== null && maxVocabularySize < reserved + 1) {
    validate.invalid(
      'preparePairs',
      'maxVocabularySize',
      maxVocabularySize,
      `must leave room for the ${reserved} reserved ids of the ${side} vocabulary and one token (≥ ${reserved + 1})`,
    );
  }
  return level === 'char'
    ? buildCharVocabulary(tokenLists, withBosEos, maxVocabularySize, reserved)
    : buildWordVocabulary(tokenLists, withBosEos, maxVocabularySize, side);
}

function buildCharVocabulary(
  tokenLists: readonly (readonly string[])[],
  withBosEos: boolean,
  maxVocabularySize: number | null,
  reserved: number,
): BuiltVocabulary {
  const counts = new Map<string, number>();
  for (const tokens of tokenLists) for (const char of tokens) counts.set(char, (counts.get(char) ?? 0) + 1);
  const byCodePoint = (a: string, b: string) => a.codePointAt(0)! - b.codePointAt(0)!;
  let chars = [...counts.keys()].sort(byCodePoint);
  if (maxVocabularySize !== null && chars.length > maxVocabularySize - reserved) {
    const kept = new Set(
      [...chars]
        .sort((a, b) => counts.get(b)! - counts.get(a)! || byCodePoint(a, b))
        .slice(0, maxVocabularySize - reserved),
    );
    chars = chars.filter((char) => kept.has(char));
  }
  const { pad, oov, bos, eos } = SPECIAL_TOKENS;
  const vocabulary = new CharVocabulary(chars, {
    specialTokens: withBosEos ? { pad, oov, bos, eos } : { pad, oov },
  });
  const ids = vocabulary.specialIds;
  return withBosEos
    ? { vocabulary, oov: ids.oov!, bos: ids.bos!, eos: ids.eos! }
    : { vocabulary, oov: ids.oov! };
}

function buildWordVocabulary(
  tokenLists: readonly (readonly string[])[],
  withBosEos: boolean,
  maxVocabularySize: number | null,
  side: 'source' | 'target',
): BuiltVocabulary {
  const { oov, bos, eos } = SPECIAL_TOKENS;
  const forbidden: readonly string[] = withBosEos ? [oov, bos, eos] : [oov];
  tokenLists.forEach((tokens, i) => {
    const clash = tokens.find((token) => forbidden.includes(token));
    if (clash !== undefined) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `preparePairs: the ${side} text of kept pair ${i} holds the word ${JSON.stringify(clash)}, which the ` +
          `${side} vocabulary reserves (${forbidden.join(', ')}). Standardize the texts (standardize: true removes brackets) or remove it.`,
      );
    }
  });
  const tokenizer = new Tokenizer({
    filters: '',
    lower: false,
    split: ' ',
    oovToken: oov,
    numWords: maxVocabularySize,
  });
  tokenizer.fitOnTexts(withBosEos ? tokenLists.map((tokens) => [bos, ...tokens, eos]) : tokenLists);
  if (!withBosEos) return { vocabulary: tokenizer, oov: tokenizer.specialIds.oov! };
  const bosId = tokenizer.tokenToId(bos);
  const eosId = tokenizer.tokenToId(eos);
  if (bosId === undefined || eosId === undefined) {
    validate.invalid(
      'preparePairs',
      'maxVocabularySize',
      maxVocabularySize,
      `must be > ${Math.max(tokenizer.wordIndex.get(bos)!, tokenizer.wordIndex.get(eos)!)} to keep the target's ${bos} and ${eos} tokens`,
      'Raise it, or pass null to keep every word.',
    );
  }
  return { vocabulary: tokenizer, oov: tokenizer.specialIds.oov!, bos: bosId, eos: eosId };
}

/** Token lists → id lists with a vocabulary built by {@link buildVocabulary}. */
export function tokensToIds(vocabulary: Vocabulary, tokens: readonly string[], oov: number): number[] {
  return tokens.map((token) => vocabulary.tokenToId(token) ?? oov);
}
