import { SeededRandom } from '@rnnkit/core';
import type { Batch } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import { Seq2SeqError, validate } from './errors.js';

/** Options of {@link teacherForcingBatch}. */
export interface TeacherForcingBatchOptions {
  /** Target id put before every target: the decoder's first input. */
  readonly bos: number;
  /** Target id put after every target: the last label. */
  readonly eos: number;
}

/** A teacher-forcing batch: `xs = [sourceIds, decoderInputIds]`, `ys` = labels; all int32, 0-padded. */
export interface TeacherForcingBatch extends Batch {
  /** `[sourceIds [batch, Ts], decoderInputIds [batch, Tt + 1]]` — decoder inputs are `bos + target`. */
  readonly xs: readonly [tf.Tensor2D, tf.Tensor2D];
  /** Labels `[batch, Tt + 1]`: `target + eos`. */
  readonly ys: tf.Tensor2D;
}

type IdList = readonly number[] | Int32Array;

function checkRows(where: string, name: string, rows: unknown): readonly IdList[] {
  if (!Array.isArray(rows) || rows.length === 0) {
    validate.invalid(where, name, rows, 'must be a non-empty array of id arrays');
  }
  rows.forEach((row, r) => {
    if (!(Array.isArray(row) || row instanceof Int32Array) || row.length === 0) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `${where}: ${name}[${r}] must be a non-empty array of ids (without padding), got ${JSON.stringify(row)}.`,
      );
    }
    for (const id of row as IdList) {
      if (!Number.isInteger(id) || id <= 0) {
        throw new Seq2SeqError(
          'SEQ2SEQ_INVALID_INPUT',
          `${where}: ${name}[${r}] holds ${id}; ids must be integers ≥ 1 (0 is padding and is added here).`,
        );
      }
    }
  });
  return rows as readonly IdList[];
}

