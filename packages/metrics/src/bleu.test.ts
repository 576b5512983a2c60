import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  corpusBleu,
  corpusBleuScores,
  DEFAULT_BLEU_OPTIONS,
  resolveBleuOptions,
  sentenceBleu,
  sentenceBleuScores,
} from './bleu.js';
import { type BleuSmoothing, DEFAULT_BLEU_SMOOTHING_PARAMETERS } from './bleu-smoothing.js';
import {
  brevityPenalty,
  closestReferenceLength,
  MAX_NGRAMS_PER_SENTENCE,
  modifiedPrecision,
} from './bleu-statistics.js';
import { MetricsError } from './errors.js';
import type { Token } from './ngrams.js';

type Value = number | number[] | { error: string };
interface GridEntry {
  smoothing: BleuSmoothing;
  weights: number[] | number[][];
  autoReweigh: boolean;
}
interface Fixture {
  generator: string;
  grid: GridEntry[];
  sentences: {
    name: string;
    references: Token[][];
    hypothesis: Token[];
    values: Value[];
    warnings: number[];
  }[];
  corpora: {
    name: string;
    listOfReferences: Token[][][];
    hypotheses: Token[][];
    values: Value[];
    warnings: number[];
  }[];
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../test/fixtures/nltk/bleu.json'), 'utf8'),
) as Fixture;

/** Relative difference, with 0 only equal to 0 (a score NLTK rounds to ~1e-77 is not 0). */
function relativeError(actual: number, expected: number): number {
  if (expected === 0 || actual === 0) return actual === expected ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(actual - expected) / Math.abs(expected);
}

// Measured: worst relative difference 8e-16 (a few ulps: V8's log/exp vs glibc's, and doubles where
// NLTK keeps exact Fractions in methods 5–7); 81% of the sentence scores are bit-identical.
const TOLERANCE = 1e-13;

/** NLTK method6 with < 3 orders fails with IndexError when it runs, or returns 0 without unigram matches; we always reject the options. */
function isShortMethod6(entry: GridEntry): boolean {
  const method = typeof entry.smoothing === 'string' ? entry.smoothing : entry.smoothing.method;
  const lengths = Array.isArray(entry.weights[0])
    ? (entry.weights as number[][]).map((w) => w.length)
    : [entry.weights.length];
  return method === 'method6' && Math.max(...lengths) < 3;
}

function checkCase(
  name: string,
  values: Value[],
  warnings: number[],
  score: (entry: GridEntry, onWarning: (message: string) => void) => number | number[],
): { compared: number; exact: number; maxError: number } {
  let compared = 0;
  let exact = 0;
  let maxError = 0;
  fixture.grid.forEach((entry, g) => {
    const expected = values[g]!;
    const label = `${name} ${JSON.stringify(entry)}`;
    let warned = 0;
    const run = () => score(entry, () => warned++);
    if (isShortMethod6(entry)) {
      expectErrorCode(run, MetricsError, 'METRICS_INVALID_OPTION');
      return;
    }
    if (typeof expected === 'object' && !Array.isArray(expected)) {
      expect(expected.error, label).toBe('AssertionError');
      expectErrorCode(run, MetricsError, 'METRICS_UNDEFINED');
      return;
    }
    const actual = run();
    const pairs: [number, number][] = Array.isArray(expected)
      ? expected.map((value, i) => [(actual as number[])[i]!, value])
      : [[actual as number, expected]];
    if (Array.isArray(expected)) expect((actual as number[]).length, label).toBe(expected.length);
    for (const [a, e] of pairs) {
      const error = relativeError(a, e);
      if (!(error <= TOLERANCE)) expect(a, label).toBe(e);
      compared++;
      if (a === e) exact++;
      maxError = Math.max(maxError, error);
    }
    expect(warned, `${label} warnings`).toBe(warnings[g]);
  });
  return { compared, exact, maxError };
}

