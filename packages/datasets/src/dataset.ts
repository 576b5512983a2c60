import { describeValue, SeededRandom } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import { type PassContext, pace, passContext, throwIfAborted, withSignals } from './pacing.js';
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

/** Options of {@link Dataset.toArray}. */
export interface ToArrayOptions {
  /**
   * Stops reading: the promise rejects with `DATASETS_ABORTED` (its `cause` the signal's
   * reason) within a few milliseconds of the signal firing, even while a `filter` discards
   * everything, since iteration yields to the event loop regularly.
   * @default null
   */
  readonly signal?: AbortSignal | null;
}

/** The documented defaults of {@link ToArrayOptions}. */
export const DEFAULT_TO_ARRAY_OPTIONS: Readonly<{ signal: AbortSignal | null }> = Object.freeze({
  signal: null,
});

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

type IteratorFactory<T> = (pass: number, context: PassContext) => AsyncIterator<T>;

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
 * Iteration yields to the event loop (a macrotask) every few milliseconds, so timers, I/O and
 * an `AbortSignal` fired by a timer keep running during a long pass; stop a pipeline with
 * {@link Dataset.withSignal} or `toArray({ signal })`.
 *
 * @example
 * const batches = Dataset.from(examples).shuffle(1000, 42).batch(64, { dropRemainder: true });
 * for await (const batch of batches) console.log(batch.length); // 64, 64, …
 */
