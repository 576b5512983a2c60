import { describeValue } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';

/**
 * One training batch. `@rnnkit/datasets/tensor`' `TensorBatch` (from `toTensors`) has this shape.
 */
export interface Batch {
  /** Model inputs `[batch, …]` (ids as `int32`, features as `float32`); an array for a multi-input model. */
  readonly xs: tf.Tensor | readonly tf.Tensor[];
  /** Targets `[batch, …]`, as the loss expects them (`int32` ids for `sparseCategoricalCrossentropy`). */
  readonly ys: tf.Tensor;
  /**
   * Optional weights of the loss and metric values, float32, of their exact shape: `[batch]` per
   * sample or `[batch, time]` per step (1 on real steps, 0 on padding — `toTensors({ mask: true })`
   * makes it). Values are then averaged as `Σ(value · mask) / Σ mask`.
   */
  readonly mask?: tf.Tensor;
}

/**
 * What {@link train} needs of a tf.data-style dataset: `@rnnkit/datasets`' `Dataset` and
 * tfjs-data datasets have it. Each call to `iterator()` starts a fresh pass (an epoch).
 */
export interface BatchIteratorSource<B> {
  iterator(): Promise<{ next(): Promise<IteratorResult<B>>; return?(): unknown }>;
  /** Batches per pass when known (used for the progress bar's total before the first epoch ends). */
  readonly size?: number;
}

/**
 * Training or validation batches: a tf.data-style dataset, an array, an (async) iterable, or a
 * function returning a fresh (async) iterable for every epoch. A generator object can be read
 * only once: pass `() => generate()` to train for several epochs.
 */
export type DataSource<B = Batch> =
  | BatchIteratorSource<B>
  | readonly B[]
  | Iterable<B>
  | AsyncIterable<B>
  | (() => Iterable<B> | AsyncIterable<B>);

/** One pass over a data source. */
export interface BatchPass<B> {
  next(): Promise<IteratorResult<B>>;
  /** Releases the underlying iterator early (`return()`), e.g. on abort or error. */
  close(): Promise<void>;
}

/**
 * Checks that `source` is one of the {@link DataSource} kinds.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` naming `what` otherwise.
 */
export function checkDataSource(source: unknown, what: string): void {
  if (typeof source === 'function') return;
  if (source !== null && typeof source === 'object') {
    const s = source as Record<string | symbol, unknown>;
    if (typeof s['iterator'] === 'function') return;
    if (typeof s[Symbol.asyncIterator] === 'function' || typeof s[Symbol.iterator] === 'function') return;
  }
  throw new RnnModelsError(
    'RNN_MODELS_INVALID_OPTION',
    `${what} must be a dataset with iterator(), an array, an (async) iterable of { xs, ys } batches or a ` +
      `function returning one, got ${describeValue(source)}.`,
  );
}

/** Batches per pass when known without iterating: an array's length or a finite dataset `size`. */
export function knownSize(source: unknown): number | undefined {
  if (Array.isArray(source)) return source.length;
  if (
    source !== null &&
    typeof source === 'object' &&
    typeof (source as { iterator?: unknown }).iterator === 'function'
  ) {
    const size = (source as { size?: unknown }).size;
    if (typeof size === 'number' && Number.isInteger(size) && size >= 0) return size;
  }
  return undefined;
}

/**
 * Starts a new pass over `source`.
 * @param onUnread called by `close()` for every element an array (or a function's array) still
 *   holds, so a pass ended early can dispose batches it will never read.
 */
export async function openPass<B>(
  source: DataSource<B>,
  what: string,
  onUnread?: (item: B) => void,
): Promise<BatchPass<B>> {
  let iterable: unknown = source;
  if (typeof source === 'function') {
    iterable = source();
    if (iterable === null || typeof iterable !== 'object') {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `The function given as ${what} must return an (async) iterable of batches, returned ${describeValue(iterable)}.`,
      );
    }
  }
  const s = iterable as Record<string | symbol, unknown>;
  let iterator: { next(): unknown; return?(): unknown };
  if (typeof s['iterator'] === 'function' && typeof source !== 'function') {
    iterator = (await (s['iterator'] as () => Promise<typeof iterator>).call(iterable)) as typeof iterator;
  } else if (typeof s[Symbol.asyncIterator] === 'function') {
    iterator = (s[Symbol.asyncIterator] as () => typeof iterator).call(iterable);
  } else if (typeof s[Symbol.iterator] === 'function') {
    iterator = (s[Symbol.iterator] as () => typeof iterator).call(iterable);
  } else {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${what} yielded ${describeValue(iterable)}, which is not iterable.`,
    );
  }
  const array = Array.isArray(iterable) ? (iterable as B[]) : null;
  let read = 0;
  let done = false;
  return {
    async next() {
      const result = (await iterator.next()) as IteratorResult<B>;
      if (result.done) done = true;
      else read += 1;
      return result;
    },
    async close() {
      if (done) return;
      done = true;
      if (array !== null && onUnread !== undefined) array.slice(read).forEach(onUnread);
      if (typeof iterator.return === 'function') await iterator.return();
    },
  };
}

/**
 * Checks a batch's structure (tensors where tensors belong).
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` naming the source, epoch and batch index.
 */
export function checkBatch(batch: unknown, where: string, needsYs: boolean): void {
  const b = batch as Partial<Record<keyof Batch, unknown>> | null;
  const xsOk =
    b !== null &&
    typeof b === 'object' &&
    (b.xs instanceof tf.Tensor ||
      (Array.isArray(b.xs) && b.xs.length > 0 && b.xs.every((x) => x instanceof tf.Tensor)));
  const ysOk =
    b !== null && typeof b === 'object' && (b.ys instanceof tf.Tensor || (!needsYs && b.ys === undefined));
  const maskOk = b !== null && typeof b === 'object' && (b.mask === undefined || b.mask instanceof tf.Tensor);
  if (!xsOk || !ysOk || !maskOk) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${where} is not a batch { xs: Tensor | Tensor[], ys: Tensor, mask?: Tensor }: received ${describeValue(batch)}. ` +
        'Make tensors from arrays first (e.g. toTensors from @rnnkit/datasets/tensor).',
    );
  }
}

/** Disposes every tensor of a batch (`xs`, `ys`, `mask`). */
export function disposeBatch(batch: Batch): void {
  const tensors: tf.Tensor[] = [];
  if (Array.isArray(batch.xs)) tensors.push(...(batch.xs as tf.Tensor[]));
  else if (batch.xs instanceof tf.Tensor) tensors.push(batch.xs);
  if (batch.ys instanceof tf.Tensor) tensors.push(batch.ys);
  if (batch.mask instanceof tf.Tensor) tensors.push(batch.mask);
  tf.dispose(tensors);
}

/** Rows in a batch: the first dimension of `ys`, else of the (first) input; 1 when unknown. */
export function batchSize(batch: Batch): number {
  if (batch.ys instanceof tf.Tensor && batch.ys.rank > 0) return batch.ys.shape[0]!;
  const first = Array.isArray(batch.xs) ? batch.xs[0] : batch.xs;
  return (first as tf.Tensor | undefined)?.shape[0] ?? 1;
}
