import { describeValue, SeededRandom } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import { check } from './validate.js';

/**
 * Where a {@link Dataset} reads from. Arrays and functions returning a fresh iterable can be
 * iterated any number of times (epochs, `repeat`); a generator or iterator object only once.
 */
export type DatasetSource<T> =
  | readonly T[]
  | Iterable<T>
  | AsyncIterable<T>
  | (() => Iterable<T> | AsyncIterable<T>);

/** Options of {@link Dataset.batch}. */
export interface BatchOptions {
  /**
   * Drop a last batch smaller than `size` (stateful RNNs need every batch full).
   * @default false
   */
  readonly dropRemainder?: boolean;
}

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /**
   * Shuffle differently on every pass (still determined by the seed: pass k uses a seed
   * derived from `seed` and k), as tf.data does by default.
   * @default true
   */
  readonly reshuffleEachIteration?: boolean;
  /**
   * The pass the first iteration counts as. Resuming training at epoch k with `firstPass: k`
   * gives the same order as an uninterrupted run's pass k (save k with the checkpoint).
   * @default 0
   */
  readonly firstPass?: number;
}

/** The documented defaults of {@link BatchOptions}. */
export const DEFAULT_BATCH_OPTIONS: Required<BatchOptions> = Object.freeze({ dropRemainder: false });

/** The documented defaults of {@link ShuffleOptions}. */
export const DEFAULT_SHUFFLE_OPTIONS: Required<ShuffleOptions> = Object.freeze({
  reshuffleEachIteration: true,
  firstPass: 0,
});

/** What tfjs-layers' `model.fitDataset()` needs of a dataset. */
export interface TfjsDatasetLike<T> {
  iterator(): Promise<{ next(): Promise<IteratorResult<T>> }>;
  readonly size: number;
}

type IteratorFactory<T> = (pass: number) => AsyncIterator<T>;

/**
 * A lazy, typed, re-iterable pipeline, in the manner of `tf.data`: nothing is read or
 * computed until iterated, and every stage works one element at a time, so memory stays
 * bounded by the largest buffer asked for (`shuffle`, `batch`).
 *
 * Iterate with `for await (const item of dataset)`, or hand it to tfjs-layers'
 * `model.fitDataset()` after `toTensors` (from `@rnnkit/datasets/tensor`). Tensor ownership: a dataset never
 * disposes what it yields; whoever consumes an element owns it (`fitDataset` disposes
 * `xs`/`ys` itself).
 *
 * @example
 * const batches = Dataset.from(examples).shuffle(1000, 42).batch(64, { dropRemainder: true });
 * for await (const batch of batches) console.log(batch.length); // 64, 64, …
 */
export class Dataset<T> implements AsyncIterable<T>, TfjsDatasetLike<T> {
  /**
   * Number of elements per pass when known without iterating; `Infinity` after `repeat()`,
   * `NaN` when unknown (after `filter`, or from a generator) — tfjs-layers reads it to size
   * epochs and typed it `number`, as tf.data does.
   */
  readonly size: number;
  readonly #open: IteratorFactory<T>;
  #passes = 0;

  private constructor(open: IteratorFactory<T>, size: number) {
    this.#open = open;
    this.size = size;
  }

