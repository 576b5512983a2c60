import { describeValue } from '@rnnkit/core';
import {
  type BucketByLengthOptions,
  bucketByLength,
  DatasetsError,
  type DenseMatrix,
  type LengthBucket,
  padSequences,
} from '@rnnkit/datasets';
import type { StandardizeOptions } from '@rnnkit/tokenize';
import { Seq2SeqError, validate } from '../errors.js';
import { buildVocabulary, tokensToIds } from './build-vocabulary.js';
import type { PairVocabularies } from './pair-codec.js';
import {
  joinTokens,
  resolveStandardize,
  splitTokens,
  standardizeText,
  TOKEN_LEVELS,
  type TokenLevel,
} from './standardize-text.js';

/** A translation pair: what `parseSentencePairs`/`readSentencePairs` of `@rnnkit/datasets` return. */
export interface TextPair {
  readonly source: string;
  readonly target: string;
}

/** What to do with a pair that has a side longer than `maxLength` tokens. */
export type LongPairs = 'drop' | 'truncate';

/** Bucketing of {@link preparePairs}: `bucketByLength` options (of `@rnnkit/datasets`) without `padValue` and `dtype`. */
export type PairBucketingOptions = Omit<BucketByLengthOptions, 'padValue' | 'dtype'>;

/** Options of {@link preparePairs}. */
export interface PreparePairsOptions {
  /**
   * Token unit of both sides, or of each: `{ source: 'char', target: 'word' }` for
   * grapheme-to-phoneme (letters in, space-separated phonemes out).
   * @default 'word'
   */
  readonly level?: TokenLevel | { readonly source: TokenLevel; readonly target: TokenLevel };
  /**
   * Text clean-up before tokenizing: `true` for the translation notebook's
   * ({@link TRANSLATION_STANDARDIZE}), `false` for none (word level still splits on any
   * whitespace), or `@rnnkit/tokenize` standardize steps.
   * @default true
   */
  readonly standardize?: boolean | StandardizeOptions;
  /**
   * Most tokens a side may have (BOS/EOS not counted); longer pairs are handled by `longPairs`.
   * `null`: no limit.
   * @default null
   */
  readonly maxLength?: number | null;
  /**
   * `'drop'` pairs with a side longer than `maxLength` (the notebooks' filter), or `'truncate'`
   * that side to its first `maxLength` tokens (the target still gets its EOS).
   * @default 'drop'
   */
  readonly longPairs?: LongPairs;
  /**
   * Most ids each vocabulary may have, reserved ids included; the most frequent tokens are kept
   * and the others encoded as the OOV id. `null` keeps every token.
   * @default null
   */
  readonly maxVocabularySize?: number | null;
  /**
   * Also group the pairs into batches of similar source length (`bucketByLength` of
   * `@rnnkit/datasets` on the source sequences), each padded to its own longest source and
   * target: `batches`. `null`: no batches.
   * @default null
   */
  readonly bucketing?: PairBucketingOptions | null;
}

/** The documented defaults of {@link PreparePairsOptions}. */
export const DEFAULT_PREPARE_PAIRS_OPTIONS = Object.freeze({
  level: 'word' as PreparePairsOptions['level'],
  standardize: true as boolean | StandardizeOptions,
  maxLength: null as number | null,
  longPairs: 'drop' as LongPairs,
  maxVocabularySize: null as number | null,
  bucketing: null as PairBucketingOptions | null,
});

interface ResolvedPreparePairsOptions {
  readonly sourceLevel: TokenLevel;
  readonly targetLevel: TokenLevel;
  readonly standardize: StandardizeOptions | null;
  readonly maxLength: number | null;
  readonly longPairs: LongPairs;
  readonly maxVocabularySize: number | null;
  readonly bucketing: PairBucketingOptions | null;
}

const WHERE = 'preparePairs';

