import { SeededRandom } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { RnnModelsError } from '../errors.js';
import type { Batch, BatchIteratorSource } from './data-source.js';

/**
 * One `{ xs, ys, mask? }` of tensors rather than a source of batches: Keras' `fit(x, y)` /
 * `evaluate(x, y)` form, which train and evaluate cut into batches of `batchSize` rows.
 */
export function isWholeSet(data: unknown): data is Batch {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !('xs' in data)) return false;
  const d = data as Record<string | symbol, unknown>;
  return (
    typeof d['iterator'] !== 'function' &&
    typeof d[Symbol.iterator] !== 'function' &&
    typeof d[Symbol.asyncIterator] !== 'function'
  );
}

/**
 * Checks that every tensor of a whole set has the same rows.
 * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` naming the tensor and both counts.
 */
export function checkWholeSetRows(batch: Batch, where: string): void {
  const xs = Array.isArray(batch.xs) ? (batch.xs as tf.Tensor[]) : [batch.xs as tf.Tensor];
  const rows = xs[0]!.shape[0];
  const named: [string, tf.Tensor | undefined][] = [
    ...xs.map((x, i): [string, tf.Tensor] => [xs.length === 1 ? 'xs' : `xs[${i}]`, x]),
    ['ys', batch.ys as tf.Tensor | undefined],
    ['mask', batch.mask],
  ];
  for (const [name, tensor] of named) {
    if (tensor !== undefined && tensor.shape[0] !== rows) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `${where}.${name} has ${tensor.shape[0]} rows but ${where}.xs has ${rows}: every input row needs its ` +
          'target (and mask row).',
      );
    }
  }
}

/** How a {@link WholeSetBatches} orders rows: as given, or shuffled afresh every pass. */
export type RowOrder =
  | { readonly shuffle: false }
  | { readonly shuffle: true; readonly seed: number; readonly firstPass: number };

/**
 * A whole set cut into batches of `batchSize` rows, one pass per `iterator()` call — in order, or
 * (Keras' `shuffle=True`) in a new seeded order every pass: pass `p`'s order depends only on
 * `(seed, firstPass + p)`, so training resumed at epoch `e` with `firstPass: e` sees the rows in
 * the order an uninterrupted run would.
 *
 * Tensor ownership: the whole set stays its owner's and is never modified; every batch is a new
 * set of tensors that its reader disposes (train and evaluate always do: {@link ownsBatches}).
 */
export class WholeSetBatches<B extends Batch> implements BatchIteratorSource<B> {
  readonly size: number;
  private readonly rows: number;
  private passes = 0;

  constructor(
    private readonly set: B,
    private readonly batchSize: number,
    private readonly order: RowOrder,
  ) {
    const xs = Array.isArray(set.xs) ? (set.xs as tf.Tensor[]) : [set.xs as tf.Tensor];
    this.rows = xs[0]!.shape[0] ?? 0;
    this.size = Math.ceil(this.rows / batchSize);
  }

  async iterator(): Promise<{ next(): Promise<IteratorResult<B>> }> {
    const pass = this.passes++;
    const rows = this.rows;
    let indices: number[] | null = null;
    if (this.order.shuffle) {
      indices = Array.from({ length: rows }, (_, i) => i);
      new SeededRandom(passSeed(this.order.seed, this.order.firstPass + pass)).shuffleInPlace(indices);
    }
    let start = 0;
    return {
      next: async () => {
        if (start >= rows) return { done: true, value: undefined };
        const size = Math.min(this.batchSize, rows - start);
        const batch =
          indices === null
            ? this.sliceRows(start, size)
            : this.gatherRows(indices.slice(start, start + size));
        start += size;
        return { done: false, value: batch };
      },
    };
  }

  private sliceRows(start: number, size: number): B {
    return this.mapTensors((t) => tf.slice(t, start, size));
  }

  private gatherRows(rows: readonly number[]): B {
    const index = tf.tensor1d(Int32Array.from(rows), 'int32');
    try {
      return this.mapTensors((t) => tf.gather(t, index));
    } finally {
      index.dispose();
    }
  }

  private mapTensors(cut: (t: tf.Tensor) => tf.Tensor): B {
    const { set } = this;
    const xs = Array.isArray(set.xs) ? (set.xs as tf.Tensor[]).map(cut) : cut(set.xs as tf.Tensor);
    return {
      xs,
      ...(set.ys === undefined ? {} : { ys: cut(set.ys) }),
      ...(set.mask === undefined ? {} : { mask: cut(set.mask) }),
    } as unknown as B;
  }
}

/** Whether the batches of `source` were cut by train/evaluate, which then always dispose them. */
export function ownsBatches(source: unknown): boolean {
  return source instanceof WholeSetBatches;
}

/** A pass's shuffle seed from the user's seed and the pass (epoch) number, mixed (splitmix32-style). */
function passSeed(seed: number, pass: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(pass + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
