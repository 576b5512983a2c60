import { describeValue } from '@rnnkit/core';
import { check, checkArrayLike, fail } from './validate.js';

/**
 * Indices of the `k` largest values of `values`, largest first; equal values are ordered by
 * lower index first, and `-Infinity` entries are never selected (fewer than `k` come back
 * when fewer are finite or `+Infinity`). A binary min-heap of size `k`: O(n log k).
 *
 * @throws SamplingError `SAMPLING_INVALID_INPUT` when `values` is not an array or typed array or
 *   holds NaN or a non-number,
 *   `SAMPLING_INVALID_OPTION` when `k` is not an integer (`k ≤ 0` gives no indices).
 * @example
 * topIndices([0.1, 3, 3, -1], 2); // Int32Array [1, 2]
 */
export function topIndices(values: ArrayLike<number>, k: number): Int32Array {
  checkArrayLike('topIndices', 'values', values);
  check.integer('topIndices', 'k', k);
  const heap: number[] = [];
  // `a` ranks below `b`: smaller value, or equal value and larger index.
  const below = (a: number, b: number) => values[a]! < values[b]! || (values[a]! === values[b]! && a > b);
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && below(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && below(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  };
  if (k <= 0) return new Int32Array(0);
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === Number.NEGATIVE_INFINITY) continue;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      fail(
        'SAMPLING_INVALID_INPUT',
        `topIndices: values[${index}] is ${describeValue(value)}; values must be numbers (NaN has no rank). ` +
          'Check where the values came from (a NaN logit means a diverged model).',
      );
    }
    if (heap.length < k) {
      heap.push(index);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!below(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (below(heap[0]!, index)) {
      heap[0] = index;
      siftDown(0);
    }
  }
  const out = new Int32Array(heap.length);
  for (let i = heap.length - 1; i >= 0; i--) {
    out[i] = heap[0]!;
    heap[0] = heap[heap.length - 1]!;
    heap.pop();
    siftDown(0);
  }
  return out;
}
