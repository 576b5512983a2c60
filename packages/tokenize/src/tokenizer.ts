import { describeValue } from '@rnnkit/core';
import { bagOfWordsRows, MATRIX_MODES, type MatrixMode } from './bag-of-words.js';
import { TokenizeError } from './errors.js';
import {
  characterTable,
  createWordScanner,
  IDENTITY_CHARACTERS,
  lowercaseUnitTable,
  readCharacter,
  type TokenScanner,
  type TokenVisitor,
} from './token-scanner.js';
import { hashUnits, IDENTITY_UNITS, toUnits } from './token-table.js';
import {
  malformed,
  readKerasDictionaries,
  readKerasTokenizerConfig,
  writeKerasTokenizerJson,
} from './tokenizer-json.js';
import { resolveTokenizerOptions, type TokenizerOptions } from './tokenizer-options.js';
import { type DocumentScanner, TokenizerState } from './tokenizer-state.js';
import type { DecodeOptions, SpecialTokenIds, Vocabulary } from './types.js';
import {
  check,
  checkInput,
  requireIdSequence,
  requireText,
  requireTextCollection,
  resolveSkipSpecialTokens,
} from './validate.js';

/** A document: a text, or a list of tokens that are used as they are (lowercased if `lower`). */
export type TokenizerText = string | readonly string[];

/**
 * Keras' `keras_preprocessing.text.Tokenizer`, with identical results: the same word index
 * (1-based, sorted by frequency, ties in first-seen order, the OOV token at 1), the same
 * sequences and matrices, and the same JSON — a tokenizer fitted in Python loads here
 * with {@link Tokenizer.fromJSON}, and {@link Tokenizer.toJSON} loads in Keras'
 * `tokenizer_from_json`.
 *
 * Differences, all in what Keras accepts silently: bad inputs throw a {@link TokenizeError},
 * a bare string passed where a list of texts belongs is refused, and encoding before
 * fitting throws. Dictionaries are `Map`s because plain objects would reorder numeric words.
 *
 * @example
 * const tokenizer = new Tokenizer({ oovToken: '<OOV>' }).fitOnTexts(['The cat sat.', 'The dog!']);
 * tokenizer.wordIndex;                           // Map { '<OOV>' => 1, 'the' => 2, 'cat' => 3, 'sat' => 4, 'dog' => 5 }
 * tokenizer.textsToSequences(['the bird sat']); // [[2, 1, 4]]
 */
export class Tokenizer implements Vocabulary {
  readonly numWords: number | null;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | null;
  readonly level: 'char' | 'word';

  #documentCount: number;
  readonly #state: TokenizerState;
  /** Word scanner; character-level strings are read on the fast paths of #textEncoder and TokenizerState. */
  readonly #scanWords: TokenScanner | null;
  /** The per-document scanner handed to the state; `method` names the caller in errors. */
  readonly #scanDocument: (method: string) => DocumentScanner;

  /**
   * @throws TokenizeError `TOKENIZE_INVALID_OPTION` for an invalid option, or an unknown one (Keras'
   *   `num_words`, a misspelt `numWord`: the message names the closest valid option).
   */
  constructor(options: TokenizerOptions = {}) {
    const resolved = resolveTokenizerOptions(options);
    this.numWords = resolved.numWords;
    this.filters = resolved.filters;
    this.lower = resolved.lower;
    this.split = resolved.split;
    this.charLevel = resolved.charLevel;
    this.oovToken = resolved.oovToken;
    this.level = resolved.charLevel ? 'char' : 'word';
    this.#documentCount = resolved.documentCount;
    this.#state = new TokenizerState(resolved.oovToken, resolved.numWords);
    this.#scanWords = resolved.charLevel ? null : createWordScanner(resolved.filters, resolved.split);
    this.#scanDocument = (method) => (text, position, visit) => this.#scan(text, position, method, visit);
  }

