import { characterTable, IDENTITY_CHARACTERS, readCharacter, type TokenVisitor } from './token-scanner.js';
import { hashUnits, IDENTITY_UNITS, TokenTable } from './token-table.js';

/** Set for character-level tokenizers: their string documents are counted on a fast path. */
export interface CharacterMode {
  readonly lower: boolean;
}

/** Reports the tokens of document `position` to `visit`, or throws if it is not a document. */
export type DocumentScanner = (text: unknown, position: number, visit: TokenVisitor) => void;

/** Keras' five dictionaries as ordered entries, as read from `tokenizer.to_json()`. */
export interface KerasDictionaries {
  readonly wordCounts: ReadonlyArray<readonly [string, number]>;
  readonly wordDocs: ReadonlyArray<readonly [string, number]>;
  readonly indexDocs: ReadonlyArray<readonly [number, number]>;
  readonly wordIndex: ReadonlyArray<readonly [string, number]>;
  readonly indexWord: ReadonlyMap<number, string>;
}

/**
 * The vocabulary behind a {@link Tokenizer}: Keras' `word_counts`, `word_docs`,
 * `word_index`, `index_word` and `index_docs`, kept as arrays over the slots of one
 * {@link TokenTable} (every string the tokenizer knows), with each dictionary's key order
 * kept separately, exactly as Python's insertion-ordered dicts have it. Fitting and
 * encoding touch only the arrays; the `Map`s users read are built on demand.
 */
