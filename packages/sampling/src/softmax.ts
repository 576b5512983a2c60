import { describeValue } from '@rnnkit/core';
import { checkArrayLike, fail } from './validate.js';

function maxFinite(logits: ArrayLike<number>, where: string): number {
  checkArrayLike(where, 'logits', logits);
  if (logits.length === 0) {
    fail('SAMPLING_INVALID_INPUT', `${where}: logits is empty; pass one logit per vocabulary entry.`);
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i]!;
    // One comparison rejects NaN and +Infinity; the type check, the strings or holes of a plain array.
    if (typeof value !== 'number' || !(value < Number.POSITIVE_INFINITY)) {
      fail(
        'SAMPLING_INVALID_INPUT',
        `${where}: logits[${i}] is ${describeValue(value)}; logits must be finite numbers or -Infinity (masked). ` +
          'Check the model for NaN/overflow (a diverged training run, or probabilities passed where logits belong).',
      );
    }
    if (value > max) max = value;
  }
  if (max === Number.NEGATIVE_INFINITY) {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: every one of the ${logits.length} logits is -Infinity, so no token can be chosen. ` +
        'The processors masked the whole vocabulary: loosen allowedIds/bannedIds or noRepeatNgramSize.',
    );
  }
  return max;
}

/**
 * Softmax of one row of logits in float64: `exp(x − max) / Σ exp(x − max)`; `-Infinity`
 * (masked) gives probability 0.
 *
 * @returns a new `Float64Array` of the same length; `logits` is not modified.
 * @throws SamplingError `SAMPLING_INVALID_INPUT` for NaN or `+Infinity` logits, or when
 *   every logit is `-Infinity`.
 * @example
 * softmax([0, Math.log(3)]); // Float64Array [0.25, 0.75]
 */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const max = maxFinite(logits, 'softmax');
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/**
 * Log-softmax of one row of logits in float64: `x − max − log Σ exp(x − max)`; `-Infinity`
 * stays `-Infinity`.
 *
 * @returns a new `Float64Array`; `logits` is not modified.
 * @throws SamplingError `SAMPLING_INVALID_INPUT` as {@link softmax}.
 * @example
 * logSoftmax([0, 0]); // Float64Array [-0.693…, -0.693…]
 */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const max = maxFinite(logits, 'logSoftmax');
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const shift = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - shift;
  return out;
}