export class Dataset<T> implements AsyncIterable<T>, TfjsDatasetLike<T> {
  /**
   * Number of elements per pass when known without iterating; `Infinity` after `repeat()` of
   * a dataset of known non-zero size, `NaN` when unknown (after `filter`, from a generator, and
   * what is built on them: `repeat()`, `take`…) — tfjs-layers reads it to size epochs and typed
   * it `number`, as tf.data does.
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
      return new Dataset((_pass, context) => toAsync(items[Symbol.iterator](), context), items.length);
    }
    if (typeof source === 'function') {
      return new Dataset(
        (_pass, context) => iterate(source(), 'the function passed to Dataset.from', context),
        Number.NaN,
      );
    }
    if (isIterable(source) || isAsyncIterable(source)) {
      // A generator object or other iterator can be read once: say so instead of yielding nothing.
      const isOneShot = isIterator(source);
      let used = false;
      return new Dataset((_pass, context) => {
        if (isOneShot && used) {
          throw new DatasetsError(
            'DATASETS_INVALID_INPUT',
            'This dataset reads from a generator or iterator, which can be consumed only once. ' +
              'To iterate again (epochs, repeat), pass a function that creates it: Dataset.from(() => generate()).',
          );
        }
        used = true;
        return iterate(source, 'the dataset source', context);
      }, Number.NaN);
    }
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `Dataset.from takes an array, an iterable, an async iterable or a function returning one; got ${describeValue(source)}.`,
    );
  }

  /**
   * Pairs elements of several datasets, stopping at the shortest (tf.data `zip`).
   * @throws DatasetsError `DATASETS_INVALID_INPUT` when an argument is not a `Dataset`.
   */
  static zip<A, B>(first: Dataset<A>, second: Dataset<B>): Dataset<[A, B]> {
    requireDataset('Dataset.zip', 'first', first);
    requireDataset('Dataset.zip', 'second', second);
    return new Dataset(
      (pass, context) => {
        const left = first.#open(pass, context);
        const right = second.#open(pass, context);
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
    return this.#open(this.#passes++, passContext());
  }

  /** For tfjs-layers' `fitDataset`/`evaluateDataset`: a fresh pass over the data. */
  async iterator(): Promise<AsyncIterator<T>> {
    return this[Symbol.asyncIterator]();
  }

  /**
   * Applies `transform` to every element (it may be async).
   * @throws DatasetsError `DATASETS_INVALID_OPTION` when `transform` is not a function.
   */
  map<U>(transform: (item: T, index: number) => U | Promise<U>): Dataset<U> {
    requireFunction('Dataset.map', 'transform', transform);
    return this.#derive(this.size, (source) =>
      generate(async function* () {
        let index = 0;
        for await (const item of source) yield await transform(item, index++);
      }),
    );
  }

  /**
   * Keeps the elements for which `predicate` holds. The size becomes unknown (`NaN`).
   * @throws DatasetsError `DATASETS_INVALID_OPTION` when `predicate` is not a function.
   */
  filter(predicate: (item: T, index: number) => boolean | Promise<boolean>): Dataset<T> {
    requireFunction('Dataset.filter', 'predicate', predicate);
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
   * @throws DatasetsError `DATASETS_INVALID_OPTION` for a count that is not an integer ≥ 0;
   *   while iterating, `DATASETS_EMPTY_INPUT` when a pass yields nothing (an empty source, or a
   *   `filter` that keeps nothing), which would otherwise spin forever (or `count` times) without
   *   yielding.
   */
  repeat(count?: number): Dataset<T> {
    if (count !== undefined) check.integer('Dataset.repeat', 'count', count, { min: 0 });
    const size =
      count !== undefined
        ? count === 0
          ? 0
          : this.size * count
        : this.size === 0 || Number.isNaN(this.size)
          ? this.size
          : Number.POSITIVE_INFINITY;
    const open = (pass: number, context: PassContext) => this.#open(pass, context);
    let passes = 0; // every round is a new pass of the source (a shuffle reshuffles)
    return new Dataset(
      (_pass, context) =>
        generate(async function* () {
          for (let round = 0; count === undefined || round < count; round++) {
            let yielded = false;
            for await (const item of asIterable(open(passes++, context))) {
              yielded = true;
              yield item;
            }
            if (!yielded) {
              throw new DatasetsError(
                'DATASETS_EMPTY_INPUT',
                `Dataset.repeat: pass ${round + 1}${count === undefined ? '' : ` of ${count}`} yielded nothing ` +
                  '(an empty source, or a filter that keeps nothing), so repeating it would never yield. ' +
                  'Check the source and the filter predicate.',
              );
            }
            const paused = pace(context);
            if (paused) await paused;
          }
        }),
      size,
    );
  }

  /**
   * This dataset's elements followed by `other`'s.
   * @throws DatasetsError `DATASETS_INVALID_INPUT` when `other` is not a `Dataset`.
   */
  concatenate(other: Dataset<T>): Dataset<T> {
    requireDataset('Dataset.concatenate', 'other', other);
    const size = this.size + other.size;
    const openFirst = (pass: number, context: PassContext) => this.#open(pass, context);
    const openSecond = (pass: number, context: PassContext) => other.#open(pass, context);
    return new Dataset(
      (pass, context) =>
        generate(async function* () {
          yield* asIterable(openFirst(pass, context));
          yield* asIterable(openSecond(pass, context));
        }),
      size,
    );
  }

  /** Pairs this dataset's elements with `other`'s (see {@link Dataset.zip}). */
  zip<U>(other: Dataset<U>): Dataset<[T, U]> {
    return Dataset.zip(this, other);
  }

  /**
   * This dataset, stopped by `signal`: every stage of a pass checks it as elements flow (and
   * at the regular event-loop yields), so even a `filter` that discards everything stops
   * within a few milliseconds; the pass then throws `DATASETS_ABORTED` (its `cause` the
   * signal's reason). Use it around a `for await` loop or before `fitDataset`.
   * @throws DatasetsError `DATASETS_INVALID_OPTION` when `signal` is not an `AbortSignal`.
   * @example
   * for await (const batch of batches.withSignal(AbortSignal.timeout(60_000))) train(batch);
   */
  withSignal(signal: AbortSignal): Dataset<T> {
    const checked = check.signal('Dataset.withSignal', 'signal', signal);
    if (checked === null) return this;
    return new Dataset((pass, context) => {
      const inner = withSignals(context, checked);
      throwIfAborted(inner);
      return this.#open(pass, inner);
    }, this.size);
  }

  /**
   * Reads everything into an array (for small datasets and tests).
   * @throws DatasetsError `DATASETS_ABORTED` when `signal` fires; `DATASETS_INVALID_OPTION`
   *   for a bad or unknown option; whatever the pipeline throws.
   */
  async toArray(options: ToArrayOptions = {}): Promise<T[]> {
    const merged = check.withDefaults('Dataset.toArray', options, DEFAULT_TO_ARRAY_OPTIONS);
    const signal = check.signal('Dataset.toArray', 'signal', merged.signal);
    const items: T[] = [];
    for await (const item of signal === null ? this : this.withSignal(signal)) items.push(item);
    return items;
  }

  #derive<U>(size: number, stage: (source: AsyncIterable<T>, pass: number) => AsyncIterator<U>): Dataset<U> {
    return new Dataset((pass, context) => stage(asIterable(this.#open(pass, context)), pass), size);
  }
}

function generate<T>(body: () => AsyncGenerator<T, void, undefined>): AsyncIterator<T> {
  return body();
}

function asIterable<T>(iterator: AsyncIterator<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => iterator };
}

/** A synchronous source, paced: the event loop gets a turn every few milliseconds. */
async function* toAsync<T>(iterator: Iterator<T>, context: PassContext): AsyncGenerator<T, void, undefined> {
  for (let step = iterator.next(); !step.done; step = iterator.next()) {
    const paused = pace(context);
    if (paused) await paused;
    yield step.value;
  }
}

/** An asynchronous source, paced too: its promises may all be already settled (microtasks only). */
async function* fromAsync<T>(
  iterable: AsyncIterable<T>,
  context: PassContext,
): AsyncGenerator<T, void, undefined> {
  for await (const item of iterable) {
    const paused = pace(context);
    if (paused) await paused;
    yield item;
  }
}

function iterate<T>(
  source: Iterable<T> | AsyncIterable<T>,
  what: string,
  context: PassContext,
): AsyncIterator<T> {
  if (isAsyncIterable(source)) return fromAsync(source, context);
  if (isIterable(source)) return toAsync(source[Symbol.iterator](), context);
  throw new DatasetsError(
    'DATASETS_INVALID_INPUT',
    `${what} must return an iterable, got ${describeValue(source)}.`,
  );
}

function requireDataset(where: string, name: string, value: unknown): void {
  if (!(value instanceof Dataset)) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `${where}: ${name} must be a Dataset, got ${describeValue(value)}. Wrap arrays and iterables with Dataset.from(…).`,
    );
  }
}

function requireFunction(where: string, name: string, value: unknown): void {
  if (typeof value !== 'function') check.invalid(where, name, value, 'must be a function');
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
