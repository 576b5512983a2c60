import { DatasetsError } from './errors.js';
import { copyIds, toIdDocuments } from './id-input.js';
import { check, type IdSequence } from './validate.js';

/**
 * What a sliding window predicts: `'next'` the one id after the window (Keras' character
 * model), `'sequence'` the window shifted by one step (one target per input step).
 */
export type SlidingWindowTarget = 'next' | 'sequence';

/** Options of {@link slidingWindows} and {@link countSlidingWindows}. */
export interface SlidingWindowOptions {
  /** Ids per input window (Keras' `maxlen`); an integer ≥ 1. Required. */
  readonly sequenceLength: number;
  /**
   * Distance between the starts of consecutive windows of one document (Keras' `step`); an
   * integer ≥ 1. `stride: sequenceLength` gives non-overlapping windows.
   * @default 1
   */
  readonly stride?: number;
  /**
   * `'next'`: `ys` is the single id that follows the window. `'sequence'`: `ys` is the window
   * shifted by one (`sequenceLength` ids).
   * @default 'next'
   */
  readonly target?: SlidingWindowTarget;
}

/** {@link SlidingWindowOptions} with every default filled in. */
export interface ResolvedSlidingWindowOptions {
  readonly sequenceLength: number;
  readonly stride: number;
  readonly target: SlidingWindowTarget;
}

/** The documented defaults of the optional {@link SlidingWindowOptions} fields. */
export const DEFAULT_SLIDING_WINDOW_OPTIONS: Readonly<
  Pick<ResolvedSlidingWindowOptions, 'stride' | 'target'>
> = Object.freeze({ stride: 1, target: 'next' });

const SLIDING_WINDOW_TARGETS: readonly SlidingWindowTarget[] = ['next', 'sequence'];

/**
 * Validates sliding-window options and fills in defaults.
 * @example
 * resolveSlidingWindowOptions({ sequenceLength: 40 }); // { sequenceLength: 40, stride: 1, target: 'next' }
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for a missing or non-positive `sequenceLength`, a
 *   non-positive `stride`, an unknown `target` or an unknown option.
 */
export function resolveSlidingWindowOptions(
  options: SlidingWindowOptions,
  where = 'slidingWindows',
): ResolvedSlidingWindowOptions {
  const merged = check.withDefaults(where, options, DEFAULT_SLIDING_WINDOW_OPTIONS, ['sequenceLength']);
  return {
    sequenceLength: check.integer(where, 'sequenceLength', merged.sequenceLength, { min: 1 }),
    stride: check.integer(where, 'stride', merged.stride, { min: 1 }),
    target: check.oneOf(where, 'target', merged.target, SLIDING_WINDOW_TARGETS),
  };
}

/**
 * One training example of {@link slidingWindows}. Both arrays are fresh for every window:
 * the caller owns them and may keep or mutate them.
 */
export interface SlidingWindow {
  /** The input ids, `int32`, shape `[sequenceLength]`. */
  readonly xs: Int32Array;
  /**
   * The target ids, `int32`: shape `[1]` (the next id) for `target: 'next'`, shape `[sequenceLength]`
   * (`xs` shifted by one) for `target: 'sequence'`.
   */
  readonly ys: Int32Array;
  /** Index of the document the window was cut from (0 for a single flat sequence). */
  readonly document: number;
  /** Offset of `xs[0]` in its document. */
  readonly start: number;
}

/** Number of windows one document of `size` ids gives: `len(range(0, size - length, stride))`. */
function windowsInDocument(size: number, length: number, stride: number): number {
  return size > length ? Math.floor((size - length - 1) / stride) + 1 : 0;
}

function prepare(
  sequences: ArrayLike<number> | readonly ArrayLike<number>[],
  options: SlidingWindowOptions,
  where: string,
): { documents: IdSequence[]; resolved: ResolvedSlidingWindowOptions; count: number } {
  const resolved = resolveSlidingWindowOptions(options, where);
  const documents = toIdDocuments(sequences, 'sequences');
  let count = 0;
  for (const document of documents)
    count += windowsInDocument(document.length, resolved.sequenceLength, resolved.stride);
  if (count === 0) {
    const longest = documents.reduce((most, document) => Math.max(most, document.length), 0);
    throw new DatasetsError(
      'DATASETS_TOO_SHORT',
      `No document is long enough for one window: a window needs sequenceLength + 1 = ${resolved.sequenceLength + 1} ids ` +
        `(${resolved.sequenceLength} inputs and the id after them), the longest document has ${longest}. ` +
        'Lower sequenceLength or pass longer documents.',
    );
  }
  return { documents, resolved, count };
}

