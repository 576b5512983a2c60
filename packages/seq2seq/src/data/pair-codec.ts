import { describeValue } from '@rnnkit/core';
import { type DenseMatrix, padSequences } from '@rnnkit/datasets';
import { isVocabulary, type StandardizeOptions, TokenizeError, type Vocabulary } from '@rnnkit/tokenize';
import { Seq2SeqError, validate } from '../errors.js';
import { joinTokens, resolveStandardize, splitTokens, standardizeText } from './standardize-text.js';

/**
 * What turns texts into model ids and back: the two vocabularies, the target's BOS/EOS ids and
 * the standardize steps the training texts went through. {@link preparePairs}' result is one, and
 * so is a loaded translator, so {@link encodeSources} and {@link decodeTargets} take either.
 * Plain data (vocabularies are `@rnnkit/tokenize` objects), no tensors.
 */
export interface PairVocabularies {
  /** Vocabulary of the source texts; its `vocabularySize` is the encoder's input size. */
  readonly sourceVocabulary: Vocabulary;
  /** Vocabulary of the target texts, with BOS and EOS; its `vocabularySize` is the decoder's output size. */
  readonly targetVocabulary: Vocabulary;
  /** Target id that starts every decoder input (the token `[start]`). */
  readonly bos: number;
  /** Target id that ends every target (the token `[end]`): decoding stops at it. */
  readonly eos: number;
  /** The `@rnnkit/tokenize` standardize steps applied to every text, `null` for none. */
  readonly standardize: StandardizeOptions | null;
}

/** Options of {@link encodeSources}. */
export interface EncodeSourcesOptions {
  /**
   * Width of `ids`: rows are post-padded with 0 or cut (the end dropped) to it. `null` uses the
   * longest sequence. Give the encoder's fixed input length here if it has one.
   * @default null
   */
  readonly sequenceLength?: number | null;
}

/** The documented defaults of {@link EncodeSourcesOptions}. */
export const DEFAULT_ENCODE_SOURCES_OPTIONS: Readonly<Required<EncodeSourcesOptions>> = Object.freeze({
  sequenceLength: null,
});

/** What {@link encodeSources} returns: plain arrays, no tensors. */
export interface EncodedSources {
  /** The standardised texts, in the form the vocabulary reads (words joined by one space). */
  readonly texts: string[];
  /** Each text's ids, unpadded (cut to `sequenceLength` when given); unknown tokens are the OOV id. */
  readonly sequences: number[][];
  /** `[texts.length, width]` int32, post-padded with 0: `tf.tensor2d(ids.data, ids.shape, 'int32')`. */
  readonly ids: DenseMatrix<'int32'>;
  /** `sequences[i].length`; 0 when standardisation left nothing (a row of padding only). */
  readonly lengths: number[];
}

/**
 * Source texts → ids for the encoder, through the same standardize steps and vocabulary as the
 * training pairs: the inference half of {@link preparePairs}.
 *
 * @param texts source sentences as a user types them.
 * @param vocabularies a {@link preparePairs} result or a loaded translator.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` for texts that are not an array of strings or
 *   vocabularies of the wrong shape; `SEQ2SEQ_VOCABULARY_MISMATCH` for BOS/EOS outside the target
 *   vocabulary; `SEQ2SEQ_INVALID_OPTION` for an unknown option or a `sequenceLength` that is not
 *   `null` or an integer ≥ 1.
 * @example
 * const { ids } = encodeSources(['Go now!'], prepared);
 * ids.rows() // [[12, 40, 3]] — 'go now !'
 */