export class TokenizerState {
  readonly vocab = new TokenTable();
  readonly #oovToken: string | null;
  readonly #numWords: number | null;
  #counts: Array<number | undefined> = [];
  #countOrder: number[] = [];
  #docs: Array<number | undefined> = [];
  #docsOrder: number[] = [];
  /** word_index id per slot, -1 for slots not in word_index. */
  #idOfSlot: Int32Array = new Int32Array(0);
  #indexOrder: number[] = [];
  /** index_word as loaded; otherwise derived from word_index, as Keras derives it. */
  #loadedIndexWord: ReadonlyMap<number, string> | null = null;
  #maxId = 0;
  #oovId: number | undefined = undefined;
  #emitIds: Int32Array = new Int32Array(0);
  #indexDocs = new Map<number, number>();
  /** Keras assigns index_docs from word_docs after each fit; applied before the next change or read. */
  #indexDocsPending = false;
  #views: {
    wordCounts?: Map<string, number>;
    wordDocs?: Map<string, number>;
    wordIndex?: Map<string, number>;
    indexWord?: ReadonlyMap<number, string>;
    wordOfId?: Array<string | undefined>;
  } = {};

  constructor(oovToken: string | null, numWords: number | null) {
    this.#oovToken = oovToken;
    this.#numWords = numWords;
  }

  /** Number of words in word_index (Keras `len(word_index)`). */
  get indexSize(): number {
    return this.#indexOrder.length;
  }
  /** Number of counted words (Keras `len(word_counts)`). */
  get countedWords(): number {
    return this.#countOrder.length;
  }
  get maxId(): number {
    return this.#maxId;
  }
  get oovId(): number | undefined {
    return this.#oovId;
  }
  /**
   * Per {@link vocab} slot, the id `texts_to_sequences` emits for that token (ids ≥
   * `numWords` already replaced), or -1 to drop it. Valid until the next fit or load.
   */
  get emitIds(): Int32Array {
    return this.#emitIds;
  }

  /**
   * Counts the tokens of `texts` (Keras `fit_on_texts` minus the index rebuild). All or
   * nothing: if `scan` throws for some document, the state is left as it was.
   * @returns the number of documents and tokens seen.
   */
  countDocuments(
    texts: Iterable<unknown>,
    scan: DocumentScanner,
    characters: CharacterMode | null = null,
  ): { documents: number; tokens: number } {
    const vocab = this.vocab;
    const sizeBefore = vocab.size;
    // Per slot, three counters side by side: occurrences, documents, and the last document
    // (number + 1) it was seen in during this call.
    let deltas = new Int32Array(3 * Math.max(1024, sizeBefore * 2));
    const newlyCounted: number[] = [];
    const newlyDocumented: number[] = [];
    let documents = 0;
    let documentMark = 1;
    let tokens = 0;
    const count = (slot: number) => {
      const at = 3 * slot;
      if (at >= deltas.length) deltas = resized(deltas, 2 * deltas.length);
      if (deltas[at] === 0) {
        // First occurrence in this call: new keys join the dictionaries in first-seen order.
        if (this.#counts[slot] === undefined) newlyCounted.push(slot);
        if (this.#docs[slot] === undefined) newlyDocumented.push(slot);
      }
      deltas[at]!++;
      if (deltas[at + 2] !== documentMark) {
        deltas[at + 1]!++;
        deltas[at + 2] = documentMark;
      }
      tokens++;
    };
    const visit: TokenVisitor = (units, length, hash) => count(vocab.intern(units, length, hash));
    const pair = new Uint16Array(2);
    const unitSlots = vocab.unitSlots;
    try {
      for (const text of texts) {
        if (characters && typeof text === 'string') {
          // Hot path for character models: one table read per character. Its twin in
          // Tokenizer#textEncoder differs only in what it does per character; a shared
          // helper with a per-character callback is slower (README, Speed).
          let table = characterTable(characters.lower);
          let source = text;
          for (let i = 0; i < source.length; i++) {
            const unit = table[source.charCodeAt(i)]!;
            if (unit >= 0) {
              const slot = unitSlots[unit]!;
              count(slot >= 0 ? slot : vocab.intern(pair.fill(unit), 1, 0));
            } else if (table !== IDENTITY_CHARACTERS) {
              source = source.toLowerCase();
              table = IDENTITY_CHARACTERS;
              i--;
            } else {
              const length = readCharacter(source, i, IDENTITY_UNITS, pair);
              visit(pair, length, length === 1 ? 0 : hashUnits(pair, length));
              i += length - 1;
            }
          }
        } else {
          scan(text, documents, visit);
        }
        documents++;
        documentMark++;
      }
    } catch (error) {
      vocab.truncate(sizeBefore);
      throw error;
    }
    if (tokens === 0) return { documents, tokens };
    this.#flushIndexDocs();
    for (let slot = 0; slot < vocab.size; slot++) {
      const occurrences = deltas[3 * slot]!;
      if (occurrences === 0) continue;
      this.#counts[slot] = (this.#counts[slot] ?? 0) + occurrences;
      this.#docs[slot] = (this.#docs[slot] ?? 0) + deltas[3 * slot + 1]!;
    }
    for (const slot of newlyCounted) this.#countOrder.push(slot);
    for (const slot of newlyDocumented) this.#docsOrder.push(slot);
    this.#views = {};
    return { documents, tokens };
  }

  /**
   * Keras' index rebuild after every fit: words by descending count, ties in word_counts
   * order (Python's sort is stable, as is JavaScript's), the OOV token first.
   */
  rebuildIndex(): void {
    const byFrequency = stableSortByCountDescending(this.#countOrder, this.#counts);
    const oovSlot = this.#oovToken === null ? -1 : this.vocab.internString(this.#oovToken);
    const idOfSlot = new Int32Array(this.vocab.size).fill(-1);
    const indexOrder: number[] = [];
    let nextId = 1;
    if (oovSlot >= 0) {
      idOfSlot[oovSlot] = nextId++;
      indexOrder.push(oovSlot);
    }
    for (const slot of byFrequency) {
      // An OOV token that is also a word keeps its first position but takes the later id,
      // as assignment into a Python dict does.
      if (idOfSlot[slot]! < 0) indexOrder.push(slot);
      idOfSlot[slot] = nextId++;
    }
    this.#setIndex(idOfSlot, indexOrder, null, nextId - 1);
    this.#indexDocsPending = true;
  }

  /** Keras `fit_on_sequences`: one more document per sequence, for every distinct id in it. */
  countSequences(sequences: ReadonlyArray<readonly number[]>): void {
    this.#flushIndexDocs();
    for (const ids of sequences) {
      for (const id of new Set(ids)) this.#indexDocs.set(id, (this.#indexDocs.get(id) ?? 0) + 1);
    }
  }

  /** Restores the dictionaries read from Keras JSON, keeping every key order. */
  load(dictionaries: KerasDictionaries): void {
    const slotOf = (word: string) => this.vocab.internString(word);
    for (const [word, count] of dictionaries.wordCounts) {
      const slot = slotOf(word);
      if (this.#counts[slot] === undefined) this.#countOrder.push(slot);
      this.#counts[slot] = count;
    }
    for (const [word, count] of dictionaries.wordDocs) {
      const slot = slotOf(word);
      if (this.#docs[slot] === undefined) this.#docsOrder.push(slot);
      this.#docs[slot] = count;
    }
    this.#indexDocs = new Map(dictionaries.indexDocs);
    const slots = dictionaries.wordIndex.map(([word]) => slotOf(word));
    const idOfSlot = new Int32Array(this.vocab.size).fill(-1);
    const indexOrder: number[] = [];
    let maxId = 0;
    for (const [k, [, id]] of dictionaries.wordIndex.entries()) {
      const slot = slots[k]!;
      if (idOfSlot[slot]! < 0) indexOrder.push(slot);
      idOfSlot[slot] = id;
      maxId = Math.max(maxId, id);
    }
    for (const id of dictionaries.indexWord.keys()) maxId = Math.max(maxId, id);
    this.#setIndex(idOfSlot, indexOrder, dictionaries.indexWord, maxId);
  }

  #setIndex(
    idOfSlot: Int32Array,
    indexOrder: number[],
    loadedIndexWord: ReadonlyMap<number, string> | null,
    maxId: number,
  ): void {
    this.#idOfSlot = idOfSlot;
    this.#indexOrder = indexOrder;
    this.#loadedIndexWord = loadedIndexWord;
    this.#maxId = maxId;
    const oovSlot = this.#oovToken === null ? -1 : this.vocab.findString(this.#oovToken);
    const oovId = oovSlot < 0 ? -1 : idOfSlot[oovSlot]!;
    this.#oovId = oovId < 0 ? undefined : oovId;
    const numWords = this.#numWords;
    this.#emitIds = idOfSlot.map((id) => (id >= 0 && (numWords === null || id < numWords) ? id : oovId));
    this.#views = {};
  }

  /** The word_index id of `token`, or `undefined`. */
  idOf(token: string): number | undefined {
    const slot = this.vocab.findString(token);
    const id = slot < 0 ? -1 : (this.#idOfSlot[slot] ?? -1);
    return id < 0 ? undefined : id;
  }

  /** Id → word as index_word has it. */
  wordOfId(): ReadonlyArray<string | undefined> {
    if (!this.#views.wordOfId) {
      const wordOfId: Array<string | undefined> = [];
      for (const [id, word] of this.indexWord()) wordOfId[id] = word;
      this.#views.wordOfId = wordOfId;
    }
    return this.#views.wordOfId;
  }

  wordCounts(): ReadonlyMap<string, number> {
    this.#views.wordCounts ??= this.#byWord(this.#countOrder, this.#counts);
    return this.#views.wordCounts;
  }

  wordDocs(): ReadonlyMap<string, number> {
    this.#views.wordDocs ??= this.#byWord(this.#docsOrder, this.#docs);
    return this.#views.wordDocs;
  }

  wordIndex(): ReadonlyMap<string, number> {
    this.#views.wordIndex ??= this.#byWord(this.#indexOrder, this.#idOfSlot);
    return this.#views.wordIndex;
  }

  /** Word → value of each slot of `order`, in that order (a Python dict's view of the arrays). */
  #byWord(order: readonly number[], valueOfSlot: ArrayLike<number | undefined>): Map<string, number> {
    return new Map(order.map((slot) => [this.vocab.tokens[slot]!, valueOfSlot[slot]!]));
  }

  indexWord(): ReadonlyMap<number, string> {
    this.#views.indexWord ??=
      this.#loadedIndexWord ??
      new Map(this.#indexOrder.map((slot) => [this.#idOfSlot[slot]!, this.vocab.tokens[slot]!]));
    return this.#views.indexWord;
  }

  indexDocs(): ReadonlyMap<number, number> {
    this.#flushIndexDocs();
    return this.#indexDocs;
  }

  /** Keras' `index_docs[word_index[w]] = c` for every word of word_docs, once per fit. */
  #flushIndexDocs(): void {
    if (!this.#indexDocsPending) return;
    this.#indexDocsPending = false;
    for (const slot of this.#docsOrder) this.#indexDocs.set(this.#idOfSlot[slot]!, this.#docs[slot]!);
  }
}

/**
 * `slots` sorted by descending count, ties in their given order — Python's stable
 * `sort(key=count, reverse=True)`. A counting sort when counts are small next to the number
 * of slots (always, for natural text: Zipf's law), a comparison sort otherwise.
 */
function stableSortByCountDescending(
  slots: readonly number[],
  counts: ReadonlyArray<number | undefined>,
): number[] {
  let maxCount = 0;
  for (const slot of slots) maxCount = Math.max(maxCount, counts[slot]!);
  if (maxCount > 4 * slots.length + 1024) return [...slots].sort((a, b) => counts[b]! - counts[a]!);
  const next = new Int32Array(maxCount + 2); // next[c]: where the next slot with count c goes
  for (const slot of slots) next[counts[slot]!]!++;
  let position = 0;
  for (let count = maxCount; count >= 0; count--) {
    const howMany = next[count]!;
    next[count] = position;
    position += howMany;
  }
  const sorted = new Array<number>(slots.length);
  for (const slot of slots) sorted[next[counts[slot]!]!++] = slot;
  return sorted;
}

function resized(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(length);
  grown.set(array);
  return grown;
}
