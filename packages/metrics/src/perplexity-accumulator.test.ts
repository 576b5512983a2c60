import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors.js';
import { bitsPerTokenFromTotal, perplexityFromTotal } from './perplexity.js';
import { PerplexityAccumulator } from './perplexity-accumulator.js';

describe('PerplexityAccumulator', () => {
  it('equals perplexityFromTotal over all batches, however they are split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 50, noNaN: true }), fc.integer({ min: 0, max: 40 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (batches) => {
          fc.pre(batches.some(([, n]) => n > 0));
          const acc = new PerplexityAccumulator();
          for (const [nll, n] of batches) acc.update(nll, n);
          const total = batches.reduce((s, [nll]) => s + nll, 0);
          const count = batches.reduce((s, [, n]) => s + n, 0);
          expect(acc.tokenCount).toBe(count);
          expect(acc.result()).toBe(perplexityFromTotal(total, count));
          expect(acc.bitsPerToken()).toBe(bitsPerTokenFromTotal(total, count));
        },
      ),
    );
  });

  it('is empty before the first token and after reset', () => {
    const acc = new PerplexityAccumulator();
    expectErrorCode(() => acc.result(), MetricsError, 'METRICS_EMPTY_INPUT');
    acc.update(3, 3);
    expect(acc.result()).toBeCloseTo(Math.E, 14);
    expectErrorCode(() => acc.update(Number.NaN, 1), MetricsError, 'METRICS_NON_FINITE');
    expectErrorCode(() => acc.reset().result(), MetricsError, 'METRICS_EMPTY_INPUT');
  });
});
