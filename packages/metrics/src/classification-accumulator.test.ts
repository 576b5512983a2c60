import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracyScore, precisionRecallFscoreSupport } from './classification.js';
import { ClassificationAccumulator } from './classification-accumulator.js';
import { classificationReport } from './classification-report.js';
import { confusionMatrix } from './confusion-matrix.js';
import { MetricsError } from './errors.js';

/** Splits `n` items at sorted random cut points into consecutive [start, end) ranges. */
function ranges(n: number, cuts: number[]): [number, number][] {
  const bounds = [0, ...cuts.map((c) => Math.min(c, n)).sort((a, b) => a - b), n];
  return bounds.slice(1).map((end, i) => [bounds[i]!, end]);
}

describe('ClassificationAccumulator', () => {
  const names = ['NOUN', 'VERB', 'ADJ', 'DET', 'PUNCT'];

  it('equals the one-shot functions over the concatenation, for random batch splits', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 4 }),
            fc.integer({ min: 0, max: 4 }),
            fc.double({ min: 0.01, max: 3, noNaN: true }),
          ),
          { minLength: 1, maxLength: 80 },
        ),
        fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (samples, cuts, strings, weighted) => {
          const yTrue = samples.map((s) => (strings ? names[s[0]]! : s[0]));
          const yPred = samples.map((s) => (strings ? names[s[1]]! : s[1]));
          const weights = weighted ? samples.map((s) => s[2]) : undefined;
          const accumulator = new ClassificationAccumulator();
          for (const [a, b] of ranges(samples.length, cuts)) {
            accumulator.update(yTrue.slice(a, b), yPred.slice(a, b), weights?.slice(a, b));
          }
          const w = weights === undefined ? {} : { sampleWeight: weights };
          expect(accumulator.count).toBe(samples.length);
          expect(accumulator.confusionMatrix()).toEqual(confusionMatrix(yTrue, yPred, w));
          expect(accumulator.precisionRecallFscoreSupport({ zeroDivision: 0 })).toEqual(
            precisionRecallFscoreSupport(yTrue, yPred, { ...w, zeroDivision: 0 }),
          );
          expect(accumulator.precisionRecallFscoreSupport({ average: 'weighted', zeroDivision: 1 })).toEqual(
            precisionRecallFscoreSupport(yTrue, yPred, { ...w, average: 'weighted', zeroDivision: 1 }),
          );
          expect(accumulator.result({ zeroDivision: 0 })).toEqual(
            classificationReport(yTrue, yPred, { ...w, zeroDivision: 0 }),
          );
          if (weights === undefined) expect(accumulator.accuracy()).toBe(accuracyScore(yTrue, yPred));
          else expect(accumulator.accuracy()).toBeCloseTo(accuracyScore(yTrue, yPred, w), 12);
        },
      ),
    );
  });

  it('rejects a batch mixing label kinds with earlier batches and keeps its state', () => {
    const accumulator = new ClassificationAccumulator().update([0, 1], [0, 0]);
    expect(() => accumulator.update(['a'], ['a'])).toThrow(MetricsError);
    expect(() => accumulator.update([1, 2], [1])).toThrow(MetricsError);
    expect(accumulator.count).toBe(2);
    expect(accumulator.accuracy()).toBe(0.5);
    accumulator.reset();
    expect(() => accumulator.accuracy()).toThrow(MetricsError);
    expect(accumulator.update(['a'], ['a']).accuracy()).toBe(1);
  });
});
