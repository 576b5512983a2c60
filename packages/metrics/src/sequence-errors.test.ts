import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors.js';
import {
  characterErrorRate,
  characterErrorRates,
  DEFAULT_TOKEN_ACCURACY_OPTIONS,
  phonemeErrorRate,
  resolveTokenAccuracyOptions,
  sequenceExactMatch,
  tokenAccuracy,
  tokenErrorRate,
  tokenErrorRates,
  wordErrorRate,
  wordErrorRates,
} from './sequence-errors.js';

interface EditFixture {
  words: { reference: string; hypothesis: string; distance: number }[];
  characters: { reference: string; hypothesis: string; distance: number }[];
  corpusWer: number;
  corpusCer: number;
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../test/fixtures/nltk/edit-distance.json'), 'utf8'),
) as EditFixture;

describe('word, character and token error rates', () => {
  it('equal hand-computed values', () => {
    expect(wordErrorRate(['the cat sat on the mat'], ['the cat sat on mat'])).toBe(1 / 6);
    // corpus: (1 + 0) edits / (6 + 2) words, not the mean (1/6 + 0) / 2
    expect(
      wordErrorRate(['the cat sat on the mat', 'hello world'], ['the cat sat on mat', 'hello world']),
    ).toBe(1 / 8);
    expect(wordErrorRates(['a b', 'c d e f'], ['a', 'c d e f'])).toEqual([0.5, 0]);
    expect(wordErrorRate(['  spaced   out\ttext '], ['spaced out text'])).toBe(0);
    expect(wordErrorRate([['a', 'b']], [['a', 'b', 'c', 'd', 'e']])).toBe(1.5);
    expect(characterErrorRate(['kitten'], ['sitting'])).toBe(0.5);
    expect(characterErrorRates(['abcd', 'ab'], ['abce', 'ab'])).toEqual([0.25, 0]);
    expect(characterErrorRate(['🐳🐳'], ['🐳'])).toBe(0.5);
    expect(tokenErrorRate([['k', 'ae', 't']], [['k', 'ah', 't']])).toBe(1 / 3);
    expect(tokenErrorRates([[1, 2], new Int32Array([3])], [[1, 2], [4]])).toEqual([0, 1]);
    expect(phonemeErrorRate([['HH', 'AH0', 'L', 'OW1']], [['HH', 'EH0', 'L', 'OW1']])).toBe(0.25);
    // an empty reference contributes its hypothesis' insertions to a corpus rate
    expect(wordErrorRate(['', 'a b'], ['x', 'a b'])).toBe(0.5);
  });

  it('corpus WER and CER equal Σ nltk.edit_distance / Σ reference length on the fixtures', () => {
    expect(
      wordErrorRate(
        fixture.words.map((c) => c.reference),
        fixture.words.map((c) => c.hypothesis),
      ),
    ).toBeCloseTo(fixture.corpusWer, 15);
    expect(
      characterErrorRate(
        fixture.characters.map((c) => c.reference),
        fixture.characters.map((c) => c.hypothesis),
      ),
    ).toBeCloseTo(fixture.corpusCer, 15);
    const nonEmpty = fixture.words.filter((c) => c.reference.trim() !== '');
    expect(
      wordErrorRates(
        nonEmpty.map((c) => c.reference),
        nonEmpty.map((c) => c.hypothesis),
      ),
    ).toEqual(nonEmpty.map((c) => c.distance / c.reference.trim().split(/\s+/).length));
  });

  it('reject mismatched, empty and ill-typed inputs', () => {
    expectErrorCode(() => wordErrorRate(['a'], ['a', 'b']), MetricsError, 'METRICS_LENGTH_MISMATCH');
    expectErrorCode(() => wordErrorRate([], []), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => wordErrorRate(['', ' '], ['a', '']), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => wordErrorRates(['a', ''], ['a', 'b']), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => characterErrorRate([['a']] as never, ['a']), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => tokenErrorRate(['abc'] as never, [['a']]), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => wordErrorRate([null] as never, ['a']), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(
      () => wordErrorRate('a b' as never, 'a b' as never),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
  });

  it('WER of a corpus against itself is 0, and never below |len difference| / len', () => {
    const sentence = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 8 }),
        fc.array(sentence, { maxLength: 8 }),
        (refs, other) => {
          expect(wordErrorRate(refs, refs)).toBe(0);
          expect(
            wordErrorRate(
              refs.map((s) => s.join(' ')),
              refs,
            ),
          ).toBe(0);
          const hyps = refs.map((_, i) => other[i] ?? []);
          const total = refs.reduce((n, s) => n + s.length, 0);
          const lengthGap = refs.reduce((n, s, i) => n + Math.abs(s.length - hyps[i]!.length), 0);
          expect(wordErrorRate(refs, hyps)).toBeGreaterThanOrEqual(lengthGap / total);
        },
      ),
    );
  });
});