/**
 * Cuts next-token training windows out of token ids, lazily, one document at a time, so no
 * window ever spans two documents.
 *
 * Within a document of `n` ids, windows start at `i = 0, stride, 2·stride, …` while
 * `i < n − L` (`L = sequenceLength`), exactly Keras' `for i in range(0, len(text) - maxlen, step)`:
 * `xs` is `ids[i : i + L]` and `ys` is `ids[i + L]` (or `ids[i + 1 : i + L + 1]` with
 * `target: 'sequence'`). That range is every start whose target still lies in the document,
 * so the last possible window (start `n − L − 1`) is included exactly when
 * `(n − L − 1)` is a multiple of `stride`; a document gives
 * `⌈(n − L) / stride⌉` windows if `n > L`, else none. Windows come in document
 * order, then start order.
 *
 * Pass one flat sequence (`number[]` or a typed array) or a list of documents. Validation
 * happens at call time; windows are cut only as the iterator is advanced, so memory stays at
 * one window. The input is read, never modified; do not mutate it while iterating.
 *
 * @param sequences one sequence of ids or a list of documents; ids are integers in `[0, 2³¹ − 1]`.
 * @returns an iterator over {@link SlidingWindow}s whose arrays are fresh and owned by the caller.
 * @example
 * const windows = [...slidingWindows([1, 2, 3, 4, 5], { sequenceLength: 3 })];
 * // xs [1,2,3] ys [4]; xs [2,3,4] ys [5]
 * [...slidingWindows([[1, 2, 3], [7, 8, 9, 10]], { sequenceLength: 2, target: 'sequence' })];
 * // xs [1,2] ys [2,3] (document 0); xs [7,8] ys [8,9]; xs [8,9] ys [9,10] (document 1)
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (bad options), `DATASETS_INVALID_INPUT`
 *   (not integer ids), `DATASETS_EMPTY_INPUT` (no ids at all), `DATASETS_TOO_SHORT` (no
 *   document has `sequenceLength + 1` ids).
 */
export function slidingWindows(
  sequences: ArrayLike<number> | readonly ArrayLike<number>[],
  options: SlidingWindowOptions,
): Generator<SlidingWindow, void, undefined> {
  const { documents, resolved } = prepare(sequences, options, 'slidingWindows');
  return generateSlidingWindows(documents, resolved);
}

function* generateSlidingWindows(
  documents: readonly IdSequence[],
  { sequenceLength: length, stride, target }: ResolvedSlidingWindowOptions,
): Generator<SlidingWindow, void, undefined> {
  for (let d = 0; d < documents.length; d++) {
    const ids = documents[d]!;
    for (let start = 0; start < ids.length - length; start += stride) {
      const xs = copyIds(ids, start, length);
      const ys = target === 'next' ? copyIds(ids, start + length, 1) : copyIds(ids, start + 1, length);
      yield { xs, ys, document: d, start };
    }
  }
}

/**
 * The exact number of windows {@link slidingWindows} yields for the same arguments, computed
 * from the document lengths without cutting any window (to size epochs and progress bars).
 * @example
 * countSlidingWindows([1, 2, 3, 4, 5], { sequenceLength: 3 }); // 2
 * countSlidingWindows(new Int32Array(100), { sequenceLength: 40, stride: 3 }); // ⌈60 / 3⌉ = 20
 * @throws DatasetsError the same errors as {@link slidingWindows}, so it never returns 0.
 */
export function countSlidingWindows(
  sequences: ArrayLike<number> | readonly ArrayLike<number>[],
  options: SlidingWindowOptions,
): number {
  return prepare(sequences, options, 'countSlidingWindows').count;
}
