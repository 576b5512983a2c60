/** Ids a vocabulary reserves for special purposes; absent keys are not reserved. */
export interface SpecialTokenIds {
  /** Padding id; sequences are padded with it and decoding skips it. */
  readonly pad?: number;
  /** Id that replaces out-of-vocabulary tokens. */
  readonly oov?: number;
  /** Beginning-of-sequence id. */
  readonly bos?: number;
  /** End-of-sequence id. */
  readonly eos?: number;
}

/** How `decode` treats ids. */
export interface DecodeOptions {
  /**
   * Also drop OOV/BOS/EOS ids (padding is always dropped).
   * @default false
   */
  readonly skipSpecialTokens?: boolean;
}

/**
 * What every rnnkit package needs from a tokenizer: later packages (datasets, sampling,
 * seq2seq) accept any object of this shape, so both {@link Tokenizer} and
 * {@link CharVocabulary} — or your own — plug in.
 *
 * Ids are plain non-negative integers `0 … vocabularySize-1`.
 */
export interface Vocabulary {
  /** Number of ids including reserved ones: the `inputDim` of an Embedding and the units of the output layer. */
  readonly vocabularySize: number;
  /** Whether a token is one character or one word. */
  readonly level: 'char' | 'word';
  /** Reserved ids. */
  readonly specialIds: SpecialTokenIds;
  /** Text → ids. Unknown tokens map to the OOV id, or follow the implementation's documented rule. */
  encode(text: string): number[];
  /**
   * Ids → text. Padding ids are skipped.
   * @throws TokenizeError `TOKENIZE_ID_OUT_OF_RANGE` for ids outside `0 … vocabularySize-1`.
   */
  decode(ids: Iterable<number>, options?: DecodeOptions): string;
  /** The id of `token`, or `undefined` if it is not in the vocabulary. */
  tokenToId(token: string): number | undefined;
  /**
   * The token of `id`; the empty string for a padding id that has no token.
   * @throws TokenizeError `TOKENIZE_ID_OUT_OF_RANGE` for ids outside `0 … vocabularySize-1`.
   */
  idToToken(id: number): string;
  /** JSON that {@link vocabularyFromJSON} turns back into an equal vocabulary. */
  toJSON(): string;
}
