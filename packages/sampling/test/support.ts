import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { SamplingError } from '../src/errors.js';
import type { StepModel } from '../src/types.js';

/** Upper 0.1% points of the chi-square distribution, by degrees of freedom. */
export const CHI_SQUARE_CRITICAL_0_001: Readonly<Record<number, number>> = Object.freeze({
  1: 10.828,
  2: 13.816,
  3: 16.266,
  4: 18.467,
  5: 20.515,
  6: 22.458,
  7: 24.322,
  8: 26.124,
  9: 27.877,
  10: 29.588,
  11: 31.264,
  15: 37.697,
});

/**
 * Pearson's chi-square statistic of observed `counts` against `probabilities`; categories
 * with probability 0 must have count 0 (else the statistic is infinite).
 */
export function chiSquare(counts: readonly number[], probabilities: ArrayLike<number>): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  let statistic = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = total * probabilities[i]!;
    if (expected === 0) {
      if (counts[i] !== 0) return Number.POSITIVE_INFINITY;
      continue;
    }
    statistic += (counts[i]! - expected) ** 2 / expected;
  }
  return statistic;
}

/** Degrees of freedom of {@link chiSquare}: categories with non-zero probability, minus one. */
export function degreesOfFreedom(probabilities: ArrayLike<number>): number {
  return Array.from(probabilities).filter((p) => p > 0).length - 1;
}

/** State of the toy models below: one int32 id per row, `[batch]`, as a real tensor. */
export type IdState = tf.Tensor1D;

/**
 * A toy {@link StepModel} whose logits are rows of a fixed table `[rows, vocab]` (kept as a
 * tensor), its state one id per row. Records the batch size of every step.
 */
abstract class LookupStepModel implements StepModel<IdState> {
  readonly vocabularySize: number;
  protected readonly logitsTable: tf.Tensor2D;
  readonly batchSizes: number[] = [];

  constructor(table: readonly (readonly number[])[]) {
    this.vocabularySize = table[0]!.length;
    this.logitsTable = tf.keep(
      tf.tensor2d(
        table.map((row) => [...row]),
        undefined,
        'float32',
      ),
    );
  }

  abstract initialState(batchSize: number): IdState;
  abstract step(ids: Int32Array, state: IdState): { logits: tf.Tensor2D; state: IdState };

  gatherState(state: IdState, rows: Int32Array): IdState {
    return tf.tidy(() => tf.gather(state, tf.tensor1d(rows, 'int32')) as tf.Tensor1D);
  }

  disposeState(state: IdState): void {
    state.dispose();
  }

  dispose(): void {
    this.logitsTable.dispose();
  }
}

/**
 * A hand-built first-order Markov model: logits of the next token are row `table[last id]`;
 * the state is the last id. Counts its steps and the batch sizes it was called with.
 */
export class TableStepModel extends LookupStepModel {
  readonly #startId: number;
  steps = 0;

  /** @param table logits `[vocab, vocab]`: row i are the logits after token i. */
  constructor(table: readonly (readonly number[])[], startId = 0) {
    super(table);
    this.#startId = startId;
  }

  initialState(batchSize: number): IdState {
    return tf.fill([batchSize], this.#startId, 'int32') as tf.Tensor1D;
  }

  step(ids: Int32Array, state: IdState): { logits: tf.Tensor2D; state: IdState } {
    expect(ids.length).toBe(state.shape[0]);
    this.steps += 1;
    this.batchSizes.push(ids.length);
    const last = tf.tensor1d(ids, 'int32');
    const logits = tf.tidy(() => tf.gather(this.logitsTable, last) as tf.Tensor2D);
    return { logits, state: last };
  }
}

/** A pseudo-random logits table `[vocab, vocab]` with values in [-scale, scale), from a seed. */
export function randomTable(vocab: number, seed: number, scale = 3): number[][] {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  return Array.from({ length: vocab }, () => Array.from({ length: vocab }, () => (next() * 2 - 1) * scale));
}

/** A character decoder over `alphabet` (id i is `alphabet[i]`), with encode. */
export function charDecoder(alphabet: string) {
  return {
    decode: (ids: Iterable<number>) => Array.from(ids, (id) => alphabet[id] ?? '?').join(''),
    encode: (text: string) => Array.from(text, (char) => alphabet.indexOf(char)),
  };
}

/**
 * A hand-built second-order Markov model: the logits after ids (…, a, b) are row `a·V + b`
 * of `table` `[V·V, V]`. The state carries `a`, so a beam search that reorders states wrongly
 * gets wrong logits. Counts batch sizes per step.
 */
export class SecondOrderStepModel extends LookupStepModel {
  constructor(readonly table: readonly (readonly number[])[]) {
    super(table);
    expect(table.length).toBe(this.vocabularySize ** 2);
  }

  /** Logits after `previous`, `last` (plain numbers, for reference computations). */
  logitsAfter(previous: number, last: number): readonly number[] {
    return this.table[previous * this.vocabularySize + last]!;
  }

  initialState(batchSize: number): IdState {
    return tf.zeros([batchSize], 'int32') as tf.Tensor1D;
  }

  step(ids: Int32Array, previous: IdState): { logits: tf.Tensor2D; state: IdState } {
    this.batchSizes.push(ids.length);
    const last = tf.tensor1d(ids, 'int32');
    const logits = tf.tidy(
      () =>
        tf.gather(
          this.logitsTable,
          tf.add(tf.mul(previous, tf.scalar(this.vocabularySize, 'int32')), last),
        ) as tf.Tensor2D,
    );
    return { logits, state: last };
  }
}

/**
 * Runs `start(signal)` with a signal that a 50 ms timer aborts, expecting `SAMPLING_ABORTED`;
 * returns when the timer fired, how long after it the rejection landed, and how often a 10 ms
 * interval ticked meanwhile (0 when the work never yielded to the event loop).
 */
export async function abortByTimer(start: (signal: AbortSignal) => Promise<unknown>) {
  const controller = new AbortController();
  let firedAt = 0;
  let ticks = 0;
  const interval = setInterval(() => ticks++, 10);
  const timer = setTimeout(() => {
    firedAt = performance.now();
    controller.abort();
  }, 50);
  try {
    const error = await expectErrorCode(start(controller.signal), SamplingError, 'SAMPLING_ABORTED');
    return { error, firedAt, landedMs: performance.now() - firedAt, ticks };
  } finally {
    clearInterval(interval);
    clearTimeout(timer);
  }
}