function resolvePreparePairsOptions(options: PreparePairsOptions | undefined): ResolvedPreparePairsOptions {
  const merged = validate.withDefaults(WHERE, options, DEFAULT_PREPARE_PAIRS_OPTIONS);
  const level = merged.level;
  let sourceLevel: TokenLevel;
  let targetLevel: TokenLevel;
  if (typeof level === 'object' && level !== null) {
    const sides = validate.withDefaults(`${WHERE} level`, level, {}, ['source', 'target']);
    sourceLevel = validate.oneOf(WHERE, 'level.source', sides.source, TOKEN_LEVELS);
    targetLevel = validate.oneOf(WHERE, 'level.target', sides.target, TOKEN_LEVELS);
  } else {
    sourceLevel = targetLevel = validate.oneOf(WHERE, 'level', level, TOKEN_LEVELS);
  }
  const optionalCount = (name: string, value: unknown, min: number) =>
    value === null ? null : validate.integer(WHERE, name, value, { min });
  const bucketing = merged.bucketing;
  if (bucketing !== null && (typeof bucketing !== 'object' || Array.isArray(bucketing))) {
    validate.invalid(WHERE, 'bucketing', bucketing, 'must be null or { boundaries, batchSizes }');
  }
  return {
    sourceLevel,
    targetLevel,
    standardize: resolveStandardize(WHERE, merged.standardize),
    maxLength: optionalCount('maxLength', merged.maxLength, 1),
    longPairs: validate.oneOf(WHERE, 'longPairs', merged.longPairs, ['drop', 'truncate'] as const),
    maxVocabularySize: optionalCount('maxVocabularySize', merged.maxVocabularySize, 1),
    bucketing,
  };
}

/** One length bucket of {@link PreparedPairs}' `batches`: plain arrays, no tensors. */
export interface PairBatch {
  /** Bucket number, `0 … boundaries.length`. */
  readonly bucket: number;
  /** Row of each pair in the prepared arrays (`sourceIds`, `sourceTexts`, …). */
  readonly rows: readonly number[];
  /** `[batch, time]` int32, post-padded with 0 to the batch's longest source. */
  readonly sourceIds: DenseMatrix<'int32'>;
  /** `[batch, time]` int32: BOS, target, EOS, then 0s. */
  readonly targetIds: DenseMatrix<'int32'>;
  /** `[batch, time]` int32: BOS + target (no EOS), then 0s — the decoder's teacher-forced input. */
  readonly decoderInputIds: DenseMatrix<'int32'>;
  /** `[batch, time]` int32: target + EOS, then 0s — the labels. */
  readonly decoderTargetIds: DenseMatrix<'int32'>;
}

/** How many pairs {@link preparePairs} left out, and why. */
export interface DroppedPairs {
  /** A side had no token left after standardisation (e.g. `'42'` under the notebook's rules). */
  readonly empty: number;
  /** A side had more than `maxLength` tokens (with `longPairs: 'drop'`). */
  readonly tooLong: number;
}

/**
 * What {@link preparePairs} returns. Everything is plain data (arrays, typed arrays in
 * `DenseMatrix`es of `@rnnkit/datasets`, `@rnnkit/tokenize` vocabularies) owned by the caller; no
 * tensors: `tf.tensor2d(m.data, m.shape, 'int32')` makes one from a matrix without copying.
 * Row `i` of every array is the same kept pair, `pairs[pairIndices[i]]` of the input.
 *
 * Reserved ids: padding is 0 and OOV (`[UNK]`) is 1 in both vocabularies. BOS (`[start]`) and
 * EOS (`[end]`) are in the target vocabulary only: at char level they are 2 and 3; at word level
 * (a Keras `Tokenizer`, whose ids follow word frequency) they are wherever their count — one per
 * target — puts them, so always read them from `bos` and `eos`.
 */