function optionsOf(entry: GridEntry, onWarning: (message: string) => void) {
  return { smoothing: entry.smoothing, autoReweigh: entry.autoReweigh, onWarning };
}

type EntryOptions = ReturnType<typeof optionsOf>;

/** Scores `entry` with `many` when its weights are a list of weight sets, else with `one`. */
function scoreEntry(
  entry: GridEntry,
  onWarning: (message: string) => void,
  score: {
    one: (options: EntryOptions & { weights: number[] }) => number;
    many: (options: EntryOptions & { weightSets: number[][] }) => number[];
  },
): number | number[] {
  return Array.isArray(entry.weights[0])
    ? score.many({ ...optionsOf(entry, onWarning), weightSets: entry.weights as number[][] })
    : score.one({ ...optionsOf(entry, onWarning), weights: entry.weights as number[] });
}

describe('BLEU equals NLTK 3.8 (test/fixtures/nltk/bleu.json)', () => {
  it('covers every smoothing method with several weights', () => {
    expect(fixture.generator).toMatch(/nltk 3\.8/);
    const methods = new Set(
      fixture.grid.map((e) => (typeof e.smoothing === 'string' ? e.smoothing : e.smoothing.method)),
    );
    expect([...methods].sort()).toEqual([
      'method0',
      'method1',
      'method2',
      'method3',
      'method4',
      'method5',
      'method6',
      'method7',
    ]);
    expect(fixture.sentences.length).toBeGreaterThan(300);
  });

  it('sentenceBleu / sentenceBleuScores on every sentence case', () => {
    let compared = 0;
    let exact = 0;
    let maxError = 0;
    for (const c of fixture.sentences) {
      const result = checkCase(c.name, c.values, c.warnings, (entry, onWarning) =>
        scoreEntry(entry, onWarning, {
          one: (options) => sentenceBleu(c.references, c.hypothesis, options),
          many: (options) => sentenceBleuScores(c.references, c.hypothesis, options),
        }),
      );
      compared += result.compared;
      exact += result.exact;
      maxError = Math.max(maxError, result.maxError);
    }
    expect(compared).toBeGreaterThan(20_000);
    expect(maxError).toBeLessThanOrEqual(TOLERANCE);
    // Most scores agree to the last bit (the operation order is NLTK's, the log sum is fsum's).
    expect(exact / compared).toBeGreaterThan(0.75);
  });

  it('corpusBleu / corpusBleuScores on every corpus case', () => {
    let compared = 0;
    for (const c of fixture.corpora) {
      compared += checkCase(c.name, c.values, c.warnings, (entry, onWarning) =>
        scoreEntry(entry, onWarning, {
          one: (options) => corpusBleu(c.listOfReferences, c.hypotheses, options),
          many: (options) => corpusBleuScores(c.listOfReferences, c.hypotheses, options),
        }),
      ).compared;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('BLEU by hand', () => {
  const ref = ['the', 'cat', 'sat', 'on', 'the', 'mat'];
  const hyp = ['the', 'cat', 'sat', 'on', 'a', 'mat'];

  it('is the geometric mean of the clipped precisions times the brevity penalty', () => {
    // 5/6 unigrams, 3/5 bigrams, 2/4 trigrams, 1/3 4-grams, same length → BP = 1.
    expect(sentenceBleu([ref], hyp)).toBeCloseTo((((((((5 / 6) * 3) / 5) * 2) / 4) * 1) / 3) ** 0.25, 14);
    expect(sentenceBleu([ref], hyp, { weights: [0.5, 0.5] })).toBeCloseTo(Math.sqrt(((5 / 6) * 3) / 5), 14);
    expect(sentenceBleu([ref], hyp, { weights: [1] })).toBeCloseTo(5 / 6, 14);
  });

  it('clips repeated words to their count in one reference', () => {
    expect(modifiedPrecision([ref, ['there', 'is', 'a', 'cat']], ['the', 'the', 'the'], 1)).toEqual({
      numerator: 2,
      denominator: 3,
    });
    expect(modifiedPrecision([ref], ['a', 'b'], 3)).toEqual({ numerator: 0, denominator: 1 });
  });

  it('takes the closest reference length, the shorter on a tie, for the brevity penalty', () => {
    expect(
      closestReferenceLength(
        [
          [1, 2, 3, 4, 5, 6],
          [1, 2, 3, 4],
        ],
        5,
      ),
    ).toBe(4);
    expect(
      closestReferenceLength(
        [
          [1, 2],
          [1, 2, 3, 4, 5, 6, 7, 8],
        ],
        6,
      ),
    ).toBe(8);
    expect(brevityPenalty(28, 12)).toBeCloseTo(Math.exp(1 - 28 / 12), 15);
    expect(brevityPenalty(12, 13)).toBe(1);
    expect(brevityPenalty(5, 0)).toBe(0);
    // hypothesis 'a b c d e' (5) vs references of length 4 and 6: both 1 away, r = 4 → BP = 1;
    // precisions 4/5, 3/4, 2/3, 1/2 (the second reference matches nothing).
    const refs = [
      ['a', 'b', 'c', 'd'],
      ['x', 'x', 'x', 'x', 'x', 'x'],
    ];
    const expected = (((((((4 / 5) * 3) / 4) * 2) / 3) * 1) / 2) ** 0.25;
    expect(sentenceBleu(refs, ['a', 'b', 'c', 'd', 'e'])).toBeCloseTo(expected, 14);
    expect(sentenceBleu([...refs].reverse(), ['a', 'b', 'c', 'd', 'e'])).toBeCloseTo(expected, 14);
    // One token shorter: r = 4 = c, still no penalty; with r = 6 it would be exp(1 - 6/4).
    expect(sentenceBleu([['a', 'b', 'c', 'd', 'e', 'f']], ['a', 'b', 'c', 'd'])).toBeCloseTo(
      Math.exp(1 - 6 / 4),
      14,
    );
  });

  it('is 0 without unigram matches or for an empty hypothesis, whatever the smoothing', () => {
    for (const smoothing of ['method0', 'method1', 'method4', 'method7'] as const) {
      expect(sentenceBleu([['a', 'b']], ['x', 'y'], { smoothing })).toBe(0);
      expect(sentenceBleu([['a', 'b']], [], { smoothing })).toBe(0);
    }
  });

  it('method0 reports a missing order through onWarning and scores ~0 like NLTK', () => {
    const messages: string[] = [];
    const score = sentenceBleu([['a', 'b', 'c']], ['a', 'b', 'c'], { onWarning: (m) => messages.push(m) });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/4-gram/);
    // NLTK's sys.float_info.min as the 4-gram precision: exp(ln(2.2e-308) / 4) ≈ 1.2e-77.
    expect(score).toBeCloseTo(Math.exp(Math.log(2.2250738585072014e-308) / 4), 90);
    expect(score).toBeGreaterThan(0);
  });

  it('returns one score per weight vector with weightSets', () => {
    const scores = sentenceBleuScores([ref], hyp, {
      weightSets: [[1], [0.5, 0.5], [0.25, 0.25, 0.25, 0.25]],
    });
    expect(scores).toEqual([
      sentenceBleu([ref], hyp, { weights: [1] }),
      sentenceBleu([ref], hyp, { weights: [0.5, 0.5] }),
      sentenceBleu([ref], hyp),
    ]);
  });

  it('is not the mean of the sentence scores at corpus level', () => {
    const refs = [[ref], [['a', 'dog', 'barked', 'loudly']]];
    const hyps = [hyp, ['a', 'dog', 'barked', 'loudly']];
    const corpus = corpusBleu(refs, hyps);
    // Counts pooled: 9/10, 6/8, 4/6, 2/4; lengths 10 vs 10.
    expect(corpus).toBeCloseTo((((((((9 / 10) * 6) / 8) * 4) / 6) * 2) / 4) ** 0.25, 14);
    expect(corpus).not.toBeCloseTo((sentenceBleu(refs[0]!, hyps[0]!) + 1) / 2, 3);
  });
});

describe('BLEU options', () => {
  it('defaults to NLTK: BLEU-4, no smoothing, no re-weighting, epsilon 0.1, alpha 5, k 5', () => {
    expect(DEFAULT_BLEU_OPTIONS).toEqual({
      weights: [0.25, 0.25, 0.25, 0.25],
      smoothing: 'method0',
      autoReweigh: false,
      onWarning: undefined,
    });
    expect(DEFAULT_BLEU_SMOOTHING_PARAMETERS).toEqual({ epsilon: 0.1, alpha: 5, k: 5 });
    expect(resolveBleuOptions()).toEqual({
      weightSets: [[0.25, 0.25, 0.25, 0.25]],
      maxOrder: 4,
      smoothing: { method: 'method0', epsilon: 0.1, alpha: 5, k: 5 },
      autoReweigh: false,
      onWarning: undefined,
    });
    expect(resolveBleuOptions({ smoothing: { method: 'method1', epsilon: 0.5 } }).smoothing.epsilon).toBe(
      0.5,
    );
  });

  it('rejects unknown options, bad weights and parameters the method does not use', () => {
    const bad: unknown[] = [
      { weight: [1] },
      { weights: [] },
      { weights: [0.5, Number.NaN] },
      { weights: 'uniform' },
      { smoothing: 'method8' },
      { smoothing: { method: 'method3', epsilon: 0.1 } },
      { smoothing: { method: 'method1', epsilon: -1 } },
      { smoothing: { method: 'method4', k: 0 } },
      { smoothing: { method: 'method6', alpha: 0 } },
      { smoothing: 'method6', weights: [0.5, 0.5] },
      { autoReweigh: 'yes' },
      { onWarning: 'console' },
    ];
    for (const options of bad) {
      expectErrorCode(
        () => sentenceBleu([['a']], ['a'], options as never),
        MetricsError,
        'METRICS_INVALID_OPTION',
      );
    }
    expectErrorCode(
      () => corpusBleuScores([[['a']]], [['a']], { weightSets: [] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });

  it('rejects mismatched, empty and malformed inputs with typed errors', () => {
    expectErrorCode(() => corpusBleu([[['a']]], [['a'], ['b']]), MetricsError, 'METRICS_LENGTH_MISMATCH');
    expectErrorCode(() => corpusBleu([], []), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => sentenceBleu([], ['a']), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => sentenceBleu(['a b'] as never, ['a']), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => sentenceBleu([['a']], 'a b' as never), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(
      () => sentenceBleu([['a', 'b', 'c']], ['a', 'b', 'x'], { smoothing: 'method6' }),
      MetricsError,
      'METRICS_UNDEFINED',
    );
  });
});

describe('BLEU properties', () => {
  const sentence = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 1, 2), { minLength: 1, maxLength: 20 });
  // Methods 1–4 and 6 leave non-zero precisions alone (method2 makes n/n into (n+1)/(n+1)); 5 and 7
  // average neighbouring orders, which can lift an exact match above 1 — in NLTK too (see fixtures).
  const smoothed = fc.constantFrom<BleuSmoothing>('method1', 'method2', 'method3', 'method4');

  it('an exact match scores 1 with smoothing (the brevity penalty is 1 and every precision ≥ its share)', () => {
    fc.assert(
      fc.property(
        sentence.filter((s) => s.length >= 4),
        fc.constantFrom<BleuSmoothing>('method0', 'method1', 'method2', 'method3', 'method4', 'method6'),
        (s, smoothing) => {
          expect(sentenceBleu([s], s, { smoothing })).toBeCloseTo(1, 12);
        },
      ),
    );
  });

  it('lies in [0, 1] and ignores the order of the references', () => {
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 3 }),
        sentence,
        smoothed,
        (refs, hyp, smoothing) => {
          const score = sentenceBleu(refs, hyp, { smoothing });
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1 + 1e-12);
          expect(sentenceBleu([...refs].reverse(), hyp, { smoothing })).toBe(score);
        },
      ),
    );
  });
});

describe('n-gram counting', () => {
  /** NLTK's modified_precision written out naively (Counter of joined n-grams). */
  function naiveModifiedPrecision(references: Token[][], hypothesis: Token[], n: number) {
    const count = (tokens: Token[]) => {
      const counts = new Map<string, number>();
      for (let i = 0; i + n <= tokens.length; i++) {
        const key = JSON.stringify(tokens.slice(i, i + n));
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    };
    const hyp = count(hypothesis);
    const refs = references.map(count);
    let numerator = 0;
    let total = 0;
    for (const [key, c] of hyp) {
      numerator += Math.min(c, Math.max(0, ...refs.map((r) => r.get(key) ?? 0)));
      total += c;
    }
    return { numerator, denominator: Math.max(1, total) };
  }

  it('equals a naive count for small and huge alphabets (numeric and string n-gram keys)', () => {
    const small = fc.array(fc.constantFrom('a', 'b', 'c', 1, 2), { maxLength: 15 });
    // ~300 distinct tokens with 9-grams exceed 2^53 as numeric keys, so the string-key path runs.
    const large = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 200, maxLength: 300 });
    fc.assert(
      fc.property(
        fc.array(small, { minLength: 1, maxLength: 3 }),
        small,
        fc.integer({ min: 1, max: 6 }),
        (refs, hyp, n) => {
          expect(modifiedPrecision(refs, hyp, n)).toEqual(naiveModifiedPrecision(refs, hyp, n));
        },
      ),
    );
    fc.assert(
      fc.property(large, fc.integer({ min: 1, max: 9 }), (hyp, n) => {
        const refs = [hyp.slice(10), [...hyp].reverse(), hyp.map((t) => (t % 7 === 0 ? -1 : t))];
        expect(modifiedPrecision(refs, hyp, n)).toEqual(naiveModifiedPrecision(refs, hyp, n));
        expect(modifiedPrecision(refs, hyp, 9)).toEqual(naiveModifiedPrecision(refs, hyp, 9));
      }),
      { numRuns: 30 },
    );
  });
});

