import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Options of {@link expectNoLeaks}. */
export interface ExpectNoLeaksOptions {
  /**
   * Runs of `fn` before counting, so lazily created long-lived tensors (weights, caches,
   * optimizer slots) exist before the baseline is taken.
   * @default 1
   */
  readonly warmupRuns?: number;
  /**
   * Measured runs; the tensor count must not change across any of them.
   * @default 2
   */
  readonly runs?: number;
}

/**
 * Asserts that `fn` leaves no tensors behind: after warm-up, `tf.memory().numTensors` is
 * the same before and after every measured run. `fn` must dispose what it creates,
 * including tensors it returns (return nothing, or dispose inside `fn`).
 */
export async function expectNoLeaks(fn: () => unknown, options: ExpectNoLeaksOptions = {}): Promise<void> {
  const { warmupRuns = 1, runs = 2 } = options;
  for (let i = 0; i < warmupRuns; i++) await fn();
  const baseline = tf.memory().numTensors;
  for (let i = 0; i < runs; i++) {
    await fn();
    expect(tf.memory().numTensors, `tensors alive after measured run ${i + 1} of ${runs}`).toBe(baseline);
  }
}