export interface PreparedPairs extends PairVocabularies {
  /** Index in the input of each kept pair. */
  readonly pairIndices: number[];
  /** Standardised source texts (words joined by one space; cut to `maxLength` tokens with `'truncate'`). */
  readonly sourceTexts: string[];
  /** Standardised target texts, without BOS/EOS; what {@link decodeTargets} of `targetIds` gives back. */
  readonly targetTexts: string[];
  /** Source ids, unpadded. */
  readonly sourceSequences: number[][];
  /** Target ids, unpadded, without BOS/EOS. */
  readonly targetSequences: number[][];
  /** `[pairs, sourceLength]` int32, post-padded with 0 to the longest source. */
  readonly sourceIds: DenseMatrix<'int32'>;
  /** `[pairs, targetLength + 2]` int32: BOS, the target, EOS, then 0s (post padding). */
  readonly targetIds: DenseMatrix<'int32'>;
  /**
   * `[pairs, targetLength + 1]` int32: BOS + target (no EOS), then 0s — the decoder's
   * teacher-forced input. Row by row it is `targetIds` shifted: position `t` holds the token
   * before label `t`, and padding stands wherever the label is padding.
   */
  readonly decoderInputIds: DenseMatrix<'int32'>;
  /** `[pairs, targetLength + 1]` int32: target + EOS, then 0s — the labels (0 = padding, masked). */
  readonly decoderTargetIds: DenseMatrix<'int32'>;
  /** Padding id of both vocabularies: 0. */
  readonly padId: number;
  /** Out-of-vocabulary id of both vocabularies: 1. */
  readonly oovId: number;
  /** Pairs left out. */
  readonly dropped: DroppedPairs;
  /** Length buckets when the `bucketing` option is set, else `null`. */
  readonly batches: PairBatch[] | null;
}

/**
 * Pairs of sentences → everything an encoder–decoder trains on: standardised texts, source and
 * target vocabularies, ids padded for teacher forcing and, optionally, length buckets.
 *
 * Steps: standardize both sides (by default the translation notebook's rules,
 * {@link TRANSLATION_STANDARDIZE}); split into words or characters; drop pairs with an empty
 * side, and handle sides longer than `maxLength` (`longPairs`); build a vocabulary per side from
 * the kept pairs — word level with Keras' `Tokenizer` (filters off, no lowercasing: the
 * punctuation the standardisation separated stays as tokens, and the JSON loads in Keras'
 * `tokenizer_from_json`), char level with a `CharVocabulary`; encode, add BOS/EOS to targets and
 * post-pad with `padSequences` of `@rnnkit/datasets`.
 *
 * @param pairs `{ source, target }` objects, e.g. from `readSentencePairs('fra.txt')`.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` for an unknown option (naming the closest) or a bad
 *   value; `SEQ2SEQ_INVALID_INPUT` when `pairs` is not a non-empty array of `{ source, target }`
 *   strings, when no pair is left after dropping, or when a word-level text holds a reserved
 *   token (`[UNK]`, `[start]`, `[end]`).
 * @example
 * const prepared = preparePairs(parseSentencePairs('Go.\tVa !\nHi.\tSalut !\n'));
 * prepared.sourceTexts            // ['go .', 'hi .']
 * prepared.targetTexts            // ['va !', 'salut !']
 * prepared.decoderInputIds.rows() // [[bos, va, !], [bos, salut, !]]
 * decodeTargets(prepared.targetIds.rows(), prepared) // ['va !', 'salut !']
 */
