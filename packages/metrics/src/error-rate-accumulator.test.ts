import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAt } from '../test/batches.js';
import {
  createErrorRateAccumulator,
  createWerAccumulator,
  DEFAULT_ERROR_RATE_ACCUMULATOR_OPTIONS,
  ErrorRateAccumulator,
  resolveErrorRateAccumulatorOptions,
} from './error-rate-accumulator.js';
import { MetricsError } from './errors.js';
import { characterErrorRate, tokenErrorRate, wordErrorRate } from './sequence-errors.js';

describe('ErrorRateAccumulator', () => {
  it('defaults to words', () => {
    expect(DEFAULT_ERROR_RATE_ACCUMULATOR_OPTIONS).toEqual({ unit: 'word' });
    expect(resolveErrorRateAccumulatorOptions()).toEqual({ unit: 'word' });
    expect(createWerAccumulator().unit).toBe('word');
  });

  it('equals the corpus rate over the concatenation for any batch split (word, character, token)', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', ' '), { minLength: 1, maxLength: 15 })
      .map((s) => s.join(''));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (pairs, cuts) => {
          const refs = pairs.map(([r]) => r);
          const hyps = pairs.map(([, h]) => h);
          const word = createErrorRateAccumulator({ unit: 'word' });
          const character = createErrorRateAccumulator({ unit: 'character' });
          const token = createErrorRateAccumulator({ unit: 'token' });
          for (const batch of splitAt(pairs, cuts)) {
            word.update(
              batch.map(([r]) => r),
              batch.map(([, h]) => h),
            );
            character.update(
              batch.map(([r]) => r),
              batch.map(([, h]) => h),
            );
            token.update(
              batch.map(([r]) => [...r]),
              batch.map(([, h]) => [...h]),
            );
          }
          expect(character.result()).toBe(characterErrorRate(refs, hyps));
          expect(token.result()).toBe(
            tokenErrorRate(
              refs.map((r) => [...r]),
              hyps.map((h) => [...h]),
            ),
          );
          if (refs.some((r) => r.trim() !== '')) expect(word.result()).toBe(wordErrorRate(refs, hyps));
          else expectErrorCode(() => word.result(), MetricsError, 'METRICS_EMPTY_INPUT');
          expect(character.pairs).toBe(pairs.length);
        },
      ),
    );
  });

  it('counts edits and reference length; is empty before data and after reset', () => {
    const wer = new ErrorRateAccumulator();
    expectErrorCode(() => wer.result(), MetricsError, 'METRICS_EMPTY_INPUT');
    wer.update(['the cat sat'], ['the cat sat down']).update(['hello'], ['hello']).update([], []);
    expect([wer.edits, wer.referenceLength, wer.pairs]).toEqual([1, 4, 2]);
    expect(wer.result()).toBe(1 / 4);
    expectErrorCode(() => wer.update(['a'], ['a', 'b']), MetricsError, 'METRICS_LENGTH_MISMATCH');
    expect(wer.pairs).toBe(2);
    expectErrorCode(() => wer.reset().result(), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(
      () => new ErrorRateAccumulator({ unit: 'phoneme' as never }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => new ErrorRateAccumulator({ units: 'word' } as never),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });
});