describe('issue 13: BLEU on huge and malformed inputs', () => {
  it('issue 13 #13: a hypothesis with more than MAX_NGRAMS_PER_SENTENCE n-grams is METRICS_INVALID_INPUT, not a RangeError', () => {
    const tokens = Array.from({ length: 100_000 }, (_, i) => i);
    const weights = new Array<number>(1000).fill(0.001);
    const error = expectErrorCode(
      () => sentenceBleu([tokens], tokens, { weights }),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    expect(error.message).toContain(String(MAX_NGRAMS_PER_SENTENCE));
    expectErrorCode(
      () => corpusBleu([[tokens]], [tokens], { weights }),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
  });

  it.each([
    [Number.NaN, 5],
    [5, Number.NaN],
    [-1, 5],
    [5, 1.5],
    ['5', 5],
  ])('issue 13 #13: brevityPenalty(%s, %s) is METRICS_INVALID_INPUT, not NaN', (r, c) => {
    expectErrorCode(() => brevityPenalty(r as number, c), MetricsError, 'METRICS_INVALID_INPUT');
  });

  it('issue 13 #13: closestReferenceLength and modifiedPrecision check their sentences', () => {
    expectErrorCode(() => closestReferenceLength(null as never, 3), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => closestReferenceLength([['a']], Number.NaN), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => closestReferenceLength([], 3), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => modifiedPrecision(null as never, ['a'], 1), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => modifiedPrecision([['a']], 'a' as never, 1), MetricsError, 'METRICS_INVALID_INPUT');
  });
});
