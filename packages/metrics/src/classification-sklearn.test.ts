// Parity with scikit-learn 1.2.1 on committed fixtures (scripts/make_sklearn_fixtures.py).
import { readJsonFixture } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  type Average,
  accuracyScore,
  f1Score,
  fbetaScore,
  type PerClassScores,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  type ZeroDivision,
} from './classification.js';
import type { Label } from './classification-counts.js';
import { classificationReport } from './classification-report.js';
import { type ConfusionMatrixNormalize, confusionMatrix } from './confusion-matrix.js';
import { MetricsError } from './errors.js';

type Maybe<T> = T | { error: string };

interface Case {
  name: string;
  yTrue: Label[];
  yPred: Label[];
  labels: Label[] | null;
  posLabel: Label;
  sampleWeight: number[] | null;
  targetNames: string[] | null;
  accuracy: Maybe<number>;
  accuracyCount: Maybe<number>;
  confusionMatrix: Record<string, Maybe<number[][]>>;
  prfs: {
    average: Average | null;
    zeroDivision: ZeroDivision;
    beta: number;
    result: Maybe<[number | number[], number | number[], number | number[], number[] | null]>;
  }[];
  scores: {
    average: Average;
    precision: Maybe<number>;
    recall: Maybe<number>;
    f1: Maybe<number>;
    fbeta2: Maybe<number>;
  }[];
  report: Record<string, { text: Maybe<string>; dict: Maybe<Record<string, unknown>> | null }>;
}

const { sklearn, cases } = readJsonFixture<{ sklearn: string; cases: Case[] }>(
  new URL('../test/fixtures/sklearn/classification.json', import.meta.url),
);

/** Relative tolerance for sums taken in another order than numpy's; unweighted ratios are exact. */
const RTOL = 1e-12;

function close(actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(expected.length);
    expected.forEach((e, i) => {
      close((actual as unknown[])[i], e, `${path}[${i}]`);
    });
  } else if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
      RTOL * Math.max(1, Math.abs(expected)),
    );
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/** Runs `fn`; when sklearn raised, rnnkit must throw a MetricsError (any code but a crash). */
function matches<T>(expected: Maybe<T>, fn: () => unknown, path: string, compare = close): void {
  if (expected !== null && typeof expected === 'object' && 'error' in expected) {
    let caught: unknown;
    try {
      fn();
    } catch (error) {
      caught = error;
    }
    expect(caught, `${path}: sklearn raised "${expected.error}"`).toBeInstanceOf(MetricsError);
    expect((caught as MetricsError).code, path).toBe('METRICS_INVALID_OPTION');
    return;
  }
  compare(fn(), expected, path);
}

function opts(c: Case) {
  return {
    ...(c.labels === null ? {} : { labels: c.labels }),
    ...(c.sampleWeight === null ? {} : { sampleWeight: c.sampleWeight }),
  };
}

describe(`classification metrics equal scikit-learn ${sklearn}`, () => {
  it('has fixtures', () => {
    expect(sklearn).toBe('1.2.1');
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const weight = c.sampleWeight === null ? {} : { sampleWeight: c.sampleWeight };

    it('accuracyScore', () => {
      matches(c.accuracy, () => accuracyScore(c.yTrue, c.yPred, weight), 'accuracy');
      matches(
        c.accuracyCount,
        () => accuracyScore(c.yTrue, c.yPred, { ...weight, normalize: false }),
        'count',
      );
    });

    it('confusionMatrix', () => {
      for (const [key, expected] of Object.entries(c.confusionMatrix)) {
        const normalize = (key === 'None' ? 'none' : key) as ConfusionMatrixNormalize;
        matches(expected, () => confusionMatrix(c.yTrue, c.yPred, { ...opts(c), normalize }).matrix, key);
      }
      if ('error' in (c.confusionMatrix['None'] as object)) return;
      const labels = confusionMatrix(c.yTrue, c.yPred, opts(c)).labels;
      expect(labels).toEqual(c.labels ?? [...new Set([...c.yTrue, ...c.yPred])].sort(compareForTest));
    });

    it('precisionRecallFscoreSupport for every average, zeroDivision and beta', () => {
      for (const p of c.prfs) {
        const path = `average=${p.average} zeroDivision=${p.zeroDivision} beta=${p.beta}`;
        const options = { ...opts(c), posLabel: c.posLabel, zeroDivision: p.zeroDivision, beta: p.beta };
        matches(
          p.result,
          () => {
            if (p.average === null) {
              const r: PerClassScores = precisionRecallFscoreSupport(c.yTrue, c.yPred, {
                ...options,
                average: null,
              });
              return [r.precision, r.recall, r.fScore, r.support];
            }
            const r = precisionRecallFscoreSupport(c.yTrue, c.yPred, { ...options, average: p.average });
            return [r.precision, r.recall, r.fScore, null];
          },
          path,
        );
      }
    });

    it('precisionScore, recallScore, f1Score, fbetaScore', () => {
      for (const s of c.scores) {
        const options = { ...opts(c), posLabel: c.posLabel, average: s.average };
        matches(s.precision, () => precisionScore(c.yTrue, c.yPred, options), `precision ${s.average}`);
        matches(s.recall, () => recallScore(c.yTrue, c.yPred, options), `recall ${s.average}`);
        matches(s.f1, () => f1Score(c.yTrue, c.yPred, options), `f1 ${s.average}`);
        matches(s.fbeta2, () => fbetaScore(c.yTrue, c.yPred, { ...options, beta: 2 }), `fbeta ${s.average}`);
      }
    });

    it('classificationReport: text character for character, and the dict', () => {
      for (const [key, { text, dict }] of Object.entries(c.report)) {
        const [zd, digits] = key.split('/') as [string, string];
        const options = {
          ...opts(c),
          ...(c.targetNames === null ? {} : { targetNames: c.targetNames }),
          zeroDivision: (zd === 'warn' ? 'warn' : Number(zd)) as ZeroDivision,
          digits: Number(digits),
        };
        matches(
          text,
          () => classificationReport(c.yTrue, c.yPred, options).text,
          `text ${key}`,
          (a, e) => expect(a).toBe(e),
        );
        if (dict !== null)
          matches(dict, () => reportDict(classificationReport(c.yTrue, c.yPred, options)), key);
      }
    });
  });
});

function compareForTest(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const ca = [...String(a)].map((ch) => ch.codePointAt(0)!);
  const cb = [...String(b)].map((ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  return ca.length - cb.length;
}

/** Our report in the shape of sklearn's `output_dict=True`. */
function reportDict(report: ReturnType<typeof classificationReport>): Record<string, unknown> {
  const row = (r: { precision: number; recall: number; f1Score: number; support: number }) => ({
    precision: r.precision,
    recall: r.recall,
    'f1-score': r.f1Score,
    support: r.support,
  });
  const dict: Record<string, unknown> = {};
  for (const c of report.classes) dict[c.name] = row(c);
  if (report.accuracy !== undefined) dict['accuracy'] = report.accuracy;
  if (report.microAvg !== undefined) dict['micro avg'] = row(report.microAvg);
  dict['macro avg'] = row(report.macroAvg);
  dict['weighted avg'] = row(report.weightedAvg);
  return dict;
}
