import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors.js';
import {
  bitsPerCharacter,
  bitsPerToken,
  bitsPerTokenFromTotal,
  perplexity,
  perplexityFromTotal,
} from './perplexity.js';

describe('perplexity and bits per token', () => {
  it('a uniform model over V tokens has perplexity V and log2(V) bits', () => {
    for (const v of [1, 2, 27, 50, 65_536]) {
      expect(perplexity(Math.log(v))).toBeCloseTo(v, 9);
      expect(bitsPerToken(Math.log(v))).toBeCloseTo(Math.log2(v), 12);
    }
    expect(perplexity(0)).toBe(1);
    expect(perplexity(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('bits per character is bits per token under its char-model name', () => {
    expect(bitsPerCharacter(1)).toBe(1 / Math.LN2);
    expect(bitsPerCharacter).toBe(bitsPerToken);
  });

  it('from totals divides by the token count first', () => {
    // Batches Σ 2 nats over 1 token and Σ 3 over 4: 5 nats / 5 tokens = 1 nat (the mean of the batch
    // means would be 1.375).
    expect(perplexityFromTotal(2 + 3, 1 + 4)).toBeCloseTo(Math.E, 14);
    expect(bitsPerTokenFromTotal(10 * Math.LN2, 5)).toBeCloseTo(2, 14);
  });

  it('rejects NaN, negative losses and bad counts with typed errors', () => {
    expectErrorCode(() => perplexity(Number.NaN), MetricsError, 'METRICS_NON_FINITE');
    expectErrorCode(() => bitsPerToken(-0.1), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => perplexityFromTotal(1, 0), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => perplexityFromTotal(1, 2.5), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => bitsPerTokenFromTotal(Number.NaN, 3), MetricsError, 'METRICS_NON_FINITE');
  });
});
