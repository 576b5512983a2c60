import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  DEFAULT_ACCURACY_SCORE_OPTIONS,
  DEFAULT_PRECISION_RECALL_OPTIONS,
  f1Score,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  resolvePrecisionRecallOptions,
} from './classification.js';
import { ClassificationAccumulator } from './classification-accumulator.js';
import { pairwiseSum, sortLabels } from './classification-counts.js';
import {
  classificationReport,
  DEFAULT_CLASSIFICATION_REPORT_OPTIONS,
  formatFixed,
  pythonFloatRepr,
} from './classification-report.js';
import {
  confusionMatrix,
  DEFAULT_CONFUSION_MATRIX_OPTIONS,
  MAX_CONFUSION_MATRIX_CELLS,
  normalizeMatrix,
} from './confusion-matrix.js';
import { MetricsError } from './errors.js';

describe('hand-computed values', () => {
  // true:  cat cat cat dog dog pig
  // pred:  cat cat dog dog pig pig
  const yTrue = ['cat', 'cat', 'cat', 'dog', 'dog', 'pig'];
  const yPred = ['cat', 'cat', 'dog', 'dog', 'pig', 'pig'];

  it('accuracy, confusion matrix, per-class and averaged scores', () => {
    expect(accuracyScore(yTrue, yPred)).toBe(4 / 6);
    expect(accuracyScore(yTrue, yPred, { normalize: false })).toBe(4);
    expect(confusionMatrix(yTrue, yPred)).toEqual({
      labels: ['cat', 'dog', 'pig'],
      matrix: [
        [2, 1, 0],
        [0, 1, 1],
        [0, 0, 1],
      ],
    });
    expect(confusionMatrix(yTrue, yPred, { normalize: 'true' }).matrix[0]).toEqual([2 / 3, 1 / 3, 0]);
    const perClass = precisionRecallFscoreSupport(yTrue, yPred);
    expect(perClass.precision).toEqual([1, 1 / 2, 1 / 2]);
    expect(perClass.recall).toEqual([2 / 3, 1 / 2, 1]);
    expect(perClass.support).toEqual([3, 2, 1]);
    expect(perClass.fScore[0]).toBeCloseTo(0.8, 15);
    const macro = precisionRecallFscoreSupport(yTrue, yPred, { average: 'macro' });
    expect(macro.precision).toBeCloseTo(2 / 3, 15);
    expect(precisionRecallFscoreSupport(yTrue, yPred, { average: 'micro' }).fScore).toBeCloseTo(4 / 6, 15);
    // weighted recall = Σ support·recall / Σ support = accuracy
    expect(recallScore(yTrue, yPred, { average: 'weighted' })).toBeCloseTo(4 / 6, 15);
  });

  it("binary average scores posLabel only; labels absent from the data score 0 ('warn')", () => {
    expect(precisionScore([0, 1, 1, 0], [1, 1, 1, 0])).toBe(2 / 3);
    expect(precisionScore([0, 1, 1, 0], [1, 1, 1, 0], { posLabel: 0 })).toBe(1);
    const warnings: string[] = [];
    expect(
      recallScore([0, 1, 1], [0, 1, 1], {
        labels: [0, 7],
        average: 'macro',
        onWarning: (m) => warnings.push(m),
      }),
    ).toBe(0.5);
    expect(warnings).toEqual([
      'Recall is ill-defined and being set to 0.0 in labels with no true samples. Use `zeroDivision` parameter to control this behavior.',
    ]);
    expect(recallScore([0, 1, 1], [0, 1, 1], { labels: [0, 7], average: 'macro', zeroDivision: 1 })).toBe(1);
    // f1 warns only when both precision and recall are undefined
    const f1Warnings: string[] = [];
    expect(f1Score([0, 0], [0, 0], { onWarning: (m) => f1Warnings.push(m) })).toBe(0);
    expect(f1Warnings).toHaveLength(1);
  });

  it('the report marks a subset of labels with micro avg instead of accuracy', () => {
    const report = classificationReport([0, 1, 2, 2], [0, 2, 2, 1], { labels: [2, 0] });
    expect(report.accuracy).toBeUndefined();
    expect(report.microAvg).toEqual({ precision: 2 / 3, recall: 2 / 3, f1Score: 2 / 3, support: 3 });
    expect(report.text).toContain('   micro avg       0.67      0.67      0.67         3\n');
    expect(classificationReport([0, 1], [0, 0]).accuracy).toBe(0.5);
  });
});