export function encodeSources(
  texts: readonly string[],
  vocabularies: PairVocabularies,
  options: EncodeSourcesOptions = {},
): EncodedSources {
  const where = 'encodeSources';
  const merged = validate.withDefaults(where, options, DEFAULT_ENCODE_SOURCES_OPTIONS);
  const sequenceLength =
    merged.sequenceLength === null
      ? null
      : validate.integer(where, 'sequenceLength', merged.sequenceLength, { min: 1 });
  const { sourceVocabulary, standardize } = requirePairVocabularies(where, vocabularies);
  if (!Array.isArray(texts) || texts.some((text) => typeof text !== 'string')) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: texts must be an array of strings, got ${describeValue(texts)}.`,
    );
  }
  const level = sourceVocabulary.level;
  const oov = sourceVocabulary.specialIds.oov ?? 0;
  const standardized = texts.map((text) =>
    joinTokens(splitTokens(standardizeText(text, standardize), level), level),
  );
  const sequences = standardized.map((text) => {
    const ids = splitTokens(text, level).map((token) => sourceVocabulary.tokenToId(token) ?? oov);
    return sequenceLength === null ? ids : ids.slice(0, sequenceLength);
  });
  const ids = padSequences(sequences, {
    maxLength: sequenceLength ?? sequences.reduce((longest, s) => Math.max(longest, s.length), 0),
    padding: 'post',
    truncating: 'post',
  });
  return { texts: standardized, sequences, ids, lengths: sequences.map((sequence) => sequence.length) };
}

/**
 * Decoded target ids → texts: each row is read up to its first EOS (excluded); BOS and padding
 * ids are skipped; an OOV id reads as `[UNK]`. Words are joined by one space, characters directly —
 * the form of {@link preparePairs}' `targetTexts`, so results compare with them as they are.
 *
 * @param ids one row of target ids per sentence (arrays, typed arrays or `DenseMatrix.rows()`).
 * @param vocabularies a {@link preparePairs} result or a loaded translator.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` for rows that are not sequences of ids of the
 *   target vocabulary (the message names the row and position) or vocabularies of the wrong shape.
 * @example
 * decodeTargets([[bos, 7, 9, 3, eos, 0, 0]], prepared) // ['va t en !']
 */
export function decodeTargets(ids: readonly ArrayLike<number>[], vocabularies: PairVocabularies): string[] {
  const where = 'decodeTargets';
  const { targetVocabulary, bos, eos } = requirePairVocabularies(where, vocabularies);
  if (!Array.isArray(ids)) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: ids must be an array of id rows, got ${describeValue(ids)}.`,
    );
  }
  const pad = targetVocabulary.specialIds.pad ?? 0;
  return ids.map((row, i) => {
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `${where}: ids[${i}] must be a sequence of ids, got ${describeValue(row)}.`,
      );
    }
    const tokens: string[] = [];
    for (let t = 0; t < row.length; t++) {
      const id = row[t]!;
      if (id === eos) break;
      if (id === bos || id === pad) continue;
      try {
        tokens.push(targetVocabulary.idToToken(id));
      } catch (cause) {
        if (!(cause instanceof TokenizeError)) throw cause;
        throw new Seq2SeqError(
          'SEQ2SEQ_INVALID_INPUT',
          `${where}: ids[${i}][${t}] is ${describeValue(id)}, not an id of the target vocabulary (0 … ${targetVocabulary.vocabularySize - 1}). ` +
            'Decode with the vocabularies the model was trained with.',
          { cause },
        );
      }
    }
    return joinTokens(tokens, targetVocabulary.level);
  });
}

/**
 * Checks that `value` has the shape of {@link PairVocabularies}.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` for a missing vocabulary or a bad `standardize`;
 *   `SEQ2SEQ_VOCABULARY_MISMATCH` when `bos`/`eos` are not distinct ids of the target vocabulary.
 */
export function requirePairVocabularies(where: string, value: PairVocabularies): PairVocabularies {
  const candidate = value as Partial<PairVocabularies> | null;
  if (candidate === null || typeof candidate !== 'object') {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: vocabularies must be the result of preparePairs or a loaded translator, got ${describeValue(value)}.`,
    );
  }
  for (const side of ['sourceVocabulary', 'targetVocabulary'] as const) {
    if (!isVocabulary(candidate[side])) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `${where}: ${side} must be an @rnnkit/tokenize Vocabulary (Tokenizer or CharVocabulary), got ${describeValue(candidate[side])}.`,
      );
    }
  }
  const size = candidate.targetVocabulary!.vocabularySize;
  for (const name of ['bos', 'eos'] as const) {
    const id = candidate[name];
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= size) {
      throw new Seq2SeqError(
        'SEQ2SEQ_VOCABULARY_MISMATCH',
        `${where}: ${name} must be an id of the target vocabulary (0 … ${size - 1}), got ${describeValue(id)}. ` +
          'Keep the bos and eos that preparePairs returned with its targetVocabulary.',
      );
    }
  }
  if (candidate.bos === candidate.eos) {
    throw new Seq2SeqError(
      'SEQ2SEQ_VOCABULARY_MISMATCH',
      `${where}: bos and eos must differ, both are ${candidate.bos}.`,
    );
  }
  const standardize = candidate.standardize;
  if (standardize !== null && (typeof standardize !== 'object' || Array.isArray(standardize))) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: standardize must be standardize steps or null, got ${describeValue(standardize)}.`,
    );
  }
  if (standardize !== null) {
    try {
      resolveStandardize(where, standardize);
    } catch (cause) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `${where}: vocabularies.standardize holds invalid steps (${(cause as Error).message})`,
        { cause },
      );
    }
  }
  return candidate as PairVocabularies;
}