/** Both row lists valid ({@link checkRows}) and of the same length (one target per source). */
function checkPairs(where: string, sources: unknown, targets: unknown): void {
  const sourceRows = checkRows(where, 'sources', sources);
  const targetRows = checkRows(where, 'targets', targets);
  if (sourceRows.length !== targetRows.length) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: ${sourceRows.length} sources but ${targetRows.length} targets; pass one target per source.`,
    );
  }
}

function padded(
  rows: readonly IdList[],
  width: number,
  before: number | null,
  after: number | null,
): tf.Tensor2D {
  const values = new Int32Array(rows.length * width);
  rows.forEach((row, r) => {
    let t = r * width;
    if (before !== null) values[t++] = before;
    values.set(row, t);
    if (after !== null) values[t + row.length] = after;
  });
  return tf.tensor2d(values, [rows.length, width], 'int32');
}

/**
 * One teacher-forcing batch from unpadded id rows (the TF NMT tutorial's and the Keras book's
 * layout): source ids padded with 0 at the end; decoder inputs `bos + target`, labels
 * `target + eos`, both padded with 0 at the end (label 0 is masked out of the loss by
 * `maskedSparseCategoricalCrossentropy`, input 0 by the decoder Embedding's `maskZero`).
 *
 * @returns new int32 tensors owned by the caller (or by `train()`, which disposes batches it gets
 *   from a function — see {@link teacherForcingBatches}).
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` for empty rows, ids ≤ 0 or different row counts;
 *   `SEQ2SEQ_INVALID_OPTION` for unknown options or bad `bos`/`eos`.
 * @example
 * const batch = teacherForcingBatch([[5, 6]], [[7, 8, 9]], { bos: 1, eos: 2 });
 * // xs[0] [[5, 6]], xs[1] [[1, 7, 8, 9]], ys [[7, 8, 9, 2]]
 */
export function teacherForcingBatch(
  sources: readonly IdList[],
  targets: readonly IdList[],
  options: TeacherForcingBatchOptions,
): TeacherForcingBatch {
  const where = 'teacherForcingBatch';
  const { bos, eos } = resolveMarkers(where, options, {});
  checkPairs(where, sources, targets);
  const sourceWidth = Math.max(...sources.map((row) => row.length));
  const targetWidth = Math.max(...targets.map((row) => row.length)) + 1;
  return {
    xs: [padded(sources, sourceWidth, null, null), padded(targets, targetWidth, bos, null)],
    ys: padded(targets, targetWidth, null, eos),
  };
}

function resolveMarkers<D extends object>(
  where: string,
  options: TeacherForcingBatchOptions & object,
  defaults: D,
): D & { bos: number; eos: number } {
  const given = validate.withDefaults(where, options, defaults, ['bos', 'eos']) as D &
    Partial<TeacherForcingBatchOptions>;
  for (const name of ['bos', 'eos'] as const) {
    if (given[name] === undefined) {
      validate.invalid(
        where,
        name,
        undefined,
        'is required',
        `Pass the target vocabulary's ${name.toUpperCase()} id.`,
      );
    }
    validate.integer(where, name, given[name], { min: 1 });
  }
  return given as D & { bos: number; eos: number };
}

/** Options of {@link teacherForcingBatches}. */
export interface TeacherForcingBatchesOptions extends TeacherForcingBatchOptions {
  /**
   * Pairs per batch (the last batch may be smaller).
   * @default 64
   */
  readonly batchSize?: number;
  /**
   * Reshuffle the pairs before every epoch.
   * @default true
   */
  readonly shuffle?: boolean;
  /**
   * Seed of the shuffling (epoch e uses the e-th permutation of this seed's generator); `null`: unseeded.
   * @default null
   */
  readonly seed?: number | null;
}

/** Defaults of the optional {@link TeacherForcingBatchesOptions}. */
export const DEFAULT_TEACHER_FORCING_BATCHES_OPTIONS = Object.freeze({
  batchSize: 64,
  shuffle: true,
  seed: null,
}) satisfies Readonly<Required<Omit<TeacherForcingBatchesOptions, 'bos' | 'eos'>>>;

/**
 * Training data for rnn-models' `train()`: a function that, every epoch, (re)shuffles the pairs
 * and yields {@link teacherForcingBatch} batches of `batchSize` pairs, each padded to its own
 * longest row. train() owns (and disposes) the batches a function yields.
 *
 * @throws Seq2SeqError as {@link teacherForcingBatch} (checked once, here).
 * @example
 * await train(translator.model, teacherForcingBatches(sources, targets, { bos: 1, eos: 2, seed: 0 }), {
 *   loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }), globalClipNorm: 1, epochs: 10,
 * });
 */
export function teacherForcingBatches(
  sources: readonly IdList[],
  targets: readonly IdList[],
  options: TeacherForcingBatchesOptions,
): () => Iterable<TeacherForcingBatch> {
  const where = 'teacherForcingBatches';
  const o = resolveMarkers(where, options, DEFAULT_TEACHER_FORCING_BATCHES_OPTIONS);
  const batchSize = validate.integer(where, 'batchSize', o.batchSize, { min: 1 });
  const shuffle = validate.boolean(where, 'shuffle', o.shuffle);
  const seed = validate.seed(where, 'seed', o.seed);
  checkPairs(where, sources, targets);
  const random = new SeededRandom(seed ?? Math.floor(Math.random() * 2 ** 31));
  const markers = { bos: o.bos, eos: o.eos };
  return function* epoch(): Iterable<TeacherForcingBatch> {
    const order = Array.from({ length: sources.length }, (_, i) => i);
    if (shuffle) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = random.nextInt(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    for (let start = 0; start < order.length; start += batchSize) {
      const picked = order.slice(start, start + batchSize);
      yield teacherForcingBatch(
        picked.map((i) => sources[i]!),
        picked.map((i) => targets[i]!),
        markers,
      );
    }
  };
}
