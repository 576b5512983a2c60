import { DatasetsError } from './errors.js';
import { copyIds, requireIdCorpus } from './id-input.js';
import { check, type IdSequence } from './validate.js';

/** Options of {@link shiftedChunks} and {@link countShiftedChunks}. */
export interface ShiftedChunkOptions {
  /**
   * Ids per input (and per target) sequence, the TensorFlow tutorial's `seq_length`; an
   * integer ≥ 1. Each chunk takes `sequenceLength + 1` ids from the corpus. Required.
   */
  readonly sequenceLength: number;
}

/** {@link ShiftedChunkOptions} with every default filled in (there are no optional fields). */
export interface ResolvedShiftedChunkOptions {
  readonly sequenceLength: number;
}

/** The documented defaults of {@link ShiftedChunkOptions}: none, `sequenceLength` is required. */
export const DEFAULT_SHIFTED_CHUNK_OPTIONS: Readonly<Record<never, never>> = Object.freeze({});

/**
 * Validates shifted-chunk options.
 * @example
 * resolveShiftedChunkOptions({ sequenceLength: 100 }); // { sequenceLength: 100 }
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for a missing or non-positive `sequenceLength` or an unknown option.
 */
export function resolveShiftedChunkOptions(
  options: ShiftedChunkOptions,
  where = 'shiftedChunks',
): ResolvedShiftedChunkOptions {
  const merged = check.withDefaults(where, options, DEFAULT_SHIFTED_CHUNK_OPTIONS, ['sequenceLength']);
  return { sequenceLength: check.integer(where, 'sequenceLength', merged.sequenceLength, { min: 1 }) };
}

/**
 * One example of {@link shiftedChunks}: a chunk of `L + 1` ids (`L = sequenceLength`) split into
 * `xs` (`chunk[0 : L]`) and `ys` (`chunk[1 : L + 1]`). Both arrays are fresh for every
 * chunk and owned by the caller.
 */
export interface ShiftedChunk {
  /** `int32`, shape `[sequenceLength]`. */
  readonly xs: Int32Array;
  /** `int32`, shape `[sequenceLength]`: `xs` shifted left by one, plus the id after it. */
  readonly ys: Int32Array;
  /** Offset of `xs[0]` in the corpus: `chunkIndex × (sequenceLength + 1)`. */
  readonly start: number;
}

function prepare(ids: ArrayLike<number>, options: ShiftedChunkOptions, where: string) {
  const resolved = resolveShiftedChunkOptions(options, where);
  const corpus = requireIdCorpus(ids, 'ids');
  const count = Math.floor(corpus.length / (resolved.sequenceLength + 1));
  if (count === 0) {
    throw new DatasetsError(
      'DATASETS_TOO_SHORT',
      `ids has ${corpus.length} ids but one chunk needs sequenceLength + 1 = ${resolved.sequenceLength + 1}. ` +
        'Lower sequenceLength or pass a longer corpus.',
    );
  }
  return { corpus, resolved, count };
}

/**
 * Splits one corpus of ids into non-overlapping chunks of `L + 1` ids (`L = sequenceLength`) and each chunk
 * into an input and a target shifted by one, lazily: the TensorFlow text-generation
 * tutorial's `ids_dataset.batch(seq_length + 1, drop_remainder=True).map(split_input_target)`.
 *
 * Chunk `k` covers `ids[k·(L + 1) : (k + 1)·(L + 1)]`; the last
 * `n mod (L + 1)` ids, too few for a whole chunk, are dropped. Consecutive chunks do
 * not share ids, so the target of one chunk's last step is not the next chunk's first input.
 * Validation happens at call time; chunks are copied out only as the iterator advances. The
 * corpus is read, never modified; do not mutate it while iterating.
 *
 * @param ids one flat corpus of integer ids in `[0, 2³¹ − 1]` (`number[]` or a typed array).
 * @returns an iterator over {@link ShiftedChunk}s whose arrays are fresh and owned by the caller.
 * @example
 * [...shiftedChunks([1, 2, 3, 4, 5, 6, 7, 8, 9], { sequenceLength: 3 })];
 * // xs [1,2,3] ys [2,3,4]; xs [5,6,7] ys [6,7,8]; 9 is dropped
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (bad `sequenceLength`), `DATASETS_INVALID_INPUT`
 *   (not a flat sequence of integer ids), `DATASETS_EMPTY_INPUT` (no ids),
 *   `DATASETS_TOO_SHORT` (fewer than `sequenceLength + 1` ids).
 */
export function shiftedChunks(
  ids: ArrayLike<number>,
  options: ShiftedChunkOptions,
): Generator<ShiftedChunk, void, undefined> {
  const { corpus, resolved, count } = prepare(ids, options, 'shiftedChunks');
  return generateShiftedChunks(corpus, resolved.sequenceLength, count);
}

function* generateShiftedChunks(
  corpus: IdSequence,
  length: number,
  count: number,
): Generator<ShiftedChunk, void, undefined> {
  for (let k = 0; k < count; k++) {
    const start = k * (length + 1);
    yield { xs: copyIds(corpus, start, length), ys: copyIds(corpus, start + 1, length), start };
  }
}

/**
 * The number of chunks {@link shiftedChunks} yields: `⌊n / (sequenceLength + 1)⌋` for `n` ids.
 * @example
 * countShiftedChunks(new Int32Array(1_115_394), { sequenceLength: 100 }); // 11 043
 * @throws DatasetsError the same errors as {@link shiftedChunks}, so it never returns 0.
 */
export function countShiftedChunks(ids: ArrayLike<number>, options: ShiftedChunkOptions): number {
  return prepare(ids, options, 'countShiftedChunks').count;
}