  /**
   * A dataset over an array, an iterable, an async iterable, or a function returning one
   * (the way to make a generator re-iterable: `Dataset.from(() => lines())`).
   * @throws DatasetsError `DATASETS_INVALID_INPUT` for anything else.
   */
  static from<T>(source: DatasetSource<T>): Dataset<T> {
    if (Array.isArray(source)) {
      const items = source as readonly T[];
      return new Dataset(() => toAsync(items[Symbol.iterator]()), items.length);
    }
    if (typeof source === 'function') {
      return new Dataset(() => iterate(source(), 'the function passed to Dataset.from'), Number.NaN);
    }
    if (isIterable(source) || isAsyncIterable(source)) {
      // A generator object or other iterator can be read once: say so instead of yielding nothing.
      const isOneShot = isIterator(source);
      let used = false;
      return new Dataset(() => {
        if (isOneShot && used) {
          throw new DatasetsError(
            'DATASETS_INVALID_INPUT',
            'This dataset reads from a generator or iterator, which can be consumed only once. ' +
              'To iterate again (epochs, repeat), pass a function that creates it: Dataset.from(() => generate()).',
          );
        }
        used = true;
        return iterate(source, 'the dataset source');
      }, Number.NaN);
    }
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `Dataset.from takes an array, an iterable, an async iterable or a function returning one; got ${describeValue(source)}.`,
    );
  }

  /** Pairs elements of several datasets, stopping at the shortest (tf.data `zip`). */
  static zip<A, B>(first: Dataset<A>, second: Dataset<B>): Dataset<[A, B]> {
    return new Dataset(
      (pass) => {
        const left = first.#open(pass);
        const right = second.#open(pass);
        return generate(async function* () {
          try {
            for (;;) {
              const [a, b] = await Promise.all([left.next(), right.next()]);
              if (a.done || b.done) return;
              yield [a.value, b.value] as [A, B];
            }
          } finally {
            await Promise.all([left.return?.(), right.return?.()]);
          }
        });
      },
      Math.min(first.size, second.size),
    );
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#open(this.#passes++);
  }

  /** For tfjs-layers' `fitDataset`/`evaluateDataset`: a fresh pass over the data. */
  async iterator(): Promise<AsyncIterator<T>> {
    return this[Symbol.asyncIterator]();
  }

  /** Applies `transform` to every element (it may be async). */
  map<U>(transform: (item: T, index: number) => U | Promise<U>): Dataset<U> {
    return this.#derive(this.size, (source) =>
      generate(async function* () {
        let index = 0;
        for await (const item of source) yield await transform(item, index++);
      }),
    );
  }

  /** Keeps the elements for which `predicate` holds. */
  filter(predicate: (item: T, index: number) => boolean | Promise<boolean>): Dataset<T> {
    return this.#derive(Number.NaN, (source) =>
      generate(async function* () {
        let index = 0;
        for await (const item of source) if (await predicate(item, index++)) yield item;
      }),
    );
  }

  /**
   * Groups consecutive elements into arrays of `size`.
   * @throws DatasetsError `DATASETS_INVALID_OPTION` for a size that is not a positive integer or
   *   an unknown option.
   */
  batch(size: number, options: BatchOptions = {}): Dataset<T[]> {
    const where = 'Dataset.batch';
    check.integer(where, 'size', size, { min: 1 });
    const { dropRemainder } = check.withDefaults(where, options, DEFAULT_BATCH_OPTIONS);
    check.boolean(where, 'dropRemainder', dropRemainder);
    const batches = dropRemainder ? Math.floor(this.size / size) : Math.ceil(this.size / size);
    return this.#derive(batches, (source) =>
      generate(async function* () {
        let batch: T[] = [];
        for await (const item of source) {
          batch.push(item);
          if (batch.length === size) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0 && !dropRemainder) yield batch;
      }),
    );
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements, seeded (tf.data `shuffle`): each
   * output is drawn at random from the buffer and replaced by the next input. A buffer at
   * least as large as the dataset gives a uniform permutation; smaller ones trade
   * randomness for memory.
   * @throws DatasetsError `DATASETS_INVALID_OPTION` for a non-positive buffer, a non-integer seed
   *   or an unknown option.
   */
  shuffle(bufferSize: number, seed: number, options: ShuffleOptions = {}): Dataset<T> {
    const where = 'Dataset.shuffle';
    check.integer(where, 'bufferSize', bufferSize, { min: 1 });
    if (typeof seed === 'object' && seed !== null) {
      check.invalid(
        where,
        'seed',
        seed,
        'must be an integer (the second argument)',
        'Call shuffle(bufferSize, seed, options).',
      );
    }
    check.integer(where, 'seed', seed);
    const merged = check.withDefaults(where, options, DEFAULT_SHUFFLE_OPTIONS);
    const reshuffle = check.boolean(where, 'reshuffleEachIteration', merged.reshuffleEachIteration);
    const firstPass = check.integer(where, 'firstPass', merged.firstPass, { min: 0 });
    return this.#derive(this.size, (source, pass) =>
      generate(async function* () {
        // Pass k draws from a generator seeded by (seed, k): reruns repeat exactly.
        const random = new SeededRandom(reshuffle ? mixSeed(seed, firstPass + pass) : seed);
        const buffer: T[] = [];
        for await (const item of source) {
          if (buffer.length < bufferSize) {
            buffer.push(item);
            continue;
          }
          const pick = random.nextInt(bufferSize);
          yield buffer[pick]!;
          buffer[pick] = item;
        }
        random.shuffleInPlace(buffer);
        yield* buffer;
      }),
    );
  }

  /** The first `count` elements. */
  take(count: number): Dataset<T> {
    check.integer('Dataset.take', 'count', count, { min: 0 });
    return this.#derive(Math.min(this.size, count), (source) =>
      generate(async function* () {
        if (count === 0) return;
        let taken = 0;
        for await (const item of source) {
          yield item;
          if (++taken >= count) return;
        }
      }),
    );
  }

  /** All but the first `count` elements. */
  skip(count: number): Dataset<T> {
    check.integer('Dataset.skip', 'count', count, { min: 0 });
    return this.#derive(Math.max(0, this.size - count), (source) =>
      generate(async function* () {
        let skipped = 0;
        for await (const item of source) {
          if (skipped < count) skipped++;
          else yield item;
        }
      }),
    );
  }

  /**
   * Passes over the data `count` times, or forever without a count (then bound it with
   * `take`, or give `fitDataset` a `batchesPerEpoch`). Each pass re-reads the source, so it
   * must be re-iterable.
   */
  repeat(count?: number): Dataset<T> {
    if (count !== undefined) check.integer('Dataset.repeat', 'count', count, { min: 0 });
    const size = count === undefined ? (this.size === 0 ? 0 : Number.POSITIVE_INFINITY) : this.size * count;
    const open = (pass: number) => this.#open(pass);
    let passes = 0; // every round is a new pass of the source (a shuffle reshuffles)
    return new Dataset(
      () =>
        generate(async function* () {
          for (let round = 0; count === undefined || round < count; round++)
            yield* asIterable(open(passes++));
        }),
      size,
    );
  }

  /** This dataset's elements followed by `other`'s. */
  concatenate(other: Dataset<T>): Dataset<T> {
    const size = this.size + other.size;
    const openFirst = (pass: number) => this.#open(pass);
    const openSecond = (pass: number) => other.#open(pass);
    return new Dataset(
      (pass) =>
        generate(async function* () {
          yield* asIterable(openFirst(pass));
          yield* asIterable(openSecond(pass));
        }),
      size,
    );
  }

  /** Pairs this dataset's elements with `other`'s (see {@link Dataset.zip}). */
  zip<U>(other: Dataset<U>): Dataset<[T, U]> {
    return Dataset.zip(this, other);
  }

  /** Reads everything into an array (for small datasets and tests). */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }

  #derive<U>(size: number, stage: (source: AsyncIterable<T>, pass: number) => AsyncIterator<U>): Dataset<U> {
    return new Dataset((pass) => stage(asIterable(this.#open(pass)), pass), size);
  }
}

function generate<T>(body: () => AsyncGenerator<T, void, undefined>): AsyncIterator<T> {
  return body();
}

function asIterable<T>(iterator: AsyncIterator<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => iterator };
}

async function* toAsync<T>(iterator: Iterator<T>): AsyncGenerator<T, void, undefined> {
  for (let step = iterator.next(); !step.done; step = iterator.next()) yield step.value;
}

function iterate<T>(source: Iterable<T> | AsyncIterable<T>, what: string): AsyncIterator<T> {
  if (isAsyncIterable(source)) return source[Symbol.asyncIterator]();
  if (isIterable(source)) return toAsync(source[Symbol.iterator]());
  throw new DatasetsError(
    'DATASETS_INVALID_INPUT',
    `${what} must return an iterable, got ${describeValue(source)}.`,
  );
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.iterator in value;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

function isIterator(value: unknown): boolean {
  return typeof (value as { next?: unknown }).next === 'function';
}

/** A per-pass seed: SplitMix32-style mixing so neighbouring passes get unrelated sequences. */
function mixSeed(seed: number, pass: number): number {
  let mixed = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(pass + 1, 0x85ebca6b)) | 0;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x7feb352d);
  mixed = Math.imul(mixed ^ (mixed >>> 15), 0x846ca68b);
  return (mixed ^ (mixed >>> 16)) | 0;
}