  /** Number of documents fitted so far (plus the initial `documentCount`). */
  get documentCount(): number {
    return this.#documentCount;
  }
  /** Token → number of occurrences, in first-seen order. */
  get wordCounts(): ReadonlyMap<string, number> {
    return this.#state.wordCounts();
  }
  /** Token → number of documents containing it. */
  get wordDocs(): ReadonlyMap<string, number> {
    return this.#state.wordDocs();
  }
  /** Id → number of documents containing it. */
  get indexDocs(): ReadonlyMap<number, number> {
    return this.#state.indexDocs();
  }
  /** Token → id (1-based; 0 is padding). Holds every fitted word, including those ≥ `numWords`. */
  get wordIndex(): ReadonlyMap<string, number> {
    return this.#state.wordIndex();
  }
  /** Id → token, the inverse of {@link wordIndex}. */
  get indexWord(): ReadonlyMap<number, string> {
    return this.#state.indexWord();
  }

  /**
   * Counts the tokens of `texts` and rebuilds the word index (Keras `fit_on_texts`).
   * Can be called repeatedly; counts accumulate. All or nothing: if any element is
   * invalid, the tokenizer is left unchanged.
   *
   * @param texts strings, or lists of tokens; any iterable, including a generator.
   * @returns this tokenizer, for chaining.
   * @throws TokenizeError `TOKENIZE_INVALID_INPUT` for a non-text element or a bare string,
   *   `TOKENIZE_EMPTY_CORPUS` if after fitting the vocabulary is still empty.
   */
  fitOnTexts(texts: Iterable<TokenizerText>): this {
    const collection = requireTextCollection(texts, 'Tokenizer.fitOnTexts');
    const { documents, tokens } = this.#state.countDocuments(
      collection,
      this.#scanDocument('Tokenizer.fitOnTexts'),
      this.charLevel ? { lower: this.lower } : null,
    );
    if (tokens === 0 && this.#state.countedWords === 0) {
      throw new TokenizeError(
        'TOKENIZE_EMPTY_CORPUS',
        `fitOnTexts found no tokens in ${documents} text(s)` +
          (this.charLevel
            ? '.'
            : ` after removing the filter characters and splitting on ${JSON.stringify(this.split)}.`) +
          ' Pass non-empty texts, or check the filters/split options.',
      );
    }
    this.#documentCount += documents;
    if (tokens > 0) this.#state.rebuildIndex();
    return this;
  }

  /**
   * Counts in how many sequences each id occurs (Keras `fit_on_sequences`), for
   * `sequencesToMatrix(…, 'tfidf')` when no texts were fitted.
   *
   * @returns this tokenizer, for chaining.
   * @throws TokenizeError `TOKENIZE_INVALID_INPUT` for anything but sequences of integer ids ≥ 0.
   */
  fitOnSequences(sequences: Iterable<Iterable<number>>): this {
    const validated = Array.from(
      requireTextCollection(sequences, 'Tokenizer.fitOnSequences', 'sequences'),
      (sequence, position) => requireIdSequence(sequence, position, 'Tokenizer.fitOnSequences'),
    );
    this.#state.countSequences(validated);
    this.#documentCount += validated.length;
    return this;
  }

  /**
   * Texts → id sequences (Keras `texts_to_sequences`). Unknown words, and words with an
   * id ≥ `numWords`, become the OOV id if `oovToken` is set and are dropped otherwise.
   *
   * @throws TokenizeError `TOKENIZE_NOT_FITTED` before fitting, `TOKENIZE_INVALID_INPUT` for non-texts.
   */
  textsToSequences(texts: Iterable<TokenizerText>): number[][] {
    const encodeText = this.#textEncoder();
    const sequences: number[][] = [];
    let position = 0;
    for (const text of requireTextCollection(texts, 'Tokenizer.textsToSequences'))
      sequences.push(encodeText(text, position++));
    return sequences;
  }

  /** Lazy {@link textsToSequences}: one sequence per text, for large or streamed corpora. */
  *textsToSequencesGenerator(texts: Iterable<TokenizerText>): Generator<number[], void, undefined> {
    const encodeText = this.#textEncoder();
    let position = 0;
    for (const text of requireTextCollection(texts, 'Tokenizer.textsToSequences'))
      yield encodeText(text, position++);
  }

  /** One document → ids, with lookup tables and scratch buffers set up once per call of the public methods. */
  #textEncoder(): (text: unknown, position: number) => number[] {
    this.#requireFitted('Tokenizer.textsToSequences');
    const vocab = this.#state.vocab;
    const emitIds = this.#state.emitIds;
    const unknownId = this.#state.oovId ?? -1;
    // Ids are collected in a reused buffer and copied out at their final length: growing
    // one array per document by push() doubles the garbage on long documents.
    let buffer = new Int32Array(1024);
    let count = 0;
    const collect: TokenVisitor = (units, length, hash) => {
      const slot = vocab.find(units, length, hash);
      const id = slot < 0 ? unknownId : emitIds[slot]!;
      if (id < 0) return;
      if (count === buffer.length) {
        const grown = new Int32Array(buffer.length * 2);
        grown.set(buffer);
        buffer = grown;
      }
      buffer[count++] = id;
    };
    const unitSlots = vocab.unitSlots;
    const pair = new Uint16Array(2);
    return (text, position) => {
      count = 0;
      if (this.charLevel && typeof text === 'string') {
        // Hot path for character models: one table read per character. Its twin in
        // TokenizerState.countDocuments differs only in what it does per character; a shared
        // helper with a per-character callback is slower (README, Speed).
        if (buffer.length < text.length * 2) buffer = new Int32Array(text.length * 2);
        let table = characterTable(this.lower);
        let source = text;
        for (let i = 0; i < source.length; i++) {
          const unit = table[source.charCodeAt(i)]!;
          if (unit >= 0) {
            const slot = unitSlots[unit]!;
            const id = slot < 0 ? unknownId : emitIds[slot]!;
            if (id >= 0) buffer[count++] = id;
          } else if (table !== IDENTITY_CHARACTERS) {
            source = source.toLowerCase();
            table = IDENTITY_CHARACTERS;
            i--;
          } else {
            const length = readCharacter(source, i, IDENTITY_UNITS, pair);
            collect(pair, length, length === 1 ? 0 : hashUnits(pair, length));
            i += length - 1;
          }
        }
      } else {
        this.#scan(text, position, 'Tokenizer.textsToSequences', collect);
      }
      const ids = new Array<number>(count);
      for (let k = 0; k < count; k++) ids[k] = buffer[k]!;
      return ids;
    };
  }

  /**
   * Id sequences → texts, tokens joined by a space even in char mode (Keras
   * `sequences_to_texts`). Unknown ids and ids ≥ `numWords` become the OOV token or are
   * dropped — including padding 0. {@link decode} is the strict, padding-aware variant.
   *
   * @throws TokenizeError `TOKENIZE_NOT_FITTED` before fitting, `TOKENIZE_INVALID_INPUT` for non-integer ids.
   */
  sequencesToTexts(sequences: Iterable<Iterable<number>>): string[] {
    this.#requireFitted('Tokenizer.sequencesToTexts');
    const wordOfId = this.#state.wordOfId();
    const oovId = this.#state.oovId;
    const oovWord = oovId === undefined ? undefined : wordOfId[oovId];
    const texts: string[] = [];
    let position = 0;
    for (const sequence of requireTextCollection(sequences, 'Tokenizer.sequencesToTexts', 'sequences')) {
      const words: string[] = [];
      for (const id of requireIdSequence(sequence, position++, 'Tokenizer.sequencesToTexts')) {
        const word = wordOfId[id];
        if (word !== undefined && (this.numWords === null || id < this.numWords)) words.push(word);
        else if (oovWord !== undefined) words.push(oovWord);
      }
      texts.push(words.join(' '));
    }
    return texts;
  }

  /** Texts → one row per text of `numWords` (or word index size + 1) columns (Keras `texts_to_matrix`). */
  textsToMatrix(texts: Iterable<TokenizerText>, mode: MatrixMode = 'binary'): Float64Array[] {
    check.oneOf('Tokenizer.textsToMatrix', 'mode', mode, MATRIX_MODES);
    return this.sequencesToMatrix(this.textsToSequences(texts), mode);
  }

  /**
   * Id sequences → bag-of-words rows (Keras `sequences_to_matrix`): `binary` 1 if present,
   * `count` occurrences, `freq` occurrences / sequence length, `tfidf` (1 + ln count) ·
   * ln(1 + documents / (1 + documents with the id)). Ids ≥ the column count are ignored.
   *
   * @returns one `Float64Array` row per sequence; the caller owns them.
   * @throws TokenizeError `TOKENIZE_NOT_FITTED` without `numWords` or a fitted vocabulary,
   *   `TOKENIZE_INVALID_OPTION` for an unknown mode (naming the closest one) or `tfidf` before fitting.
   */
  sequencesToMatrix(sequences: Iterable<Iterable<number>>, mode: MatrixMode = 'binary'): Float64Array[] {
    const indexSize = this.#state.indexSize;
    return bagOfWordsRows('Tokenizer.sequencesToMatrix', sequences, mode, {
      columns: this.numWords ?? (indexSize > 0 ? indexSize + 1 : 0),
      documentCount: this.#documentCount,
      indexDocs: this.#state.indexDocs(),
    });
  }

  // ---- Vocabulary ----

  /**
   * Number of ids: the largest id in use + 1, capped at `numWords` (but always covering
   * the OOV id). Use it as the Embedding's `inputDim` (Keras tutorials write `len(word_index) + 1`).
   * @throws TokenizeError `TOKENIZE_NOT_FITTED` before fitting.
   */
  get vocabularySize(): number {
    this.#requireFitted('Tokenizer.vocabularySize');
    const maxId = this.#state.maxId;
    const kept = this.numWords === null ? maxId + 1 : Math.min(this.numWords, maxId + 1);
    // Keras emits the OOV id even when numWords ≤ 1 leaves no room for it.
    const oovId = this.#state.oovId;
    return oovId === undefined ? kept : Math.max(kept, oovId + 1);
  }

  /** Padding is 0; OOV is 1 when `oovToken` is set. */
  get specialIds(): SpecialTokenIds {
    const oov = this.#state.oovId;
    return oov === undefined ? { pad: 0 } : { pad: 0, oov };
  }

  /** One text → ids, exactly `textsToSequences([text])[0]`. */
  encode(text: string): number[] {
    return this.textsToSequences([requireText(text, 'Tokenizer.encode')])[0]!;
  }

  /**
   * Ids → text: words joined by a space, characters joined directly; padding (0) skipped.
   * @throws TokenizeError `TOKENIZE_ID_OUT_OF_RANGE` for an id outside `0 … vocabularySize-1`,
   *   `TOKENIZE_INVALID_OPTION` for an unknown or invalid option.
   */
  decode(ids: Iterable<number>, options?: DecodeOptions): string {
    const skipSpecialTokens = resolveSkipSpecialTokens('Tokenizer.decode', options);
    const oovId = this.#state.oovId;
    const tokens: string[] = [];
    for (const id of requireTextCollection(ids, 'Tokenizer.decode', 'ids') as Iterable<number>) {
      const token = this.idToToken(id);
      if (id === 0 || (skipSpecialTokens && id === oovId)) continue;
      tokens.push(token);
    }
    return tokens.join(this.charLevel ? '' : ' ');
  }

  /** The id `encode` gives `token` (already lowercased and filtered), or `undefined` if it has none. */
  tokenToId(token: string): number | undefined {
    const id = this.#state.idOf(token);
    return id !== undefined && id < this.vocabularySize ? id : undefined;
  }

  /**
   * The token of `id`; `''` for padding 0, which Keras leaves without a word.
   * @throws TokenizeError `TOKENIZE_ID_OUT_OF_RANGE` for an id outside `0 … vocabularySize-1`.
   */
  idToToken(id: number): string {
    const size = this.vocabularySize;
    const word = id === 0 ? '' : this.#state.wordOfId()[id];
    if (!Number.isInteger(id) || id < 0 || id >= size || word === undefined) {
      throw new TokenizeError(
        'TOKENIZE_ID_OUT_OF_RANGE',
        `Id ${describeValue(id)} is not in this vocabulary: ids are integers 0 … ${size - 1}` +
          (this.numWords === null ? '.' : ` (numWords is ${this.numWords}).`) +
          ' Check that the model was trained with this tokenizer (its output size must equal tokenizer.vocabularySize).',
      );
    }
    return word;
  }

  // ---- Keras JSON ----

  /**
   * The JSON Keras' `tokenizer.to_json()` writes, byte for byte (Python's separators and
   * `\uXXXX` escapes), which Keras' `tokenizer_from_json` loads. Only `word_docs` and
   * `index_docs` may list their keys in another order than Python, which iterates a hash set.
   */
  toJSON(): string {
    return writeKerasTokenizerJson(this);
  }

  /**
   * Loads a tokenizer from Keras' `tokenizer.to_json()` output (or {@link toJSON}'s),
   * keeping every dictionary's key order. Accepts the JSON string or the object
   * `JSON.parse` made of it.
   *
   * @throws TokenizeError `TOKENIZE_MALFORMED_JSON` for invalid JSON, a missing field or an
   *   inconsistent index; `TOKENIZE_INVALID_OPTION` for invalid settings in it.
   */
  static fromJSON(json: string | object): Tokenizer {
    const { options, fields } = readKerasTokenizerConfig(json);
    const tokenizer = new Tokenizer(options);
    const dictionaries = readKerasDictionaries(fields);
    tokenizer.#state.load(dictionaries);
    if (
      tokenizer.oovToken !== null &&
      dictionaries.wordIndex.length > 0 &&
      tokenizer.#state.oovId === undefined
    ) {
      throw malformed(`oov_token ${JSON.stringify(tokenizer.oovToken)} is missing from word_index`);
    }
    return tokenizer;
  }

  // ---- internals ----

  /** Reports each token of one document, lowercased if `lower`, to `visit`. */
  #scan(text: unknown, position: number, method: string, visit: TokenVisitor): void {
    if (typeof text === 'string' && this.#scanWords) {
      const scanner = this.#scanWords;
      if (!this.lower) {
        scanner.scan(text, visit, IDENTITY_UNITS);
      } else if (!scanner.foldsCase) {
        scanner.scan(text.toLowerCase(), visit, IDENTITY_UNITS);
      } else {
        const resumeAt = scanner.scan(text, visit, lowercaseUnitTable());
        if (resumeAt >= 0) scanner.scan(text.toLowerCase(), visit, IDENTITY_UNITS, resumeAt);
      }
      return;
    }
    if (Array.isArray(text) && text.every((token) => typeof token === 'string')) {
      for (const token of text as string[]) {
        const normalized = this.lower ? token.toLowerCase() : token;
        const units = toUnits(normalized);
        visit(units, units.length, units.length === 1 ? 0 : hashUnits(units, units.length));
      }
      return;
    }
    checkInput.invalid(method, `texts[${position}]`, text, 'must be a string or an array of string tokens');
  }

  #requireFitted(method: string): void {
    if (this.#state.indexSize === 0) {
      throw new TokenizeError(
        'TOKENIZE_NOT_FITTED',
        `${method} needs a vocabulary: call fitOnTexts(texts) first, or load one with Tokenizer.fromJSON(json).`,
      );
    }
  }
}