describe('options', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_ACCURACY_SCORE_OPTIONS).toEqual({ normalize: true, sampleWeight: undefined });
    expect(DEFAULT_CONFUSION_MATRIX_OPTIONS).toEqual({
      labels: undefined,
      normalize: 'none',
      sampleWeight: undefined,
    });
    expect(DEFAULT_PRECISION_RECALL_OPTIONS).toEqual({
      labels: undefined,
      posLabel: 1,
      beta: 1,
      zeroDivision: 'warn',
      sampleWeight: undefined,
      onWarning: undefined,
    });
    expect(resolvePrecisionRecallOptions().average).toBeNull();
    expect(resolvePrecisionRecallOptions({}, 'binary').average).toBe('binary');
    expect(DEFAULT_CLASSIFICATION_REPORT_OPTIONS).toEqual({
      labels: undefined,
      targetNames: undefined,
      digits: 2,
      zeroDivision: 'warn',
      sampleWeight: undefined,
      onWarning: undefined,
    });
  });
});

describe('errors', () => {
  it('length mismatches, empty input, NaN predictions, bad labels', () => {
    expectErrorCode(() => accuracyScore([0, 1], [0]), MetricsError, 'METRICS_LENGTH_MISMATCH');
    expectErrorCode(
      () => accuracyScore([0, 1], [0, 1], { sampleWeight: [1] }),
      MetricsError,
      'METRICS_LENGTH_MISMATCH',
    );
    expectErrorCode(() => confusionMatrix([], []), MetricsError, 'METRICS_EMPTY_INPUT');
    expectErrorCode(() => f1Score([0, 1], [0, Number.NaN]), MetricsError, 'METRICS_NON_FINITE');
    expectErrorCode(
      () => accuracyScore([0, 1], [0, 1], { sampleWeight: [1, Number.NaN] }),
      MetricsError,
      'METRICS_NON_FINITE',
    );
    expectErrorCode(() => accuracyScore([0, 1], [0, 0.7]), MetricsError, 'METRICS_INVALID_LABEL');
    expectErrorCode(() => accuracyScore([0, 1], [0, '1']), MetricsError, 'METRICS_INVALID_LABEL');
    expectErrorCode(() => sortLabels([1, 'a']), MetricsError, 'METRICS_INVALID_LABEL');
  });

  it('sorts labels like sklearn: numbers ascending, strings by code point (not UTF-16 unit)', () => {
    expect(sortLabels([10, 2, -1])).toEqual([-1, 2, 10]);
    expect(sortLabels(['b', 'B', 'é', 'a'])).toEqual(['B', 'a', 'b', 'é']);
    expect(sortLabels(['🐳', '\uFFFD'])).toEqual(['\uFFFD', '🐳']);
    expect(['🐳', '\uFFFD'].sort()).toEqual(['🐳', '\uFFFD']); // what a plain JS sort would give
  });

  it('unknown averaging modes and bad options', () => {
    const bad = (options: object) => () => precisionRecallFscoreSupport([0, 1], [0, 1], options as never);
    expectErrorCode(bad({ average: 'samples' }), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(bad({ average: 'mean' }), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(bad({ beta: -1 }), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(bad({ zeroDivision: 'nan' }), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(bad({ labels: [] }), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(bad({ labels: [1, 1] }), MetricsError, 'METRICS_INVALID_OPTION');
    expectErrorCode(() => precisionScore([0, 1, 2], [0, 1, 2]), MetricsError, 'METRICS_INVALID_OPTION'); // binary on 3 classes
    expectErrorCode(() => precisionScore(['a', 'b'], ['a', 'b']), MetricsError, 'METRICS_INVALID_OPTION'); // posLabel 1 absent
    expectErrorCode(
      () => precisionScore([0, 1], [0, 1], { average: null as never }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => confusionMatrix([0, 1], [0, 1], { normalize: 'rows' as never }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => confusionMatrix([0, 1], [0, 1], { labels: [5] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => accuracyScore([0, 1], [0, 1], { sampleWeight: [0, 0] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => accuracyScore([0], [0], { sampleWeight: [-1] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expectErrorCode(
      () => classificationReport([0, 1], [0, 1], { targetNames: ['a'] }),
      MetricsError,
      'METRICS_LENGTH_MISMATCH',
    );
    expectErrorCode(
      () => classificationReport([0, 1], [0, 1], { digits: 1.5 }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });
});

describe('properties', () => {
  const labelled = fc.integer({ min: 1, max: 6 }).chain((k) =>
    fc.array(fc.tuple(fc.integer({ min: 0, max: k - 1 }), fc.integer({ min: 0, max: k - 1 })), {
      minLength: 1,
      maxLength: 80,
    }),
  );

  it('confusion-matrix totals equal sample counts; row sums equal supports; diagonal equals correct count', () => {
    fc.assert(
      fc.property(labelled, (pairs) => {
        const yTrue = pairs.map((p) => p[0]);
        const yPred = pairs.map((p) => p[1]);
        const { labels, matrix } = confusionMatrix(yTrue, yPred);
        expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(pairs.length);
        const support = precisionRecallFscoreSupport(yTrue, yPred, { zeroDivision: 0 }).support;
        expect(matrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(support);
        expect(labels.reduce<number>((a, _, i) => a + matrix[i]![i]!, 0)).toBe(
          accuracyScore(yTrue, yPred, { normalize: false }),
        );
        const normalized = confusionMatrix(yTrue, yPred, { normalize: 'all' }).matrix.flat();
        expect(normalized.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }),
    );
  });

  it('micro F1 equals accuracy over all labels', () => {
    fc.assert(
      fc.property(labelled, (pairs) => {
        const yTrue = pairs.map((p) => p[0]);
        const yPred = pairs.map((p) => p[1]);
        expect(f1Score(yTrue, yPred, { average: 'micro' })).toBeCloseTo(accuracyScore(yTrue, yPred), 12);
      }),
    );
  });
});

describe('number formatting like Python', () => {
  it('formatFixed rounds exact ties to even, other values correctly', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(0.625, 2)).toBe('0.62');
    expect(formatFixed(-0.125, 2)).toBe('-0.12');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(0.1 + 0.2, 2)).toBe('0.30');
    expect(formatFixed(0.115, 2)).toBe('0.12'); // 0.115 is stored above the tie
    expect(formatFixed(2 / 3, 4)).toBe('0.6667');
  });

  it("pythonFloatRepr matches Python's repr", () => {
    expect(pythonFloatRepr(3)).toBe('3.0');
    expect(pythonFloatRepr(14.352)).toBe('14.352');
    expect(pythonFloatRepr(59.77199999999998)).toBe('59.77199999999998');
    expect(pythonFloatRepr(1e-5)).toBe('1e-05');
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(123456789012345.6)).toBe('123456789012345.6');
    expect(pythonFloatRepr(-2.5)).toBe('-2.5');
  });

  it("pairwiseSum is numpy's summation order", () => {
    const values = Array.from({ length: 300 }, (_, i) => 0.1 * ((i * 7919) % 13));
    // Same set, different order of additions: exact result differs from a left fold in general.
    expect(pairwiseSum(values)).toBeCloseTo(
      values.reduce((a, b) => a + b, 0),
      9,
    );
    expect(pairwiseSum([1, 2, 3])).toBe(6);
    expect(pairwiseSum([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])).toBe(
      0.1 + 0.2 + (0.3 + 0.4) + (0.5 + 0.6 + (0.7 + 0.8)) + 0.9,
    );
  });
});

describe('issue 13: sizes and bad matrices', () => {
  const distinct = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => i + offset);

  it('issue 13 #13: confusionMatrix with more than MAX_CONFUSION_MATRIX_CELLS cells is METRICS_INVALID_INPUT, not a fatal OOM', () => {
    const classes = Math.ceil(Math.sqrt(MAX_CONFUSION_MATRIX_CELLS)) + 1;
    const error = expectErrorCode(
      () => confusionMatrix(distinct(classes), distinct(classes, 1)),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    expect(error.message).toContain(String(MAX_CONFUSION_MATRIX_CELLS));
    expectErrorCode(
      () => confusionMatrix([0], [0], { labels: distinct(classes) }),
      MetricsError,
      'METRICS_INVALID_INPUT',
    );
    const accumulator = new ClassificationAccumulator().update(distinct(classes), distinct(classes));
    expectErrorCode(() => accumulator.confusionMatrix(), MetricsError, 'METRICS_INVALID_INPUT');
  });

  it('issue 13 #13: classificationReport of 200,000 classes completes (no stack overflow, no quadratic label search)', () => {
    const report = classificationReport(distinct(200_000), distinct(200_000, 1), {
      labels: distinct(200_001),
    });
    expect(report.classes).toHaveLength(200_001);
    expect(report.accuracy).toBe(0);
  });

  it.each([
    ['empty', [], 'METRICS_SHAPE_MISMATCH'],
    ['null', null, 'METRICS_SHAPE_MISMATCH'],
    ['ragged', [[1, 2], [3]], 'METRICS_SHAPE_MISMATCH'],
    [
      'NaN',
      [
        [Number.NaN, 1],
        [0, 1],
      ],
      'METRICS_NON_FINITE',
    ],
    [
      'negative',
      [
        [-1, 1],
        [0, 1],
      ],
      'METRICS_INVALID_INPUT',
    ],
  ] as const)(
    'issue 13 #13: normalizeMatrix of a %s matrix is a typed error, not a TypeError or NaN',
    (_case, matrix, code) => {
      for (const normalize of ['true', 'pred', 'all', 'none'] as const) {
        expectErrorCode(() => normalizeMatrix(matrix as never, normalize), MetricsError, code);
      }
    },
  );

  it('issue 13 #13: sortLabels of a non-iterable or NaN is a typed error', () => {
    expectErrorCode(() => sortLabels(null as never), MetricsError, 'METRICS_INVALID_INPUT');
    expectErrorCode(() => sortLabels([1, Number.NaN]), MetricsError, 'METRICS_NON_FINITE');
  });
});