export function preparePairs(pairs: readonly TextPair[], options: PreparePairsOptions = {}): PreparedPairs {
  const resolved = resolvePreparePairsOptions(options);
  const { sourceLevel, targetLevel, standardize, maxLength, longPairs, maxVocabularySize } = resolved;
  requirePairs(pairs);
  const pairIndices: number[] = [];
  const sourceTokens: string[][] = [];
  const targetTokens: string[][] = [];
  let empty = 0;
  let tooLong = 0;
  pairs.forEach(({ source, target }, i) => {
    let sourceSide = splitTokens(standardizeText(source, standardize), sourceLevel);
    let targetSide = splitTokens(standardizeText(target, standardize), targetLevel);
    if (sourceSide.length === 0 || targetSide.length === 0) {
      empty++;
      return;
    }
    if (maxLength !== null && (sourceSide.length > maxLength || targetSide.length > maxLength)) {
      if (longPairs === 'drop') {
        tooLong++;
        return;
      }
      sourceSide = sourceSide.slice(0, maxLength);
      targetSide = targetSide.slice(0, maxLength);
    }
    pairIndices.push(i);
    sourceTokens.push(sourceSide);
    targetTokens.push(targetSide);
  });
  if (pairIndices.length === 0) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${WHERE}: no pair is left (${empty} had an empty side after standardisation, ${tooLong} were longer than ` +
        `maxLength ${maxLength}). Raise maxLength, use longPairs: 'truncate', or check the standardize steps.`,
    );
  }
  const source = buildVocabulary(sourceTokens, sourceLevel, false, maxVocabularySize, 'source');
  const target = buildVocabulary(targetTokens, targetLevel, true, maxVocabularySize, 'target');
  const bos = target.bos!;
  const eos = target.eos!;
  const sourceSequences = sourceTokens.map((tokens) => tokensToIds(source.vocabulary, tokens, source.oov));
  const targetSequences = targetTokens.map((tokens) => tokensToIds(target.vocabulary, tokens, target.oov));
  const teacherForcing = teacherForcingIds(targetSequences, bos, eos);
  return {
    sourceVocabulary: source.vocabulary,
    targetVocabulary: target.vocabulary,
    bos,
    eos,
    standardize,
    pairIndices,
    sourceTexts: sourceTokens.map((tokens) => joinTokens(tokens, sourceLevel)),
    targetTexts: targetTokens.map((tokens) => joinTokens(tokens, targetLevel)),
    sourceSequences,
    targetSequences,
    sourceIds: padSequences(sourceSequences, { padding: 'post' }),
    ...teacherForcing,
    padId: 0,
    oovId: source.oov,
    dropped: { empty, tooLong },
    batches:
      resolved.bucketing === null
        ? null
        : bucketPairs(sourceSequences, targetSequences, bos, eos, resolved.bucketing),
  };
}

function requirePairs(pairs: readonly TextPair[]): void {
  if (!Array.isArray(pairs) || pairs.length === 0) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${WHERE}: pairs must be a non-empty array of { source, target } objects, got ${describeValue(pairs)}. ` +
        'Read them with readSentencePairs or parseSentencePairs of @rnnkit/datasets.',
    );
  }
  pairs.forEach((pair, i) => {
    const candidate = pair as Partial<TextPair> | null;
    if (typeof candidate?.source !== 'string' || typeof candidate.target !== 'string') {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `${WHERE}: pairs[${i}] must be { source: string, target: string }, got ${describeValue(pair)}.`,
      );
    }
  });
}

/** BOS + target + EOS, post-padded, and its two teacher-forcing views. */
function teacherForcingIds(
  targetSequences: readonly number[][],
  bos: number,
  eos: number,
): Pick<PreparedPairs, 'targetIds' | 'decoderInputIds' | 'decoderTargetIds'> {
  const marked = targetSequences.map((sequence) => [bos, ...sequence, eos]);
  return {
    targetIds: padSequences(marked, { padding: 'post' }),
    decoderInputIds: padSequences(
      marked.map((sequence) => sequence.slice(0, -1)),
      { padding: 'post' },
    ),
    decoderTargetIds: padSequences(
      marked.map((sequence) => sequence.slice(1)),
      { padding: 'post' },
    ),
  };
}

function bucketPairs(
  sourceSequences: readonly number[][],
  targetSequences: readonly number[][],
  bos: number,
  eos: number,
  bucketing: PairBucketingOptions,
): PairBatch[] {
  let buckets: LengthBucket<'int32'>[];
  try {
    validate.options(`${WHERE} bucketing`, bucketing, [
      'boundaries',
      'batchSizes',
      'padToBucketBoundary',
      'dropRemainder',
    ]);
    buckets = [...bucketByLength(sourceSequences, bucketing)];
  } catch (cause) {
    if (!(cause instanceof DatasetsError)) throw cause;
    throw new Seq2SeqError(
      cause.code === 'DATASETS_INVALID_OPTION' ? 'SEQ2SEQ_INVALID_OPTION' : 'SEQ2SEQ_INVALID_INPUT',
      `${WHERE}: bucketing: ${cause.message}`,
      { cause },
    );
  }
  return buckets.map(({ bucket, padded, indices }) => ({
    bucket,
    rows: indices,
    sourceIds: padded,
    ...teacherForcingIds(
      indices.map((row) => targetSequences[row]!),
      bos,
      eos,
    ),
  }));
}
