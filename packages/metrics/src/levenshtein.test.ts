import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createErrorRateAccumulator } from './error-rate-accumulator.js';
import { MetricsError } from './errors.js';
import { align, levenshtein, MAX_EDIT_DISTANCE_CELLS } from './levenshtein.js';
import { characterErrorRate } from './sequence-errors.js';

interface EditFixture {
  generator: string;
  words: { reference: string; hypothesis: string; distance: number }[];
  characters: { reference: string; hypothesis: string; distance: number }[];
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../test/fixtures/nltk/edit-distance.json'), 'utf8'),
) as EditFixture;

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('levenshtein', () => {
  it('equals hand-computed distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('rain', 'shine')).toBe(3);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', '')).toBe(3);
    expect(levenshtein('', '')).toBe(0);
    expect(levenshtein(['the', 'cat', 'sat'], ['the', 'cat', 'sat', 'down'])).toBe(1);
    expect(levenshtein([1, 2, 3], new Int32Array([1, 3]))).toBe(1);
    expect(levenshtein([1], ['1'])).toBe(1);
  });

  it('counts characters by code point, as Python does', () => {
    expect(levenshtein('🐳', '🐋')).toBe(1);
    expect(levenshtein('🐳🐳', '')).toBe(2);
  });

  it('equals nltk.edit_distance on every fixture pair (words and characters)', () => {
    expect(fixture.generator).toMatch(/nltk 3\.8/);
    for (const c of fixture.words) {
      expect(levenshtein(words(c.reference), words(c.hypothesis)), JSON.stringify(c)).toBe(c.distance);
    }
    for (const c of fixture.characters) {
      expect(levenshtein(c.reference, c.hypothesis), JSON.stringify(c)).toBe(c.distance);
    }
    expect(fixture.words.length + fixture.characters.length).toBeGreaterThan(250);
  });

  it('rejects arguments that are not sequences', () => {
    for (const bad of [null, 42, { a: 1 }]) {
      let thrown: unknown;
      try {
        levenshtein(bad as never, 'abc');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(MetricsError);
      expect((thrown as MetricsError).code).toBe('METRICS_INVALID_INPUT');
    }
  });
});

describe('align', () => {
  it('spells out the edit script', () => {
    expect(align(['the', 'cat', 'sat'], ['the', 'bat', 'sat', 'down'])).toEqual({
      distance: 2,
      operations: [
        { type: 'match', referenceIndex: 0, hypothesisIndex: 0 },
        { type: 'substitute', referenceIndex: 1, hypothesisIndex: 1 },
        { type: 'match', referenceIndex: 2, hypothesisIndex: 2 },
        { type: 'insert', referenceIndex: null, hypothesisIndex: 3 },
      ],
      matches: 2,
      substitutions: 1,
      deletions: 0,
      insertions: 1,
    });
    expect(align('abc', '').operations.map((op) => op.type)).toEqual(['delete', 'delete', 'delete']);
    expect(align('', 'ab').operations.map((op) => op.type)).toEqual(['insert', 'insert']);
  });

  it('reproduces the distance on the NLTK fixtures', () => {
    for (const c of fixture.characters) {
      const alignment = align(c.reference, c.hypothesis);
      expect(alignment.distance).toBe(c.distance);
      expect(alignment.substitutions + alignment.deletions + alignment.insertions).toBe(c.distance);
    }
  });
});

describe('levenshtein and align properties', () => {
  const seq = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 14 });

  it('is a metric: 0 on itself, symmetric, triangle inequality, bounded by the longer length', () => {
    fc.assert(
      fc.property(seq, seq, seq, (a, b, c) => {
        expect(levenshtein(a, a)).toBe(0);
        expect(levenshtein(a, b)).toBe(levenshtein(b, a));
        expect(levenshtein(a, c)).toBeLessThanOrEqual(levenshtein(a, b) + levenshtein(b, c));
        expect(levenshtein(a, b)).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(levenshtein(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
        if (levenshtein(a, b) === 0) expect(a).toEqual(b);
      }),
    );
  });

  it('alignment counts reproduce the distance and replaying the script turns reference into hypothesis', () => {
    fc.assert(
      fc.property(seq, seq, (reference, hypothesis) => {
        const alignment = align(reference, hypothesis);
        expect(alignment.distance).toBe(levenshtein(reference, hypothesis));
        expect(alignment.substitutions + alignment.deletions + alignment.insertions).toBe(alignment.distance);
        expect(alignment.matches + alignment.substitutions + alignment.deletions).toBe(reference.length);
        expect(alignment.matches + alignment.substitutions + alignment.insertions).toBe(hypothesis.length);
        const rebuilt: string[] = [];
        let lastReference = -1;
        let lastHypothesis = -1;
        for (const op of alignment.operations) {
          if (op.referenceIndex !== null) expect(op.referenceIndex).toBe(++lastReference);
          if (op.hypothesisIndex !== null) expect(op.hypothesisIndex).toBe(++lastHypothesis);
          if (op.type === 'match') expect(reference[op.referenceIndex]).toBe(hypothesis[op.hypothesisIndex]);
          if (op.type === 'substitute')
            expect(reference[op.referenceIndex]).not.toBe(hypothesis[op.hypothesisIndex]);
          if (op.type !== 'delete') rebuilt.push(hypothesis[op.hypothesisIndex]!);
        }
        expect(rebuilt).toEqual(hypothesis);
      }),
    );
  });

  it('the one-row DP equals the full-table DP on long random sequences', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 200 }),
        (a, b) => {
          expect(levenshtein(a, b)).toBe(align(a, b).distance);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('issue 13: levenshtein messages and sizes', () => {
  it.each([
    ['null', null, 'null'],
    ['NaN', Number.NaN, 'NaN'],
    ['undefined', undefined, 'undefined'],
  ])(
    'issue 13 #14: a %s argument is METRICS_INVALID_INPUT whose message shows the value, not "received null"',
    (_case, value, shown) => {
      const error = expectErrorCode(
        () => levenshtein(value as never, 'a'),
        MetricsError,
        'METRICS_INVALID_INPUT',
      );
      expect(error.message).not.toMatch(/received null|undefined undefined/);
      expect(error.message).toContain(`got ${shown}`);
    },
  );

  it('issue 13 #13: two long, different texts beyond MAX_EDIT_DISTANCE_CELLS are METRICS_INVALID_INPUT at once, not a hang', () => {
    const started = performance.now();
    const a = 'a'.repeat(40_000);
    const b = 'b'.repeat(40_000);
    const error = expectErrorCode(() => levenshtein(a, b), MetricsError, 'METRICS_INVALID_INPUT');
    expect(error.message).toContain(String(MAX_EDIT_DISTANCE_CELLS));
    expectErrorCode(() => characterErrorRate([a], [b]), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(
      () => createErrorRateAccumulator({ unit: 'character' }).update([a], [b]),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    expect(performance.now() - started).toBeLessThan(2000);
    // Common ends are stripped first: equal books are cheap whatever their length.
    expect(levenshtein(`${a}x${a}`, `${a}y${a}`)).toBe(1);
  });
});
