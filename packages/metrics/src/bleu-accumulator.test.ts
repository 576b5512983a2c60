import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAt } from '../test/batches.js';
import { corpusBleu } from './bleu.js';
import { BleuAccumulator, createBleuAccumulator } from './bleu-accumulator.js';
import type { BleuSmoothing } from './bleu-smoothing.js';
import { MetricsError } from './errors.js';

const sentence = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 12 });
const pair = fc.tuple(fc.array(sentence, { minLength: 1, maxLength: 3 }), sentence);

describe('BleuAccumulator', () => {
  it('equals corpusBleu over the concatenation, for any batch split and every smoothing method', () => {
    const methods: BleuSmoothing[] = [
      'method0',
      'method1',
      'method2',
      'method3',
      'method4',
      'method5',
      'method7',
    ];
    fc.assert(
      fc.property(
        fc.array(pair, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom(...methods),
        fc.constantFrom([0.25, 0.25, 0.25, 0.25], [0.5, 0.5], [0.2, 0.2, 0.2, 0.2, 0.2]),
        (pairs, cuts, smoothing, weights) => {
          const accumulator = createBleuAccumulator({ smoothing, weights });
          for (const batch of splitAt(pairs, cuts)) {
            accumulator.update(
              batch.map(([refs]) => refs),
              batch.map(([, hyp]) => hyp),
            );
          }
          expect(accumulator.pairs).toBe(pairs.length);
          expect(accumulator.result()).toBe(
            corpusBleu(
              pairs.map(([refs]) => refs),
              pairs.map(([, hyp]) => hyp),
              { smoothing, weights },
            ),
          );
        },
      ),
    );
  });

  it('keeps its own copy of the last pair (methods 5–7 read it), so callers may reuse buffers', () => {
    const hypothesis = ['a', 'b', 'c', 'd', 'e', 'f'];
    const references = [['a', 'b', 'c', 'd', 'e', 'f']];
    const expected = corpusBleu([references], [hypothesis], { smoothing: 'method5' });
    const accumulator = new BleuAccumulator({ smoothing: 'method5' }).update([references], [hypothesis]);
    hypothesis.fill('z');
    references[0]!.fill('y');
    expect(accumulator.result()).toBe(expected);
  });

  it('is empty before the first pair and after reset; rejects bad batches and options', () => {
    const accumulator = new BleuAccumulator();
    expectErrorCode(() => accumulator.result(), MetricsError, 'METRICS_EMPTY_INPUT');
    accumulator.update([], []);
    expectErrorCode(() => accumulator.result(), MetricsError, 'METRICS_EMPTY_INPUT');
    accumulator.update([[['a', 'b']]], [['a', 'b']]);
    expect(accumulator.result()).toBeGreaterThan(0);
    expectErrorCode(() => accumulator.update([[['a']]], []), MetricsError, 'METRICS_LENGTH_MISMATCH');
    expectErrorCode(
      () => accumulator.update([[['a']], []], [['a'], ['b']]),
      MetricsError,
      'METRICS_EMPTY_INPUT',
    );
    expect(accumulator.pairs).toBe(1);
    expectErrorCode(() => accumulator.reset().result(), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => new BleuAccumulator({ weights: [] }), MetricsError, 'METRICS_INVALID_OPTION');
  });
});
