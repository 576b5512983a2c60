import { DatasetsError } from './errors.js';
import { requireIdCorpus } from './id-input.js';
import { check, type IdSequence } from './validate.js';

/** Options of {@link statefulStreams} and {@link countStatefulBatches}. */
export interface StatefulStreamOptions {
  /** Number of parallel streams, i.e. rows per batch (PyTorch's `bsz`); an integer ≥ 1. Required. */
  readonly batchSize: number;
  /** Time steps per batch, the truncated-BPTT length (PyTorch's `bptt`); an integer ≥ 1. Required. */
  readonly sequenceLength: number;
  /**
   * Drop the last, shorter batch so every batch has shape `[batchSize, sequenceLength]` (what a
   * stateful Keras / tfjs RNN with a fixed `batchInputShape` needs). `false` keeps it with
   * shape `[batchSize, r]`, `r < sequenceLength`, as PyTorch's `get_batch` does.
   * @default true
   */
  readonly dropRemainder?: boolean;
}

/** {@link StatefulStreamOptions} with every default filled in. */
export interface ResolvedStatefulStreamOptions {
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly dropRemainder: boolean;
}

/** The documented defaults of the optional {@link StatefulStreamOptions} fields. */
export const DEFAULT_STATEFUL_STREAM_OPTIONS: Readonly<Pick<ResolvedStatefulStreamOptions, 'dropRemainder'>> =
  Object.freeze({ dropRemainder: true });

/**
 * Validates stateful-stream options and fills in defaults.
 * @example
 * resolveStatefulStreamOptions({ batchSize: 20, sequenceLength: 35 });
 * // { batchSize: 20, sequenceLength: 35, dropRemainder: true }
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for missing or non-positive sizes, a
 *   non-boolean `dropRemainder` or an unknown option.
 */
export function resolveStatefulStreamOptions(
  options: StatefulStreamOptions,
  where = 'statefulStreams',
): ResolvedStatefulStreamOptions {
  const merged = check.withDefaults(where, options, DEFAULT_STATEFUL_STREAM_OPTIONS, [
    'batchSize',
    'sequenceLength',
  ]);
  return {
    batchSize: check.integer(where, 'batchSize', merged.batchSize, { min: 1 }),
    sequenceLength: check.integer(where, 'sequenceLength', merged.sequenceLength, { min: 1 }),
    dropRemainder: check.boolean(where, 'dropRemainder', merged.dropRemainder),
  };
}

/**
 * One batch of {@link statefulStreams}. Row `j` of batch `i + 1` continues row `j` of batch
 * `i` in the corpus, so an RNN may carry its state from one batch to the next. The arrays are
 * fresh for every batch and owned by the caller.
 */
export interface StatefulBatch {
  /** Input ids, `int32`, row-major `[batchSize, steps]`: `xs[j·steps + t]` is step `t` of stream `j`. */
  readonly xs: Int32Array;
  /** Target ids, `int32`, `[batchSize, steps]`: each row of `xs` shifted by one step, across batch boundaries too. */
  readonly ys: Int32Array;
  /** `[batchSize, steps]`; `steps` is `sequenceLength` except for a kept short last batch. */
  readonly shape: readonly [number, number];
  /** Position of the batch in the epoch, from 0. */
  readonly index: number;
}

interface StreamLayout {
  readonly corpus: IdSequence;
  readonly batchSize: number;
  readonly sequenceLength: number;
  /** Ids per stream: `⌊n / batchSize⌋`. */
  readonly streamLength: number;
  readonly count: number;
}

function prepare(ids: ArrayLike<number>, options: StatefulStreamOptions, where: string): StreamLayout {
  const { batchSize, sequenceLength, dropRemainder } = resolveStatefulStreamOptions(options, where);
  const corpus = requireIdCorpus(ids, 'ids');
  const streamLength = Math.floor(corpus.length / batchSize);
  // The last id of a stream is only ever a target, so a stream offers streamLength − 1 input steps.
  const steps = Math.max(streamLength - 1, 0);
  const count = dropRemainder ? Math.floor(steps / sequenceLength) : Math.ceil(steps / sequenceLength);
  if (count === 0) {
    const needed = batchSize * ((dropRemainder ? sequenceLength : 1) + 1);
    throw new DatasetsError(
      'DATASETS_TOO_SHORT',
      `ids has ${corpus.length} ids; ${batchSize} streams of ${dropRemainder ? sequenceLength : 1} input steps ` +
        `plus one target each need at least ${needed}. Lower batchSize or sequenceLength` +
        `${dropRemainder ? ', set dropRemainder: false,' : ''} or pass a longer corpus.`,
    );
  }
  return { corpus, batchSize, sequenceLength, streamLength, count };
}

