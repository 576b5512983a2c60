import type * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Tolerances of {@link expectTensorsClose}: `|a - b| ≤ atol + rtol · |b|`, numpy's `allclose` rule. */
export interface CloseTolerance {
  /** @default 1e-5 */
  readonly rtol?: number;
  /** @default 1e-6 */
  readonly atol?: number;
}

type TensorLike = tf.Tensor | number | ArrayLike<number> | readonly (readonly number[])[];

function flatten(value: TensorLike): { shape: number[] | null; values: ArrayLike<number> } {
  if (typeof value === 'number') return { shape: [], values: [value] };
  if ('dataSync' in value && typeof value.dataSync === 'function') {
    return { shape: value.shape, values: value.dataSync() as ArrayLike<number> };
  }
  const items = value as ArrayLike<unknown>;
  if (items.length > 0 && typeof items[0] !== 'number') {
    const rows = Array.from(items as ArrayLike<ArrayLike<number>>);
    return { shape: null, values: rows.flatMap((row) => Array.from(row)) };
  }
  return { shape: null, values: items as ArrayLike<number> };
}

/**
 * Asserts element-wise closeness of a tensor (or nested numbers) to the expected values,
 * and equal shapes when both sides are tensors. Reads data synchronously; disposes nothing.
 * Reports the worst element, so a failure says where and by how much.
 */
export function expectTensorsClose(
  actual: TensorLike,
  expected: TensorLike,
  tolerance: CloseTolerance = {},
): void {
  const { rtol = 1e-5, atol = 1e-6 } = tolerance;
  const a = flatten(actual);
  const b = flatten(expected);
  if (a.shape && b.shape) expect(a.shape, 'shape').toEqual(b.shape);
  expect(a.values.length, 'number of elements').toBe(b.values.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = b.values[i]!;
    if (Number.isNaN(x) !== Number.isNaN(y)) {
      worst = i;
      worstExcess = Number.POSITIVE_INFINITY;
      break;
    }
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `element ${worst}: ${a.values[worst]} vs expected ${b.values[worst]} ` +
        `(beyond atol ${atol} + rtol ${rtol}·|expected|)`,
    );
  }
}