describe('sequenceExactMatch', () => {
  it('counts the pairs that are identical', () => {
    expect(sequenceExactMatch([[1, 2], [3]], [[1, 2], [4]])).toBe(0.5);
    expect(sequenceExactMatch(['abc', 'de'], ['abc', 'de'])).toBe(1);
    expect(sequenceExactMatch([new Int32Array([1, 2])], [[1, 2]])).toBe(1);
    expect(sequenceExactMatch([[1, 2]], [[1, 2, 0]])).toBe(0);
    expect(sequenceExactMatch([[1]], [['1']])).toBe(0);
    expectErrorCode(() => sequenceExactMatch([], []), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => sequenceExactMatch([[1]], []), MetricsError, 'METRICS_LENGTH_MISMATCH');
  });
});

describe('tokenAccuracy', () => {
  it('defaults to padId 0 and pins it', () => {
    expect(DEFAULT_TOKEN_ACCURACY_OPTIONS).toEqual({ padId: 0 });
    expect(resolveTokenAccuracyOptions()).toEqual({ padId: 0 });
    expect(resolveTokenAccuracyOptions({ padId: null })).toEqual({ padId: null });
  });

  it('skips positions whose reference is padding, whatever was predicted there', () => {
    expect(tokenAccuracy([[5, 6, 7, 0, 0]], [[5, 6, 1, 0, 3]])).toBe(2 / 3);
    expect(tokenAccuracy([[5, 6, 7, 0, 0]], [[5, 6, 1, 0, 3]], { padId: null })).toBe(3 / 5);
    expect(
      tokenAccuracy(
        [
          ['<pad>', 'a'],
          ['b', 'c'],
        ],
        [
          ['x', 'a'],
          ['b', 'x'],
        ],
        { padId: '<pad>' },
      ),
    ).toBe(2 / 3);
  });

  it('masking on the prediction instead (the POS notebook) overstates accuracy', () => {
    // The model predicts padding at two real positions: masking on predictions hides both mistakes.
    const references = [[4, 2, 9, 9, 0, 0]];
    const predictions = [[4, 2, 0, 0, 0, 0]];
    const maskedOnPrediction = (() => {
      let correct = 0;
      let counted = 0;
      references[0]!.forEach((r, t) => {
        if (predictions[0]![t] === 0) return;
        counted++;
        if (predictions[0]![t] === r) correct++;
      });
      return correct / counted;
    })();
    expect(maskedOnPrediction).toBe(1);
    expect(tokenAccuracy(references, predictions)).toBe(0.5);
  });

  it('rejects ragged rows, NaN predictions, all-padding batches and unknown options', () => {
    expectErrorCode(() => tokenAccuracy([[1, 2]], [[1]]), MetricsError, 'METRICS_LENGTH_MISMATCH');
    expectErrorCode(() => tokenAccuracy([[1, 2]], [[1, 2], [3]]), MetricsError, 'METRICS_LENGTH_MISMATCH');
    expectErrorCode(() => tokenAccuracy([[1, 2]], [[1, Number.NaN]]), MetricsError, 'METRICS_NON_FINITE');
    expectErrorCode(() => tokenAccuracy([[0, 0]], [[1, 2]]), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(
      () => tokenAccuracy([[1]], [[1]], { pad: 0 } as never),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => tokenAccuracy([[1]], [[1]], { padId: Number.NaN }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });
});