/**
 * Lays one corpus out as `batchSize` contiguous streams and yields truncated-BPTT batches,
 * lazily: the layout stateful RNNs need, PyTorch word_language_model's `batchify` +
 * `get_batch` (batch-major rows here, where PyTorch's tensor is time-major).
 *
 * The corpus is cut to `batchSize · S` ids, `S = ⌊n / batchSize⌋`; stream `j` is
 * `ids[j·S : (j + 1)·S]`. Batch `i` holds, for every stream `j`, inputs
 * `stream_j[i·sequenceLength : (i + 1)·sequenceLength]` in row `j` of `xs` and the same slice moved one
 * step on in row `j` of `ys`. Hence row `j` read across all batches is one contiguous slice of
 * the corpus, and the last target of a row is the first input of that row in the next batch.
 * There are `⌊(S − 1) / sequenceLength⌋` batches (`⌈(S − 1) / sequenceLength⌉` with
 * `dropRemainder: false`). Reset the RNN state at the start of every epoch, not between
 * batches.
 *
 * Validation happens at call time; each batch is copied out only when the iterator reaches
 * it. The corpus is read, never modified; do not mutate it while iterating.
 *
 * @param ids one flat corpus of integer ids in `[0, 2³¹ − 1]` (`number[]` or a typed array).
 * @returns an iterator over {@link StatefulBatch}es whose arrays are fresh and owned by the caller.
 * @example
 * // 'abcdefghijklmnopqrstuvwxyz' as ids 0…25, batchSize 4: streams abcdef, ghijkl, mnopqr, stuvwx
 * const batches = [...statefulStreams(ids, { batchSize: 4, sequenceLength: 2 })];
 * // batch 0: xs rows ab gh mn st, ys rows bc hi no tu
 * // batch 1: xs rows cd ij op uv, ys rows de jk pq vw   (2 batches; 'ef' rows would lack a target for f)
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (bad sizes), `DATASETS_INVALID_INPUT` (not
 *   a flat sequence of integer ids), `DATASETS_EMPTY_INPUT` (no ids), `DATASETS_TOO_SHORT`
 *   (not enough ids for one batch).
 */
export function statefulStreams(
  ids: ArrayLike<number>,
  options: StatefulStreamOptions,
): Generator<StatefulBatch, void, undefined> {
  return generateStatefulBatches(prepare(ids, options, 'statefulStreams'));
}

function* generateStatefulBatches(layout: StreamLayout): Generator<StatefulBatch, void, undefined> {
  const { corpus, batchSize, sequenceLength, streamLength, count } = layout;
  for (let i = 0; i < count; i++) {
    const offset = i * sequenceLength;
    const steps = Math.min(sequenceLength, streamLength - 1 - offset);
    const xs = new Int32Array(batchSize * steps);
    const ys = new Int32Array(batchSize * steps);
    for (let j = 0; j < batchSize; j++) {
      const base = j * streamLength + offset;
      for (let t = 0; t < steps; t++) {
        xs[j * steps + t] = corpus[base + t]!;
        ys[j * steps + t] = corpus[base + t + 1]!;
      }
    }
    yield { xs, ys, shape: [batchSize, steps], index: i };
  }
}

/**
 * The number of batches {@link statefulStreams} yields per epoch, without building any.
 * @example
 * countStatefulBatches(new Int32Array(26), { batchSize: 4, sequenceLength: 2 }); // 2
 * countStatefulBatches(new Int32Array(26), { batchSize: 4, sequenceLength: 2, dropRemainder: false }); // 3
 * @throws DatasetsError the same errors as {@link statefulStreams}, so it never returns 0.
 */
export function countStatefulBatches(ids: ArrayLike<number>, options: StatefulStreamOptions): number {
  return prepare(ids, options, 'countStatefulBatches').count;
}
