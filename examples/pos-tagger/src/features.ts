// What the tagger reads for each token: four ids, all 0 at padding. Word-only embeddings know
// nothing about a word unseen in training; its last letters and its shape do generalise
// ("-ness" is a noun, "-ly" an adverb, a capitalised word mid-sentence a proper noun), so
// the lowercase word id comes with ids of its 2- and 3-letter suffixes and a shape id.
import { Tokenizer } from '@rnnkit/tokenize';

/** The model's inputs, in order. */
export const FEATURES = ['word', 'suffix2', 'suffix3', 'shape'] as const;
export type Feature = (typeof FEATURES)[number];

/**
 * Word shapes (id = index + 1; 0 is padding). Capitalisation is all the word id loses by
 * lowercasing, and it is what tells a title (`NN-TL`) or a proper noun (`NP`) apart.
 */
export const SHAPES = [
  'lower',
  'capitalized',
  'upper',
  'mixed',
  'lower-hyphen',
  'capitalized-hyphen',
  'number',
  'has-digit',
  'punctuation',
  'other',
] as const;
export type Shape = (typeof SHAPES)[number];

/** The shape of one token (see {@link SHAPES}). */
export function wordShape(word: string): Shape {
  if (/^[-+]?[\d.,/:]*\d[\d.,/:]*$/.test(word)) return 'number';
  if (/\d/.test(word)) return 'has-digit';
  if (!/\p{L}/u.test(word)) return /^[\p{P}\p{S}]+$/u.test(word) ? 'punctuation' : 'other';
  const hyphen = word.includes('-');
  const letters = word.replace(/[^\p{L}]/gu, '');
  if (letters === letters.toLowerCase()) return hyphen ? 'lower-hyphen' : 'lower';
  if (letters.length > 1 && letters === letters.toUpperCase()) return 'upper';
  if (letters[0] !== letters[0]!.toLowerCase()) {
    if (hyphen) return 'capitalized-hyphen';
    if (letters.slice(1) === letters.slice(1).toLowerCase()) return 'capitalized';
  }
  return 'mixed';
}

/** The last `length` characters of the lowercased word (the whole word if shorter). */
export function suffix(word: string, length: number): string {
  return [...word.toLowerCase()].slice(-length).join('');
}

const OOV = '<unk>';

/**
 * A Keras `Tokenizer` over pre-tokenized items (no filters, no lowercasing: items are
 * prepared by the caller), keeping only items seen at least `minCount` times; the rest, and
 * anything unseen, read as `<unk>` (id 1). Ids are Keras': by frequency, so the kept items are
 * exactly ids 2 … numWords − 1.
 */
export function fitVocabulary(items: readonly (readonly string[])[], minCount: number): Tokenizer {
  const counts = new Map<string, number>();
  for (const list of items) for (const item of list) counts.set(item, (counts.get(item) ?? 0) + 1);
  let kept = 0;
  for (const count of counts.values()) if (count >= minCount) kept++;
  return new Tokenizer({ numWords: kept + 2, oovToken: OOV, lower: false }).fitOnTexts(items);
}

/** The vocabularies that turn tokens into the model's ids; fitted on the training sentences only. */
export interface Featurizer {
  readonly words: Tokenizer;
  readonly suffix2: Tokenizer;
  readonly suffix3: Tokenizer;
}

/** Each token's items for the three vocabularies. */
function items(words: readonly string[]) {
  return {
    word: words.map((w) => w.toLowerCase()),
    suffix2: words.map((w) => suffix(w, 2)),
    suffix3: words.map((w) => suffix(w, 3)),
  };
}

/** Fits the word and suffix vocabularies on training sentences (lists of words). */
export function fitFeaturizer(sentences: readonly (readonly string[])[], minCount: number): Featurizer {
  const all = sentences.map(items);
  return {
    words: fitVocabulary(
      all.map((s) => s.word),
      minCount,
    ),
    // Suffixes are few and frequent; a suffix seen once says little, as a word seen once.
    suffix2: fitVocabulary(
      all.map((s) => s.suffix2),
      minCount,
    ),
    suffix3: fitVocabulary(
      all.map((s) => s.suffix3),
      minCount,
    ),
  };
}

/** Ids of one sentence, one `Int32Array` per feature, in {@link FEATURES} order (never 0). */
export type EncodedSentence = readonly [Int32Array, Int32Array, Int32Array, Int32Array];

/** Encodes sentences (lists of words) into the four id sequences each. */
export function encodeSentences(
  featurizer: Featurizer,
  sentences: readonly (readonly string[])[],
): EncodedSentence[] {
  const all = sentences.map(items);
  const ids = (tokenizer: Tokenizer, lists: string[][]) =>
    tokenizer.textsToSequences(lists).map((sequence) => Int32Array.from(sequence));
  const words = ids(
    featurizer.words,
    all.map((s) => s.word),
  );
  const suffix2 = ids(
    featurizer.suffix2,
    all.map((s) => s.suffix2),
  );
  const suffix3 = ids(
    featurizer.suffix3,
    all.map((s) => s.suffix3),
  );
  return sentences.map((sentence, k) => [
    words[k]!,
    suffix2[k]!,
    suffix3[k]!,
    Int32Array.from(sentence, (word) => SHAPES.indexOf(wordShape(word)) + 1),
  ]);
}

/** Sizes of the four Embedding tables (id 0 = padding included). */
export function featureSizes(featurizer: Featurizer): Record<Feature, number> {
  return {
    word: featurizer.words.vocabularySize,
    suffix2: featurizer.suffix2.vocabularySize,
    suffix3: featurizer.suffix3.vocabularySize,
    shape: SHAPES.length + 1,
  };
}

/**
 * A light tokenizer for typed-in text: whitespace-separated tokens, with leading `(`/`"` and
 * trailing `.,;:!?)"` split off as Brown writes them (`"` becomes `` `` `` or `''`).
 */
export function tokenizeText(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.trim().split(/\s+/)) {
    if (raw === '') continue;
    let token = raw;
    const before: string[] = [];
    const after: string[] = [];
    while (token.length > 1 && /^[("]/.test(token)) {
      before.push(token[0] === '"' ? '``' : token[0]!);
      token = token.slice(1);
    }
    while (token.length > 1 && /[.,;:!?)"]$/.test(token) && !/^(?:\p{L}\.)+$/u.test(token)) {
      after.unshift(token.endsWith('"') ? "''" : token.at(-1)!);
      token = token.slice(0, -1);
    }
    out.push(...before, token === '"' ? "''" : token, ...after);
  }
  return out;
}
